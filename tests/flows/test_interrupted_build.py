"""A build killed half-way leaves the last good build and its export intact."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from warehouse.blobs import sha256_file
from warehouse.builds import latest_build

from tests.flows.conftest import SMALL_SITE, mmkg_env


def _triple_count(build, build_id: str) -> int:
    with build.warehouse.connect() as con:
        return con.execute("SELECT count(*) FROM triples WHERE build_id = ?", [build_id]).fetchall()[0][0]


def _wait_until_crawling(crawl_dir: Path, good_build_id: str, proc: subprocess.Popen, timeout: float = 180) -> None:
    """Block until the second build's crawl has started (its feed file exists)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if any(good_build_id not in feed.name for feed in crawl_dir.glob("crawl-*.jsonl")):
            return
        time.sleep(0.2)
    raise AssertionError("the second build never reached its crawl stage")


def test_killed_build_does_not_replace_the_last_good_one(small_build) -> None:
    good = latest_build(small_build.warehouse)
    good_triples = _triple_count(small_build, good["build_id"])
    settings = small_build.settings
    proc = subprocess.Popen(
        [sys.executable, "-m", "mmkg.cli", "build", *SMALL_SITE],
        env=mmkg_env(settings.home, settings.data_dir), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    _wait_until_crawling(settings.work_dir / "crawl", good["build_id"], proc)
    time.sleep(2)  # let the crawl load and extract/media start writing
    assert proc.poll() is None, "the second build ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    assert latest_build(small_build.warehouse)["build_id"] == good["build_id"]
    assert _triple_count(small_build, good["build_id"]) == good_triples
    with small_build.warehouse.connect() as con:
        statuses = dict(con.execute("SELECT build_id, status FROM builds").fetchall())
    assert statuses[good["build_id"]] == "succeeded"
    assert [s for b, s in statuses.items() if b != good["build_id"]] == ["running"]
    export_dir = settings.exports_dir / good["build_id"]
    manifest = json.loads((export_dir / "manifest.json").read_text())
    assert all(sha256_file(export_dir / path) == f["sha256"] for path, f in manifest["files"].items())
