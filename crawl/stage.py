"""The crawl stage's entry point: run the spider in a subprocess, then bulk-load its feed."""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from crawl.frontier_names import WORKER_STAT_PREFIX, validate_name, validate_redis_url
from crawl.linking import MovieLensIndex
from crawl.loader import load_feed
from crawl.site_rules import load_site_rules
from warehouse.store import Warehouse

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Seconds granted beyond the spider's own timeout for start-up and a clean shutdown.
SHUTDOWN_GRACE_S = 60
STDERR_TAIL_CHARS = 4000


LOCAL_CONCURRENCY, PUBLIC_CONCURRENCY = 8, 2


@dataclass(frozen=True)
class CrawlConfig:
    """What to crawl and how hard; ``work_dir`` holds the feed, the log, the HTTP cache and
    the cache of page readings. ``movielens_dir`` (links.csv, movies.csv) links items to the
    ratings; ``site_rules`` is a TOML file of link rules added to the built-in ones.

    ``frontier`` (redis://host:port/db) crawls with ``frontier_workers`` local processes on a
    frontier shared through that Redis (``crawl.redis_frontier``), named ``frontier_name``
    (default: the build id), so workers on other machines can join; the crawl starts once
    ``frontier_quorum`` workers (default: the local ones) have joined.

    ``more_start_urls`` are further sites crawled in the same crawl (each by its own link
    rules and robots.txt), so one build merges the same film met on several sites."""

    start_url: str
    work_dir: Path
    more_start_urls: tuple[str, ...] = ()
    max_pages: int = 10_000
    concurrency: int | None = None  # requests in flight per site; None: 8 on this machine's network, 2 on a public site
    obey_robots: bool = True
    use_http_cache: bool = True
    timeout_s: float = 600
    movielens_dir: Path | None = None
    site_rules: Path | None = None
    frontier: str | None = None
    frontier_workers: int = 2
    frontier_name: str | None = None
    frontier_quorum: int | None = None
    frontier_lease_s: float = 30.0

    def __post_init__(self) -> None:
        """Refuse a config that cannot work before any request is made."""
        for url in self.start_urls:
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
                raise ValueError(f"start_url must be an http(s) URL with a host, got {url!r}")
        if self.max_pages < 1 or (self.concurrency is not None and self.concurrency < 1) or self.timeout_s <= 0:
            raise ValueError(
                f"max_pages and concurrency must be >= 1 and timeout_s > 0, got "
                f"{self.max_pages}, {self.concurrency}, {self.timeout_s}"
            )
        if self.movielens_dir is not None and not (Path(self.movielens_dir) / "links.csv").is_file():
            raise ValueError(f"movielens_dir has no links.csv: {self.movielens_dir}")
        load_site_rules(self.site_rules)  # raises ValueError naming the bad rule
        if self.frontier is not None:
            validate_redis_url(self.frontier)
            if self.frontier_name is not None:
                validate_name(self.frontier_name)
            bad_quorum = self.frontier_quorum is not None and self.frontier_quorum < 1
            if self.frontier_workers < 1 or bad_quorum or self.frontier_lease_s <= 0:
                raise ValueError(
                    f"frontier_workers and frontier_quorum must be >= 1 and frontier_lease_s > 0, got "
                    f"{self.frontier_workers}, {self.frontier_quorum}, {self.frontier_lease_s}"
                )

    @property
    def start_urls(self) -> tuple[str, ...]:
        """Every site's start URL, the first one first."""
        return (self.start_url, *self.more_start_urls)


@dataclass(frozen=True)
class CrawlSummary:
    """Counts of one crawl: distinct pages fetched (per HTTP status) and rows loaded per table."""

    pages_fetched: int
    pages_by_status: dict[int, int] = field(default_factory=dict)
    pages_by_kind: dict[str, int] = field(default_factory=dict)  # movie | article | listing | other | blocked
    pages_read: int = 0  # HTML pages parsed in this crawl
    pages_reused: int = 0  # HTML pages whose reading was reused by content hash (unchanged)
    movies: int = 0
    movies_linked: int = 0  # movies linked to MovieLens ratings (the link rate's numerator)
    truncated: bool = False  # the crawl stopped at its page budget or time limit
    errors_by_reason: dict[str, int] = field(default_factory=dict)
    attributes: int = 0
    documents: int = 0
    errors: int = 0
    seconds: float = 0.0
    pages_by_worker: dict[str, int] = field(default_factory=dict)  # responses per frontier worker


