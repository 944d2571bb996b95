"""A deterministic pause point for kill-and-resume tests.

With ``MMKG_PAUSE_AFTER_STAGE=<stage>`` a build writes ``<work_dir>/paused-<build_id>`` once
that stage is done and then waits for ever, so a test can kill it at exactly that point
instead of guessing with sleeps. Unset (always, outside tests) it does nothing.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from mmkg.settings import PAUSE_AFTER_STAGE_ENV


def pause_point(stage: str, work_dir: Path, build_id: str) -> None:
    if os.environ.get(PAUSE_AFTER_STAGE_ENV) != stage:
        return
    work_dir.mkdir(parents=True, exist_ok=True)
    (work_dir / f"paused-{build_id}").write_text(f"{stage}\n{os.getpid()}\n")
    threading.Event().wait()
