"""Two crawler processes on one Redis frontier (a real ``redis-server`` on 127.0.0.1).

They fetch every page of the embedded site exactly once between them, both do a real share,
and the warehouse ends up as a one-process crawl leaves it. A worker killed with SIGKILL
while it holds requests in flight loses nothing: the other worker finds its lease expired,
requeues those requests and fetches them.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from scrapy_redis import picklecompat

from crawl import CrawlConfig, CrawlSummary, crawl_movie_site
from crawl.frontier_crawl import frontier_dir, join_frontier, merge_feeds, worker_command
from crawl.linking import MovieLensIndex
from crawl.loader import load_feed
from crawl.redis_frontier import Frontier
from crawl.stage import PROJECT_ROOT
from demo_site import SiteConfig, SiteServer, generate_site
from warehouse import Warehouse

N_MOVIES = 24
START_PATH = "/catalogue/list.php?page=1"
BUILD_ID = "b1"
TABLES = ("pages", "movies", "movie_sources", "build_movies", "movie_attributes", "documents", "errors")
WAIT_S = 120


class TimedSiteServer(SiteServer):
    """The demo site, with the time of each answer; ``delay_s`` makes it answer like a distant site."""

    def __init__(self, site_dir: Path) -> None:
        super().__init__(site_dir)
        self.delay_s = 0.0
        self.timed: list[tuple[float, str]] = []

    def record(self, path: str, status: int, conditional: bool) -> None:
        if self.delay_s and path != "/robots.txt":
            time.sleep(self.delay_s)  # in this request's own server thread: a slow answer, not a wait
        self.timed.append((time.monotonic(), path))
        super().record(path, status, conditional)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private redis-server on 127.0.0.1; a port taken meanwhile by another process is retried."""
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed (scripts/install-system-deps.sh installs the Debian package)")
    folder = tmp_path_factory.mktemp("redis")
    for _ in range(5):
        port = _free_port()
        process = subprocess.Popen(
            [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=port, socket_connect_timeout=1)
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            try:  # the server on this port must be ours, not another that took the port
                if client.info("server")["process_id"] == process.pid:
                    break
            except redis.ConnectionError:
                time.sleep(0.05)
        if process.poll() is None and time.monotonic() < deadline:
            try:
                yield f"redis://127.0.0.1:{port}/0"
            finally:
                process.terminate()
                process.wait(timeout=30)
            return
        process.kill()
        process.wait()
    pytest.fail("redis-server did not start on 127.0.0.1 after 5 ports")


@dataclass
class Site:
    root: Path
    server: TimedSiteServer
    data: Path
    baseline_log: list[tuple[str, int, bool]]
    baseline: Warehouse

    def config(self, work: str, **frontier: object) -> CrawlConfig:
        return CrawlConfig(start_url=self.server.base_url + START_PATH, work_dir=self.root / work,
                           movielens_dir=self.data / "movies" / "ml-latest-small", **frontier)

    def warehouse(self, name: str) -> Warehouse:
        return Warehouse(self.root / f"{name}.duckdb", self.root / f"blobs-{name}")


@pytest.fixture(scope="module")
def site(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The site served once for the module, and the one-process crawl every result is held against."""
    root = tmp_path_factory.mktemp("frontier")
    generate_site(SiteConfig(data_dir=shared_data, out_dir=root / "site", n_movies=N_MOVIES, media=False))
    with TimedSiteServer(root / "site") as server:
        result = Site(root, server, shared_data, [], Warehouse(root / "one.duckdb", root / "blobs-one"))
        crawl_movie_site(result.config("work-one"), result.baseline, BUILD_ID)
        result.baseline_log = list(server.log)
        yield result


def stored(warehouse: Warehouse) -> dict[str, list[tuple]]:
    """Every crawl table's rows, without the columns that hold times."""
    tables = {}
    with warehouse.connect() as con:
        for table in TABLES:
            columns = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND data_type NOT LIKE 'TIMESTAMP%' "
                "ORDER BY ordinal_position", [table]).fetchall()]
            tables[table] = sorted(con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall(), key=repr)
    return tables


def fetch_counts(log: list[tuple[str, int, bool]]) -> Counter[str]:
    """Fetches per path; a page that failed once with 500 and then answered counts once."""
    counts = Counter(path for path, _, _ in log)
    statuses: dict[str, set[int]] = {}
    for path, status, _ in log:
        statuses.setdefault(path, set()).add(status)
    for path, seen in statuses.items():
        if 500 in seen and len(seen) > 1:
            counts[path] -= 1
    return counts


@pytest.mark.slow
def test_two_workers_fetch_every_page_once_and_store_what_one_process_stores(site: Site, redis_url: str) -> None:
    site.server.log.clear()
    warehouse = site.warehouse("two")
    site.server.delay_s = 0.3  # a distant site: the shares then depend on the workers' slots, not on the CPU
    try:
        summary: CrawlSummary = crawl_movie_site(
            site.config("work-two", frontier=redis_url, frontier_workers=2, frontier_name="two"), warehouse, BUILD_ID)
    finally:
        site.server.delay_s = 0.0

    one, two = fetch_counts(site.baseline_log), fetch_counts(site.server.log)
    robots_one, robots_two = one.pop("/robots.txt"), two.pop("/robots.txt")
    assert len(one) > 60 and two == one  # every page, as often as one process asks for it (once; a 500 thrice)
    assert robots_two == robots_one + 1  # each worker reads robots.txt for itself

    shares = summary.pages_by_worker
    assert len(shares) == 2 and all(n >= 0.2 * sum(shares.values()) for n in shares.values()), shares
    assert stored(warehouse) == stored(site.baseline)
    assert not summary.truncated

    stats = json.loads((site.root / "work-two" / f"crawl-{BUILD_ID}.stats.json").read_text())
    assert stats["mmkg/frontier_pending"] == 0
    assert stats.get("frontier/acknowledged_when_idle", 0) == 0 and stats.get("frontier/lease_lost", 0) == 0
    assert not list(redis.Redis.from_url(redis_url).scan_iter(match="mmkg:frontier:two:*"))


