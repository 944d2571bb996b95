"""The crawl stage's entry point: run the spider in a subprocess, then bulk-load its feed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from crawl.loader import load_feed
from warehouse.store import Warehouse

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Seconds granted beyond the spider's own timeout for start-up and a clean shutdown.
SHUTDOWN_GRACE_S = 60
STDERR_TAIL_CHARS = 4000


@dataclass(frozen=True)
class CrawlConfig:
    """What to crawl and how hard; ``work_dir`` holds the feed, the log and the HTTP cache."""

    start_url: str
    work_dir: Path
    max_pages: int = 10_000
    concurrency: int = 8
    obey_robots: bool = True
    use_http_cache: bool = True
    timeout_s: float = 600


@dataclass(frozen=True)
class CrawlSummary:
    """Counts of one crawl: distinct pages fetched (per HTTP status) and rows loaded per table."""

    pages_fetched: int
    pages_by_status: dict[int, int] = field(default_factory=dict)
    movies: int = 0
    movies_linked: int = 0  # movies linked to MovieLens ratings (the link rate's numerator)
    truncated: bool = False  # the crawl stopped at its page budget or time limit
    errors_by_reason: dict[str, int] = field(default_factory=dict)
    attributes: int = 0
    documents: int = 0
    errors: int = 0
    seconds: float = 0.0


def crawl_movie_site(config: CrawlConfig, warehouse: Warehouse, build_id: str) -> CrawlSummary:
    """Crawl ``config.start_url`` and upsert pages, movies, attributes, documents and errors."""
    started = time.perf_counter()
    work_dir = Path(config.work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    feed_path = work_dir / f"crawl-{build_id}.jsonl"
    feed_path.unlink(missing_ok=True)
    run_spider_subprocess(config, feed_path, warehouse.blobs.root, work_dir / f"crawl-{build_id}.log")
    with warehouse.transaction() as con:
        counts = load_feed(con, feed_path, build_id)
    return CrawlSummary(
        pages_fetched=counts.pages,
        pages_by_status=counts.pages_by_status,
        movies=counts.movies,
        attributes=counts.attributes,
        documents=counts.documents,
        errors=counts.errors,
        seconds=round(time.perf_counter() - started, 3),
    )


def spider_command(config: CrawlConfig, feed_path: Path, blobs_dir: Path) -> list[str]:
    """The ``python -m crawl.run_spider`` command line for this config."""
    command = [
        sys.executable, "-m", "crawl.run_spider",
        "--start-url", config.start_url,
        "--feed", str(feed_path),
        "--blobs", str(blobs_dir),
        "--max-pages", str(config.max_pages),
        "--concurrency", str(config.concurrency),
        "--timeout-s", str(config.timeout_s),
    ]
    if config.use_http_cache:
        command += ["--http-cache-dir", str(Path(config.work_dir) / "httpcache")]
    if not config.obey_robots:
        command.append("--ignore-robots")
    return command


def run_spider_subprocess(config: CrawlConfig, feed_path: Path, blobs_dir: Path, log_path: Path) -> None:
    """Run the spider in a fresh process (the Twisted reactor cannot restart); raise on failure."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
    command = spider_command(config, feed_path, blobs_dir)
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
