"""One crawl on a shared Redis frontier: local worker processes, workers from other machines, one load.

Each worker (``crawl.run_spider --redis-url``) appends its items to its own feed in one
folder. The coordinator clears the frontier, starts its local workers, waits until they end
(they end only when the whole frontier is drained, remote workers' pages included), merges
every feed of the folder into the stage's one feed and sums the workers' stats; the stage
then loads that feed as it loads a one-process crawl (``crawl.loader``, one DuckDB writer).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from crawl.frontier_names import WORKER_STAT_PREFIX, new_worker_id
from crawl.redis_frontier import Frontier

if TYPE_CHECKING:
    from crawl.stage import CrawlConfig

# Seconds granted beyond the spider's own timeout for start-up, the quorum and a clean shutdown.
SHUTDOWN_GRACE_S = 120
LOG_TAIL_CHARS = 3000


def frontier_dir(config: "CrawlConfig", name: str) -> Path:
    """The folder every worker of frontier ``name`` writes its feed and stats to."""
    return Path(config.work_dir) / f"frontier-{name}"


def worker_command(config: "CrawlConfig", name: str, worker: str, slot: int, out_dir: Path, blobs_dir: Path) -> list[str]:
    """The ``crawl.run_spider`` command of one local worker; its page budget is its share of ``max_pages``."""
    from crawl.stage import spider_command

    share = replace(config, max_pages=math.ceil(config.max_pages / config.frontier_workers))
    cache = Path(config.work_dir) / f"httpcache-w{slot}" if config.use_http_cache else None
    feed, stats = out_dir / f"{worker}.jsonl", out_dir / f"{worker}.stats.json"
    return spider_command(share, feed, blobs_dir, stats, http_cache_dir=cache) + [
        "--redis-url", str(config.frontier), "--frontier", name, "--worker-id", worker,
        "--lease-s", str(config.frontier_lease_s), "--quorum", str(config.frontier_quorum or config.frontier_workers),
    ]


def run_frontier_crawl(
    config: "CrawlConfig", feed_path: Path, blobs_dir: Path, log_path: Path, stats_path: Path, name: str
) -> None:
    """Crawl with ``config.frontier_workers`` local workers on a fresh frontier ``name``; write the merged feed and stats."""
    frontier = Frontier.connect(str(config.frontier), name)
    frontier.clear()
    out_dir = frontier_dir(config, name)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in [*out_dir.glob("*.jsonl"), *out_dir.glob("*.stats.json"), *out_dir.glob("*.log")]:
        old.unlink()
    exit_codes = run_workers(config, name, out_dir, blobs_dir, log_path)
    if all(code != 0 for code in exit_codes.values()):
        raise RuntimeError(f"every worker of frontier crawl {name} failed ({exit_codes}); log tail ({log_path}):\n"
                           + log_path.read_text(encoding="utf-8", errors="replace")[-LOG_TAIL_CHARS:])
    wait_for_joined_workers(frontier, out_dir, set(exit_codes), patience_s=2 * config.frontier_lease_s)
    pending = frontier.pending()
    torn = merge_feeds(sorted(out_dir.glob("*.jsonl")), feed_path)
    stats = merge_stats(sorted(out_dir.glob("*.stats.json")), pending, lost=sum(1 for c in exit_codes.values() if c != 0))
    stats["mmkg/frontier_torn_lines"] = torn
    stats_path.write_text(json.dumps(stats, indent=1), encoding="utf-8")
    frontier.clear()


def wait_for_joined_workers(frontier: Frontier, out_dir: Path, local: set[str], patience_s: float) -> None:
    """Workers that joined from other machines may still be closing when the local ones end:
    wait until each has left (no lease) and written its stats, at most ``patience_s`` (a worker
    that died never writes them; its pages were requeued and fetched by the others)."""
    deadline = time.monotonic() + patience_s
    while time.monotonic() < deadline:
        if all(not frontier.holds_lease(worker) and (out_dir / f"{worker}.stats.json").exists()
               for worker in frontier.workers() - local):
            return
        time.sleep(0.2)


def join_frontier(config: "CrawlConfig", name: str, out_dir: Path, blobs_dir: Path) -> dict[str, int]:
    """Run local workers for a crawl that a coordinator on another machine started and will load;
    raise ValueError when no crawl is running on frontier ``name``. Exit status per worker."""
    frontier = Frontier.connect(str(config.frontier), name)
    if not frontier.workers():
        raise ValueError(f"no crawl is running on frontier {name!r} at {config.frontier}: start its coordinator first")
    out_dir.mkdir(parents=True, exist_ok=True)
    quorum = config.frontier_quorum or 1  # the coordinator's count, when given; else start at once
    return run_workers(replace(config, frontier_quorum=quorum), name, out_dir, blobs_dir, out_dir / f"join-{os.getpid()}.log")


def run_workers(config: "CrawlConfig", name: str, out_dir: Path, blobs_dir: Path, log_path: Path) -> dict[str, int]:
    """Start ``config.frontier_workers`` worker processes, wait for them (killing them past the time
    limit), write their logs into ``log_path``; exit status per worker id."""
    from crawl.stage import PROJECT_ROOT

    run = new_worker_id()  # host, process and a random part: unique even for two runs in one process
    workers = [f"{run}-w{slot}" for slot in range(config.frontier_workers)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
    processes = {}
    for slot, worker in enumerate(workers):
        with (out_dir / f"{worker}.log").open("w", encoding="utf-8") as log:
            processes[worker] = subprocess.Popen(
                worker_command(config, name, worker, slot, out_dir, blobs_dir),
                stdout=log, stderr=subprocess.STDOUT, env=env, cwd=PROJECT_ROOT, start_new_session=True,
            )
    deadline = time.monotonic() + config.timeout_s + SHUTDOWN_GRACE_S
    exit_codes = {}
    try:
        for worker, process in processes.items():
            exit_codes[worker] = process.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired as exc:
        limit = config.timeout_s + SHUTDOWN_GRACE_S
        raise RuntimeError(f"frontier crawl {name} exceeded {limit:.0f} s; logs in {out_dir}") from exc
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()
        _combine_logs(out_dir, workers, log_path)
    return exit_codes


def merge_feeds(feeds: list[Path], merged: Path) -> int:
    """Concatenate worker feeds; a last line cut short by a killed worker is dropped. How many were."""
    torn = 0
    with merged.open("w", encoding="utf-8") as out:
        for feed in feeds:
            with feed.open(encoding="utf-8") as handle:
                for line in handle:
                    if line.endswith("\n"):
                        out.write(line)
                    else:
                        torn += 1
    return torn


def merge_stats(stats_files: list[Path], pending: int, lost: int) -> dict:
    """Counters summed over the workers; ``finish_reason`` is ``finished`` only if the frontier drained."""
    merged: dict = {"mmkg/frontier_workers_lost": lost}
    reasons = []
    for path in stats_files:
        stats = json.loads(path.read_text(encoding="utf-8"))
        reasons.append(stats.get("finish_reason"))
        merged[WORKER_STAT_PREFIX + path.name.removesuffix(".stats.json")] = int(stats.get("downloader/response_count", 0))
        for key, value in stats.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                merged[key] = merged.get(key, 0) + value
    limits = [r for r in reasons if r != "finished"]
    merged["finish_reason"] = "finished" if pending == 0 and not limits else (limits[0] if limits else "frontier_not_drained")
    merged["mmkg/frontier_pending"] = pending
    return merged


def _combine_logs(out_dir: Path, workers: list[str], log_path: Path) -> None:
    with log_path.open("w", encoding="utf-8") as combined:
        for worker in workers:
            combined.write(f"==> worker {worker}\n")
            worker_log = out_dir / f"{worker}.log"
            if worker_log.exists():
                combined.write(worker_log.read_text(encoding="utf-8", errors="replace"))
