"""The one settings object: where mmkg keeps its files and reads its data.

Every path the pipeline touches is derived here, so a user can move the whole
workspace with one environment variable (``MMKG_HOME``) and point at another copy of
the shared data with ``MMKG_DATA``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The packages whose files make up the code version in a build's inputs fingerprint.
CODE_PACKAGES = ("mmkg", "demo_site", "crawl", "extract", "media", "kg_build", "warehouse", "flows", "train")
EPHEMERAL_STARTUP_S = 300
# Fault-injection hook for kill/resume tests: a build pauses after this stage (see flows.pause).
PAUSE_AFTER_STAGE_ENV = "MMKG_PAUSE_AFTER_STAGE"


@dataclass(frozen=True)
class Settings:
    """Paths of one mmkg workspace; everything generated lives under ``home``."""

    home: Path
    data_dir: Path

    @classmethod
    def from_env(cls) -> "Settings":
        """Read ``MMKG_HOME`` / ``MMKG_DATA``, defaulting to ``.mmkg/`` and ``../shared/data``."""
        home = Path(os.environ.get("MMKG_HOME", PROJECT_ROOT / ".mmkg"))
        data = Path(os.environ.get("MMKG_DATA", PROJECT_ROOT.parent / "shared" / "data"))
        return cls(home=home.resolve(), data_dir=data.resolve())

    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def blobs_dir(self) -> Path:
        return self.home / "blobs"

    @property
    def exports_dir(self) -> Path:
        return self.home / "exports"

    @property
    def site_dir(self) -> Path:
        return self.home / "site"

    @property
    def work_dir(self) -> Path:
        """Scratch space for stage subprocesses (crawl feeds, ffmpeg temp files)."""
        return self.home / "work"

    @property
    def movies_dir(self) -> Path:
        return self.data_dir / "movies"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def prefect_home(self) -> Path:
        return self.home / "prefect"

    @property
    def locks_dir(self) -> Path:
        """One lock file per running build, held by its process (see warehouse.builds)."""
        return self.home / "locks"

    @property
    def run_dir(self) -> Path:
        """Pid files and logs of the local Prefect server and worker that ``make deploy`` starts."""
        return self.home / "run"

    @property
    def numba_cache_dir(self) -> Path:
        return self.home / "cache" / "numba"

    def apply_environment(self) -> None:
        """Set the variables the libraries read at import time; values already set win.

        Prefect keeps its state inside the workspace with analytics off and waits up to
        ``EPHEMERAL_STARTUP_S`` for its in-process API server (its default, 20 s, is too short
        on a loaded machine); numba caches librosa's JIT-compiled kernels so only the first
        run pays for compilation.
        """
        defaults = {
            "PREFECT_HOME": str(self.prefect_home),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": str(EPHEMERAL_STARTUP_S),
            "NUMBA_CACHE_DIR": str(self.numba_cache_dir),
        }
        for key, value in defaults.items():
            os.environ.setdefault(key, value)
        Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
