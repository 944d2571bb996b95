"""Benchmark of the crawl stage on a generated loopback site (~300 detail pages).

Figures are ratios against baselines measured in the same run:
  * crawl: the Scrapy spider in its subprocess, end to end (parse + blob store + DuckDB load),
    against sequential ``urllib.request`` fetches of the same URLs (fetch only, no parsing);
  * load: the DuckDB ``read_json`` + Arrow bulk loader against row-by-row INSERTs of the same feed.
Run: .venv/bin/python bench/bench_crawl.py
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawl import CrawlConfig, crawl_movie_site  # noqa: E402
from crawl.loader import load_feed  # noqa: E402
from tests.crawl.fixture_site import serve, write_generated_site, write_robots_and_sitemap  # noqa: E402
from warehouse import Warehouse  # noqa: E402

N_MOVIES = 300
FEED_COPIES = 1  # the load benchmark repeats the feed (with distinct keys) to get a few thousand rows


def fetch_sequentially(urls: list[str]) -> float:
    """The naive crawler: one ``urllib.request`` GET after another; returns seconds."""
    started = time.perf_counter()
    for url in urls:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
    return time.perf_counter() - started


def spider_startup_seconds() -> float:
    """Fixed cost of every crawl: a fresh interpreter importing Scrapy and the project (``--help``)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "crawl.run_spider", "--help"], check=True,
                   stdout=subprocess.DEVNULL, cwd=Path(__file__).resolve().parent.parent)
    return time.perf_counter() - started


def replicated_feed(feed: Path, target: Path, copies: int) -> int:
    """Write ``copies`` of the feed with distinct URLs and ids; returns the number of lines."""
    lines = feed.read_text(encoding="utf-8").splitlines()
    keys = ("url", "movie_id", "source_url", "source", "article_url")
    with target.open("w", encoding="utf-8") as out:
        for copy in range(copies):
            for line in lines:
                record = json.loads(line)
                for key in keys:
                    if record.get(key):
                        record[key] = f"{record[key]}#{copy}"
                out.write(json.dumps(record) + "\n")
    return len(lines) * copies


def insert_row_by_row(warehouse: Warehouse, feed: Path, build_id: str) -> float:
    """The naive loader: one INSERT per feed item (pages, movies, attributes, documents, errors)."""
    columns = {
        "page": ("pages", ["url", "status", "kind", "content_sha256", "content_type", "etag", "last_modified", "fetched_at"]),
        "movie": ("movies", ["movie_id", "url", "title", "year", "description", "movielens_id", "imdb_id", "tmdb_id",
                             "poster_url", "trailer_url", "article_url", "page_sha256"]),
        "attribute": ("movie_attributes", ["movie_id", "attribute", "value", "external_id", "source_url"]),
        "document": ("documents", ["url", "movie_id", "kind", "text"]),
        "error": ("errors", ["source", "reason"]),
    }
    started = time.perf_counter()
    with warehouse.transaction() as con:
        for line in feed.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            table, names = columns[record["item_type"]]
            values = [record.get(n) for n in names]
            if table == "documents":
                names, values = names + ["content_sha256"], values + [hashlib.sha256(record["text"].encode()).hexdigest()]
            if table == "errors":
                names, values = names + ["stage"], values + ["crawl"]
            placeholders = ", ".join("?" for _ in range(len(names) + 1))
            con.execute(f"INSERT OR REPLACE INTO {table} ({', '.join(names)}, build_id) VALUES ({placeholders})",
                        [*values, build_id])
    return time.perf_counter() - started


def bulk_load(warehouse: Warehouse, feed: Path, build_id: str) -> float:
    started = time.perf_counter()
    with warehouse.transaction() as con:
        load_feed(con, feed, build_id)
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        root = Path(tmp)
        sitemap_paths = write_generated_site(root / "site", N_MOVIES)
        with serve(root / "site") as site:
            write_robots_and_sitemap(site, sitemap_paths)
            warehouse = Warehouse(root / "warehouse.duckdb", root / "blobs")
            cold = CrawlConfig(start_url=site.url("/"), work_dir=root / "work", use_http_cache=True)
            summary = crawl_movie_site(cold, warehouse, "bench-1")
            with warehouse.connect() as con:
                urls = [u for (u,) in con.execute("SELECT url FROM pages ORDER BY url").fetchall()]
            baseline_s = fetch_sequentially(urls)
            warm = crawl_movie_site(cold, warehouse, "bench-2")  # same cache: conditional requests, 304s

        pages = summary.pages_fetched
        print(f"site: {N_MOVIES} detail pages, {pages} pages crawled, {summary.movies} movies, "
              f"{summary.attributes} attributes, {summary.documents} documents, {summary.errors} errors")
        print(f"baseline urllib sequential fetch : {baseline_s:6.2f} s  {len(urls) / baseline_s:7.1f} pages/s (fetch only)")
        print(f"scrapy crawl, cold, end to end   : {summary.seconds:6.2f} s  {pages / summary.seconds:7.1f} pages/s")
        print(f"scrapy crawl, revalidated (304)  : {warm.seconds:6.2f} s  {warm.pages_fetched / warm.seconds:7.1f} pages/s")
        base_rate = len(urls) / baseline_s
        startup_s = spider_startup_seconds()
        print(f"spider start-up (fixed per crawl): {startup_s:6.2f} s; cold crawl without it: "
              f"{pages / (summary.seconds - startup_s):7.1f} pages/s")
        print(f"ratio crawl/baseline pages/s     : cold {pages / summary.seconds / base_rate:.2f}x, "
              f"revalidated {warm.pages_fetched / warm.seconds / base_rate:.2f}x  (>1 = faster than baseline)")

        feed = root / "work" / "crawl-bench-1.jsonl"
        big_feed = root / "feed-x.jsonl"
        n_items = replicated_feed(feed, big_feed, FEED_COPIES)
        row_s = insert_row_by_row(Warehouse(root / "rows.duckdb", root / "blobs"), big_feed, "bench-rows")
        bulk_s = bulk_load(Warehouse(root / "bulk.duckdb", root / "blobs"), big_feed, "bench-bulk")
        print(f"load {n_items} feed items: row-by-row INSERT {row_s:.3f} s ({n_items / row_s:,.0f} items/s), "
              f"bulk read_json+Arrow {bulk_s:.3f} s ({n_items / bulk_s:,.0f} items/s)")
        print(f"ratio bulk vs row-by-row         : {row_s / bulk_s:.1f}x faster")


if __name__ == "__main__":
    main()
