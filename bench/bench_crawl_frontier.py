"""Benchmark of the crawl on a shared Redis frontier: 1 against 2 worker processes, same site, same run.

Figures (pages/s end to end: worker start-up, crawl, merge of the feeds, DuckDB load), each
crawl on a fresh work folder and warehouse, and the ratios:
  * frontier with 1 worker against the plain one-process crawl (what Redis costs);
  * frontier with 2 workers against 1 worker (what a second process gains);
both on the loopback site (answers in microseconds: the crawl is CPU-bound) and on the same
site answering each request after ``--latency-ms`` (a distant site: the crawl waits on the network).
Each crawl runs ``--repeats`` times, the order rotated between rounds, and its best rate counts.
Run: .venv/bin/python bench/bench_crawl_frontier.py [--n-movies 600] [--latency-ms 200] [--repeats 2]
Needs redis-server (scripts/install-system-deps.sh installs it); it is started on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawl import CrawlConfig, CrawlSummary, crawl_movie_site  # noqa: E402
from demo_site import SiteConfig, SiteServer, generate_site  # noqa: E402
from mmkg.settings import Settings  # noqa: E402
from warehouse import Warehouse  # noqa: E402


class DelayedSiteServer(SiteServer):
    """The demo site answering every request after ``delay_s``, in that request's own thread."""

    delay_s = 0.0

    def record(self, path: str, status: int, conditional: bool) -> None:
        if self.delay_s:
            time.sleep(self.delay_s)
        super().record(path, status, conditional)


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    """redis-server on a free 127.0.0.1 port (another port if that one is taken meanwhile)."""
    exe = shutil.which("redis-server")
    if exe is None:
        raise SystemExit("redis-server is not installed: run scripts/install-system-deps.sh")
    for _ in range(5):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        process = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                    "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=port, socket_connect_timeout=1)
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            try:
                if client.info("server")["process_id"] == process.pid:
                    return process, f"redis://127.0.0.1:{port}/0"
            except redis.ConnectionError:
                time.sleep(0.05)
        process.kill()
        process.wait()
    raise SystemExit("redis-server did not start")


def crawl(root: Path, label: str, server: SiteServer, movielens: Path, **frontier: object) -> CrawlSummary:
    config = CrawlConfig(start_url=server.base_url + "/", work_dir=root / f"work-{label}", max_pages=100_000,
                         timeout_s=3000, movielens_dir=movielens, **frontier)
    return crawl_movie_site(config, Warehouse(root / f"{label}.duckdb", root / f"blobs-{label}"), "bench")


def rate(summary: CrawlSummary) -> float:
    return summary.pages_fetched / summary.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-movies", type=int, default=600, help="films on the site (default: %(default)s)")
    parser.add_argument("--latency-ms", type=float, default=200, help="answer delay of the distant site (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=2, help="rounds of the three crawls per site (default: %(default)s)")
    args = parser.parse_args()
    settings = Settings.from_env()
    movielens = settings.movies_dir / "ml-latest-small"
    with tempfile.TemporaryDirectory(prefix="bench-frontier-") as tmp:
        root = Path(tmp)
        site_config = SiteConfig(data_dir=settings.data_dir, out_dir=root / "site", n_movies=args.n_movies, media=False)
        manifest = generate_site(site_config)
        print(f"site: {len(manifest.movies)} films on {len(manifest.film_pages)} film pages")
        redis_server, url = start_redis(root)
        try:
            with DelayedSiteServer(root / "site") as server:
                for site, delay_s in (("loopback", 0.0), (f"{args.latency_ms:.0f} ms per answer", args.latency_ms / 1000)):
                    server.delay_s = delay_s
                    tag = "lat" if delay_s else "loop"
                    runs = {"plain": {}, "one": {"frontier": url, "frontier_workers": 1},
                            "two": {"frontier": url, "frontier_workers": 2}}
                    best: dict[str, CrawlSummary] = {}
                    for round_ in range(args.repeats):
                        order = list(runs)[round_ % 3:] + list(runs)[:round_ % 3]
                        for kind in order:
                            label = f"{tag}-{kind}-{round_}"
                            frontier = {**runs[kind], "frontier_name": label} if runs[kind] else {}
                            summary = crawl(root, label, server, movielens, **frontier)
                            if kind not in best or rate(summary) > rate(best[kind]):
                                best[kind] = summary
                    plain, one, two = best["plain"], best["one"], best["two"]
                    print(f"[{site}] plain one-process crawl: {plain.pages_fetched} pages, {plain.seconds:.1f} s, "
                          f"{rate(plain):.1f} pages/s")
                    print(f"[{site}] frontier, 1 worker: {one.pages_fetched} pages, {one.seconds:.1f} s, {rate(one):.1f} pages/s")
                    print(f"[{site}] frontier, 2 workers: {two.pages_fetched} pages, {two.seconds:.1f} s, "
                          f"{rate(two):.1f} pages/s, "
                          f"responses per worker {sorted(two.pages_by_worker.values())}")
                    print(f"[{site}] ratio frontier 1 worker / plain: {rate(one) / rate(plain):.2f}x; "
                          f"ratio 2 workers / 1 worker: {rate(two) / rate(one):.2f}x")
        finally:
            redis_server.terminate()
            redis_server.wait(timeout=30)


if __name__ == "__main__":
    main()