def crawl_movie_site(config: CrawlConfig, warehouse: Warehouse, build_id: str) -> CrawlSummary:
    """Crawl ``config.start_urls`` and upsert pages, movies, attributes, documents and errors."""
    started = time.perf_counter()
    work_dir = Path(config.work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    feed_path = work_dir / f"crawl-{build_id}.jsonl"
    stats_path = work_dir / f"crawl-{build_id}.stats.json"
    feed_path.unlink(missing_ok=True)
    stats_path.unlink(missing_ok=True)
    movielens = MovieLensIndex.load(config.movielens_dir) if config.movielens_dir else None
    log_path = work_dir / f"crawl-{build_id}.log"
    if config.frontier:
        from crawl.frontier_crawl import run_frontier_crawl  # Redis and scrapy-redis only when asked for

        run_frontier_crawl(config, feed_path, warehouse.blobs.root, log_path, stats_path, config.frontier_name or build_id)
    else:
        run_spider_subprocess(config, feed_path, warehouse.blobs.root, log_path, stats_path)
    with warehouse.transaction() as con:
        counts = load_feed(con, feed_path, build_id, movielens)
    stats = json.loads(stats_path.read_text(encoding="utf-8"))
    return CrawlSummary(
        pages_fetched=counts.pages,
        pages_by_status=counts.pages_by_status,
        pages_by_kind=counts.pages_by_kind,
        movies=counts.movies,
        movies_linked=counts.movies_linked,
        truncated=stats["finish_reason"] != "finished",
        pages_read=int(stats.get("mmkg/pages_read", 0)),
        pages_reused=int(stats.get("mmkg/readings_reused", 0)),
        errors_by_reason=counts.errors_by_reason,
        attributes=counts.attributes,
        documents=counts.documents,
        errors=counts.errors,
        seconds=round(time.perf_counter() - started, 3),
        pages_by_worker={k.removeprefix(WORKER_STAT_PREFIX): v for k, v in stats.items() if k.startswith(WORKER_STAT_PREFIX)},
    )


def default_concurrency(start_urls: tuple[str, ...]) -> int:
    """8 requests in flight when every site is on a loopback or private address (a site of
    one's own), else 2: a public site is not ours to load, and AutoThrottle only slows down
    once its answers do."""
    return LOCAL_CONCURRENCY if all(_is_local(urlsplit(url).hostname or "") for url in start_urls) else PUBLIC_CONCURRENCY


def _is_local(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private


def spider_command(config: CrawlConfig, feed_path: Path, blobs_dir: Path, stats_path: Path,
                   http_cache_dir: Path | None = None) -> list[str]:
    """The ``python -m crawl.run_spider`` command line for this config (HTTP cache in
    ``http_cache_dir``, default ``work_dir/httpcache``)."""
    command = [
        sys.executable, "-m", "crawl.run_spider",
        *(arg for url in config.start_urls for arg in ("--start-url", url)),
        "--feed", str(feed_path),
        "--blobs", str(blobs_dir),
        "--stats", str(stats_path),
        "--readings-dir", str(Path(config.work_dir) / "readings"),
        "--max-pages", str(config.max_pages),
        "--concurrency", str(config.concurrency or default_concurrency(config.start_urls)),
        "--timeout-s", str(config.timeout_s),
    ]
    if config.use_http_cache:
        command += ["--http-cache-dir", str(http_cache_dir or Path(config.work_dir) / "httpcache")]
    if not config.obey_robots:
        command.append("--ignore-robots")
    if config.site_rules:
        command += ["--site-rules", str(config.site_rules)]
    return command


def run_spider_subprocess(config: CrawlConfig, feed_path: Path, blobs_dir: Path, log_path: Path, stats_path: Path) -> None:
    """Run the spider in a fresh process (the Twisted reactor cannot restart); raise on failure."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
    command = spider_command(config, feed_path, blobs_dir, stats_path)
    with log_path.open("w", encoding="utf-8") as log:
        try:
            result = subprocess.run(
                command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=PROJECT_ROOT,
                timeout=config.timeout_s + SHUTDOWN_GRACE_S, check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(
                f"crawl of {config.start_url} exceeded {exc.timeout:.0f} s; log tail:\n{_tail(log_path)}"
            ) from exc
    if result.returncode != 0:
        raise RuntimeError(
            f"crawl of {config.start_url} failed with exit status {result.returncode}; "
            f"log tail ({log_path}):\n{_tail(log_path)}"
        )


def _tail(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-STDERR_TAIL_CHARS:]
