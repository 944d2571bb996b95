"""Benchmark of the crawl stage on the multi-style embedded site, against baselines of the same run.

Figures (each a ratio against a baseline measured in this run, the machine being noisy):
  * full crawl, end to end (spider, parsing, blob store, linking, DuckDB load): pages/s
    against ``scrapy bench`` (Scrapy's own loopback benchmark, no parsing) on this machine;
  * reading a page: pages without any film markup (plain HTML facts, non-film pages) against
    pages with JSON-LD, mean milliseconds per page in-process;
  * nightly re-crawl of the unchanged site against the first crawl (wall time).
Run: .venv/bin/python bench/bench_crawl.py [--n-movies 9742]   (9742 = all of ml-latest-small)
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawl import CrawlConfig, crawl_movie_site  # noqa: E402
from crawl.page_reader import read_page  # noqa: E402
from demo_site import SiteConfig, generate_site, serve_site  # noqa: E402
from demo_site.crawl_score import format_scores, score_crawl  # noqa: E402
from demo_site.paths import file_of  # noqa: E402
from mmkg.settings import Settings  # noqa: E402
from warehouse import Warehouse  # noqa: E402

SCRAPY_BENCH_RE = re.compile(r"Crawled (\d+) pages \(at (\d+) pages/min\)")
READ_SAMPLE = 300


def scrapy_bench_pages_per_second(seconds: int = 20) -> float:
    """The best one-minute rate ``scrapy bench`` logs, in pages/s."""
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}", "-s", "LOGSTATS_INTERVAL=2"],
        capture_output=True, text=True, cwd=ROOT, timeout=seconds + 120,
    )
    rates = [int(m.group(2)) for m in SCRAPY_BENCH_RE.finditer(result.stderr + result.stdout)]
    if not rates:
        raise RuntimeError(f"scrapy bench printed no rate:\n{result.stderr[-2000:]}")
    return max(rates) / 60


def mean_read_ms(site_dir: Path, paths: list[str], encoding: str) -> float:
    bodies = [(site_dir / file_of(p)).read_bytes() for p in paths]
    started = time.perf_counter()
    for path, body in zip(paths, bodies):
        read_page(body, body.decode(encoding, errors="replace"), "http://127.0.0.1:1" + path, encoding)
    return (time.perf_counter() - started) * 1000 / max(1, len(bodies))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-movies", type=int, default=9742, help="films on the site (default: all of ml-latest-small)")
    args = parser.parse_args()
    settings = Settings.from_env()
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        manifest = generate_site(SiteConfig(data_dir=settings.data_dir, out_dir=root / "site", n_movies=args.n_movies, media=False))
        print(f"site: {len(manifest.movies)} films on {len(manifest.film_pages)} film pages, generated in "
              f"{time.perf_counter() - started:.0f} s")

        by_style: dict[str, list[str]] = {}
        for page in manifest.film_pages:
            by_style.setdefault(page["style"], []).append(page["path"])
        faulty = {f["path"] for f in manifest.faults}
        jsonld = [p for p in by_style["db"] + by_style["classic"] if p not in faulty][:READ_SAMPLE]
        plain = [p for p in by_style["legacy"] if p not in faulty][:READ_SAMPLE // 2]
        people = (f"/catalogue/person.php?id={n}" for n in range(1, 51))
        others = [p for p in (*manifest.listing_pages[1:], *people) if (root / "site" / file_of(p)).is_file()][:READ_SAMPLE // 2]
        jsonld_ms = mean_read_ms(root / "site", jsonld, "utf-8")
        plain_ms = mean_read_ms(root / "site", plain, "cp1252")
        other_ms = mean_read_ms(root / "site", others, "utf-8")
        print(f"read a page: JSON-LD {jsonld_ms:.2f} ms ({len(jsonld)} pages); no markup, film facts in HTML "
              f"{plain_ms:.2f} ms ({len(plain)}); no markup, not a film page (listings, person pages) "
              f"{other_ms:.2f} ms ({len(others)})")
        print(f"ratio no-markup / JSON-LD page: {plain_ms / jsonld_ms:.2f}x (film facts), "
              f"{other_ms / jsonld_ms:.2f}x (non-film)  (target <= 2x)")

        warehouse = Warehouse(root / "warehouse.duckdb", root / "blobs")
        with serve_site(root / "site") as server:
            config = CrawlConfig(start_url=server.base_url + "/", work_dir=root / "work", max_pages=100_000,
                                 timeout_s=3000, movielens_dir=settings.movies_dir / "ml-latest-small")
            first = crawl_movie_site(config, warehouse, "bench-1")
            second = crawl_movie_site(config, warehouse, "bench-2")
            print(format_scores(score_crawl(manifest, root / "work" / "crawl-bench-1.jsonl", server.base_url)))
        bench_rate = scrapy_bench_pages_per_second()
        rate = first.pages_fetched / first.seconds
        print(f"link rate: {first.movies_linked} / {first.movies} items = {first.movies_linked / max(1, first.movies):.3f}")
        print(f"full crawl: {first.pages_fetched} pages, {first.movies} items ({first.movies_linked} linked to ratings), "
              f"{first.pages_read} pages read, {first.seconds:.1f} s, {rate:.1f} pages/s end to end")
        print(f"scrapy bench on this machine: {bench_rate:.1f} pages/s")
        print(f"ratio full crawl / scrapy bench: {rate / bench_rate:.2f}x  (target >= 0.5x)")
        print(f"re-crawl unchanged: {second.seconds:.1f} s, {second.pages_read} pages read, "
              f"{second.pages_reused} reused; ratio re-crawl / first crawl: {second.seconds / first.seconds:.2f}x  (target <= 0.2x)")


if __name__ == "__main__":
    main()
