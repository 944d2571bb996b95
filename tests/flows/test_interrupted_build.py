"""Kill, resume, gates and the Dask runner, on a copy of the small build's workspace whose
site this module serves itself (one URL for every build, so unchanged stages are reused)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from demo_site import serve_site
from mmkg.settings import PAUSE_AFTER_STAGE_ENV, Settings
from warehouse import Warehouse
from warehouse.blobs import sha256_file
from warehouse.builds import get_build, latest_build

from tests.flows.conftest import SMALL_SITE, mmkg_env, run_mmkg

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


@dataclass(frozen=True)
class ServedCopy:
    settings: Settings
    warehouse: Warehouse
    start_url: str
    first_build: dict

    def build_args(self, *extra: str) -> list[str]:
        return ["build", *SMALL_SITE, "--start-url", self.start_url, *extra]


@pytest.fixture(scope="module")
def served_copy(small_build, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedCopy]:
    home = tmp_path_factory.mktemp("served-copy") / "mmkg-home"
    shutil.copytree(small_build.settings.home, home, ignore=shutil.ignore_patterns("locks", "run"))
    settings = Settings(home=home, data_dir=small_build.settings.data_dir)
    warehouse = Warehouse.from_settings(settings)
    with serve_site(settings.site_dir) as server:
        yield ServedCopy(settings, warehouse, server.base_url + "/", latest_build(warehouse))


def _stats(copy: ServedCopy, build_id: str) -> dict:
    return json.loads(get_build(copy.warehouse, build_id)["stats_json"])


def _statuses(copy: ServedCopy) -> dict[str, str]:
    with copy.warehouse.connect() as con:
        return dict(con.execute("SELECT build_id, status FROM builds").fetchall())


def _failure_line(stderr: str) -> str:
    """The command's own one-line verdict (Prefect's log lines surround it)."""
    lines = [line for line in stderr.splitlines() if line.startswith("mmkg build: ")]
    assert len(lines) == 1, stderr[-3000:]
    return lines[0]


def _wait_for_pause(work_dir: Path, proc: subprocess.Popen, timeout: float = 1200) -> str:
    """The paused build's id, once it has written its pause marker (a condition, not a guess)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        markers = list(work_dir.glob("paused-*"))
        if markers:
            return markers[0].name.removeprefix("paused-")
        assert proc.poll() is None, f"the build exited with {proc.returncode} before its pause point"
        time.sleep(0.2)
    raise AssertionError("the build never reached its pause point")


def test_killed_build_keeps_the_last_good_one_and_a_rerun_redoes_only_the_rest(served_copy: ServedCopy) -> None:
    copy, good = served_copy, served_copy.first_build
    with copy.warehouse.connect() as con:
        good_triples = con.execute("SELECT count(*) FROM triples WHERE build_id = ?", [good["build_id"]]).fetchall()[0][0]
    proc = subprocess.Popen(
        [sys.executable, "-m", "mmkg.cli", *copy.build_args()],
        env=mmkg_env(copy.settings.home, copy.settings.data_dir) | {PAUSE_AFTER_STAGE_ENV: "kg_build"},
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    killed = _wait_for_pause(copy.settings.work_dir, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    assert latest_build(copy.warehouse)["build_id"] == good["build_id"]
    assert _statuses(copy)[killed] == "running"
    with copy.warehouse.connect() as con:
        assert con.execute("SELECT count(*) FROM triples WHERE build_id = ?", [good["build_id"]]).fetchall()[0][0] == good_triples
    export_dir = Path(good["export_dir"])
    manifest = json.loads((export_dir / "manifest.json").read_text())
    assert all(sha256_file(export_dir / path) == f["sha256"] for path, f in manifest["files"].items())

    resumed = run_mmkg(copy.build_args(), copy.settings.home, copy.settings.data_dir)
    assert resumed.returncode == 0, resumed.stdout[-3000:] + resumed.stderr[-3000:]
    assert _statuses(copy)[killed] == "abandoned"
    resumed_id = latest_build(copy.warehouse)["build_id"]
    reused = _stats(copy, resumed_id)["reused"]
    assert {stage: reused.get(stage) for stage in ("extract", "interactions", "kg_build")} == dict.fromkeys(
        ("extract", "interactions", "kg_build"), killed)
    assert "export" not in reused  # the killed build never exported
    assert _stats(copy, resumed_id)["gates"] and all(g["passed"] is not False for g in _stats(copy, resumed_id)["gates"])


def test_dask_local_cluster_gives_the_content_of_the_default_runner(served_copy: ServedCopy) -> None:
    """Recomputed from scratch on Dask, uninterrupted: the same content as the resumed build
    of the default runner before it (same site URL; the first build crawled another port,
    whose documents the warehouse keeps too, so its text features differ)."""
    resumed = latest_build(served_copy.warehouse)
    result = run_mmkg(served_copy.build_args("--task-runner", "dask", "--dask-workers", "2", "--recompute",
                                             "--models", "most_pop", "--media-batch-size", "4"),
                      served_copy.settings.home, served_copy.settings.data_dir)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "LocalCluster" in result.stderr, result.stderr[-3000:]
    assert "media: 14/14 movies done (batch 4/4)" in result.stderr, result.stderr[-3000:]
    build = latest_build(served_copy.warehouse)
    stats = json.loads(build["stats_json"])
    assert stats["reused"] == {}
    assert stats["content_sha256"] == json.loads(resumed["stats_json"])["content_sha256"]


def test_missed_gates_fail_the_build_and_name_figure_and_threshold(served_copy: ServedCopy) -> None:
    current = latest_build(served_copy.warehouse)["build_id"]
    result = run_mmkg(served_copy.build_args("--min-link-rate", "1.0", "--max-error-rate", "0.01"),
                      served_copy.settings.home, served_copy.settings.data_dir)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    message = _failure_line(result.stderr)
    assert "gate link_rate FAILED" in message and "(threshold >= 1.0 and > 0)" in message, message
    assert "gate error_rate:crawl FAILED" in message and "(threshold <= 0.01)" in message, message
    assert f"current build stays {current}" in message
    assert latest_build(served_copy.warehouse)["build_id"] == current
    assert "| link_rate |" in result.stdout and "**FAILED**" in result.stdout


@pytest.fixture()
def site_without_movies(tmp_path: Path) -> Iterator[str]:
    """A plain site: an index linking to two pages, none with Movie markup."""
    root = tmp_path / "plain-site"
    root.mkdir()
    (root / "index.html").write_text('<html><body><a href="a.html">a</a> <a href="b.html">b</a></body></html>')
    for name in ("a", "b"):
        (root / f"{name}.html").write_text(f"<html><head><title>{name}</title></head><body><p>Hello.</p></body></html>")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_site_without_movies_fails_at_the_crawl_gate(served_copy: ServedCopy, site_without_movies: str) -> None:
    current = latest_build(served_copy.warehouse)["build_id"]
    result = run_mmkg(["build", *SMALL_SITE, "--start-url", site_without_movies],
                      served_copy.settings.home, served_copy.settings.data_dir)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    message = _failure_line(result.stderr)
    assert re.search(r"gate movies_crawled FAILED: 0 \(threshold >= 1\): crawled \d+ pages, none had Movie markup", message), message
    assert latest_build(served_copy.warehouse)["build_id"] == current
    failed = [s for s in _statuses(served_copy).values() if s == "failed"]
    assert len(failed) == 2  # this build and the one of the gates test
