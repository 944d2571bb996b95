"""A build killed half-way leaves the last good build and its export intact."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from warehouse.blobs import sha256_file
from warehouse.builds import latest_build

from tests.flows.conftest import SMALL_SITE, mmkg_env


def _triple_count(build, build_id: str) -> int:
    with build.warehouse.connect() as con:
        return con.execute("SELECT count(*) FROM triples WHERE build_id = ?", [build_id]).fetchall()[0][0]


def test_killed_build_does_not_replace_the_last_good_one(small_build) -> None:
    good = latest_build(small_build.warehouse)
    good_triples = _triple_count(small_build, good["build_id"])
    settings = small_build.settings
    proc = subprocess.Popen(
        [sys.executable, "-m", "mmkg.cli", "build", *SMALL_SITE],
        env=mmkg_env(settings.home, settings.data_dir), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    time.sleep(12)  # into the crawl or extract stage of the second build
    assert proc.poll() is None, "the second build ended before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    assert latest_build(small_build.warehouse)["build_id"] == good["build_id"]
    assert _triple_count(small_build, good["build_id"]) == good_triples
    with small_build.warehouse.connect() as con:
        statuses = dict(con.execute("SELECT build_id, status FROM builds").fetchall())
    assert statuses[good["build_id"]] == "succeeded"
    assert [s for b, s in statuses.items() if b != good["build_id"]] in ([], ["running"])
    export_dir = settings.exports_dir / good["build_id"]
    manifest = json.loads((export_dir / "manifest.json").read_text())
    assert all(sha256_file(export_dir / path) == f["sha256"] for path, f in manifest["files"].items())
