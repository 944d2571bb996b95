"""Run the ``movie_site`` spider once, in this process: ``python -m crawl.run_spider --help``.

The Twisted reactor cannot be restarted, so callers start this module as a subprocess
for every crawl. Exit status 0 means the crawl finished (errors are items in the feed).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawl.frontier_worker import frontier_settings
from crawl.frontier_names import new_worker_id, validate_name, validate_redis_url
from crawl.spiders.movie_site import MovieSiteSpider

# Reasons a crawl ends normally: done, or a configured limit was reached.
NORMAL_FINISH = {"finished", "closespider_pagecount", "closespider_timeout"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m crawl.run_spider", description=__doc__)
    parser.add_argument("--start-url", required=True, action="append",
                        help="any page of a site, e.g. http://127.0.0.1:8000/films/; repeat it to crawl several sites")
    parser.add_argument("--feed", required=True, type=Path, help="JSON-lines file the items are appended to")
    parser.add_argument("--blobs", required=True, type=Path, help="content-addressed blob store for raw page bytes")
    parser.add_argument("--http-cache-dir", type=Path, help="HTTP cache folder; omit to crawl without the cache")
    parser.add_argument("--max-pages", type=int, default=10_000, help="stop after this many responses")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight to each site")
    parser.add_argument("--ignore-robots", action="store_true", help="do not obey robots.txt")
    parser.add_argument("--timeout-s", type=float, default=600, help="close the spider after this many seconds")
    parser.add_argument("--stats", type=Path, help="write the crawl's finish reason and counters here (JSON)")
    parser.add_argument("--readings-dir", type=Path, help="cache of page readings by content; omit to read every page")
    parser.add_argument("--site-rules", type=Path, help="TOML link rules added to crawl/site_rules.toml")
    frontier = parser.add_argument_group("shared frontier (crawl.redis_frontier): many processes, one crawl")
    frontier.add_argument("--redis-url", help="join the frontier on this Redis, e.g. redis://10.0.0.5:6379/0")
    frontier.add_argument("--frontier", default="default", help="frontier name shared by the crawl's workers")
    frontier.add_argument("--worker-id", help="this worker's id (default: host-pid-random)")
    frontier.add_argument("--lease-s", type=float, default=30.0, help="a worker silent this long is dead and its pages requeued")
    frontier.add_argument("--quorum", type=int, default=1, help="start crawling once this many workers joined")
    frontier.add_argument("--quorum-timeout-s", type=float, default=60.0, help="start anyway after this many seconds")
    return parser.parse_args(argv)


def crawl_settings(args: argparse.Namespace) -> Settings:
    """The project settings (``crawl.settings``) with this run's paths and limits on top."""
    settings = Settings()
    settings.setmodule("crawl.settings", priority="project")
    settings.setdict(
        {
            "MMKG_FEED_PATH": str(args.feed),
            "MMKG_BLOBS_DIR": str(args.blobs),
            "HTTPCACHE_ENABLED": args.http_cache_dir is not None,
            "HTTPCACHE_DIR": str(args.http_cache_dir.resolve()) if args.http_cache_dir else "httpcache",
            "CLOSESPIDER_PAGECOUNT": args.max_pages,
            "CLOSESPIDER_TIMEOUT": args.timeout_s,
            "CONCURRENT_REQUESTS": args.concurrency * len(args.start_url),  # each site its share
            "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
            "AUTOTHROTTLE_TARGET_CONCURRENCY": float(args.concurrency),
            "ROBOTSTXT_OBEY": not args.ignore_robots,
        },
        priority="cmdline",
    )
    if args.redis_url:
        worker = validate_name(args.worker_id or new_worker_id(), "worker id")
        settings.setdict(frontier_settings(
            validate_redis_url(args.redis_url), validate_name(args.frontier), worker, args.lease_s,
            args.quorum, args.quorum_timeout_s, settings.getdict("ITEM_PIPELINES"),
        ), priority="cmdline")
    return settings


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    process = CrawlerProcess(crawl_settings(args))
    crawler = process.create_crawler(MovieSiteSpider)
    process.crawl(
        crawler, start_urls=args.start_url,
        readings_dir=str(args.readings_dir) if args.readings_dir else None,
        site_rules=str(args.site_rules) if args.site_rules else None,
    )
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    reason = stats.get("finish_reason")
    if args.stats:
        args.stats.write_text(json.dumps(stats, default=str, indent=1), encoding="utf-8")
    if reason not in NORMAL_FINISH:
        print(f"crawl did not finish normally: finish_reason={reason!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