@pytest.mark.slow
def test_a_killed_workers_pages_are_fetched_by_the_other(site: Site, redis_url: str) -> None:
    name, lease_s = "kill", 6.0
    config = site.config("work-kill", frontier=redis_url, frontier_workers=2, frontier_name=name, frontier_lease_s=lease_s)
    frontier = Frontier.connect(redis_url, name)
    frontier.clear()
    out_dir = frontier_dir(config, name)
    out_dir.mkdir(parents=True)
    warehouse = site.warehouse("kill")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    site.server.delay_s = 0.1
    workers = {}
    try:
        for slot, worker in enumerate(("doomed", "survivor")):
            command = worker_command(config, name, worker, slot, out_dir, warehouse.blobs.root)
            with (out_dir / f"{worker}.log").open("w") as log:
                workers[worker] = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=PROJECT_ROOT)
        deadline = time.monotonic() + WAIT_S
        while frontier.server.zcard(frontier.keys.inflight("doomed")) < 6:  # the doomed worker holds six requests
            assert time.monotonic() < deadline and workers["doomed"].poll() is None, "the doomed worker never held 6 requests"
            time.sleep(0.01)
        workers["doomed"].send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        workers["doomed"].wait(timeout=30)
        held = [picklecompat.loads(data)["url"] for data in frontier.inflight("doomed")]
        assert workers["survivor"].wait(timeout=WAIT_S) == 0
    finally:
        site.server.delay_s = 0.0
        for process in workers.values():
            if process.poll() is None:
                process.kill()
                process.wait()

    assert held  # what it held when it died: requests taken, never finished
    # Its answers to the dead worker are out by killed_at + delay; the survivor requeues only after the lease.
    refetched = {path for at, path in list(site.server.timed) if at > killed_at + 1.5}
    assert {_path(url) for url in held} <= refetched
    survivor = json.loads((out_dir / "survivor.stats.json").read_text())
    assert survivor["frontier/requeued_from_dead"] == len(held) and frontier.pending() == 0

    merge_feeds(sorted(out_dir.glob("*.jsonl")), out_dir.parent / "merged.jsonl")
    with warehouse.transaction() as con:
        load_feed(con, out_dir.parent / "merged.jsonl", BUILD_ID, MovieLensIndex.load(site.data / "movies" / "ml-latest-small"))
    assert stored(warehouse) == stored(site.baseline)
    frontier.clear()


@pytest.mark.slow
def test_a_worker_from_another_machine_joins_the_running_crawl(site: Site, redis_url: str) -> None:
    """As ``mmkg crawl-frontier`` and ``mmkg crawl-frontier --join`` on two machines: the joiner
    has its own work folder and writes its feed into the coordinator's frontier folder."""
    name = "joined"
    coordinator = site.config("work-coordinator", frontier=redis_url, frontier_workers=1, frontier_name=name, frontier_quorum=2)
    joiner = site.config("work-joiner", frontier=redis_url, frontier_workers=1, frontier_name=name, frontier_quorum=2)
    warehouse = site.warehouse("joined")
    results: list[CrawlSummary] = []
    thread = threading.Thread(target=lambda: results.append(crawl_movie_site(coordinator, warehouse, BUILD_ID)))
    site.server.delay_s = 0.3  # as in the two-worker test: shares set by slots, not by which process the CPU favours
    thread.start()
    try:
        frontier = Frontier.connect(redis_url, name)
        deadline = time.monotonic() + WAIT_S
        while not frontier.workers():  # the coordinator's worker has joined
            assert time.monotonic() < deadline and thread.is_alive(), "the coordinator never started its worker"
            time.sleep(0.05)
        codes = join_frontier(joiner, name, frontier_dir(coordinator, name), warehouse.blobs.root)
    finally:
        thread.join(timeout=WAIT_S)
        site.server.delay_s = 0.0
    assert list(codes.values()) == [0] and len(results) == 1
    shares = results[0].pages_by_worker
    assert len(shares) == 2 and all(n >= 0.2 * sum(shares.values()) for n in shares.values()), shares
    assert stored(warehouse) == stored(site.baseline)


def test_a_bad_or_unreachable_frontier_is_refused_before_any_work(tmp_path: Path) -> None:
    def config(**frontier: object) -> CrawlConfig:
        return CrawlConfig(start_url="http://127.0.0.1:9/", work_dir=tmp_path / "work", **frontier)

    with pytest.raises(ValueError, match="redis://host:port/db"):
        config(frontier="http://127.0.0.1:6379/0")
    with pytest.raises(ValueError, match="frontier name"):
        config(frontier="redis://127.0.0.1:6379/0", frontier_name="a b")
    with pytest.raises(ValueError, match="frontier_workers"):
        config(frontier="redis://127.0.0.1:6379/0", frontier_workers=0)
    closed = f"redis://127.0.0.1:{_free_port()}/0"
    with pytest.raises(ConnectionError, match="cannot reach the crawl frontier's Redis"):
        crawl_movie_site(config(frontier=closed), Warehouse(tmp_path / "wh.duckdb", tmp_path / "blobs"), BUILD_ID)
    assert not list((tmp_path / "work").glob("frontier-*"))  # no worker was started


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
