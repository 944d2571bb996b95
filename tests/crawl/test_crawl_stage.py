"""End-to-end: crawl the fixture site twice over HTTP into a real warehouse."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

from crawl import CrawlConfig, CrawlSummary, crawl_movie_site
from tests.crawl.fixture_site import FixtureSite, serve, write_robots_and_sitemap, write_small_site
from warehouse import Warehouse

MOVIE_TABLES = {"pages": "url", "movies": "movie_id", "documents": "url",
                "movie_attributes": "movie_id || attribute || value"}


@dataclass
class Crawled:
    site: FixtureSite
    warehouse: Warehouse
    summaries: list[CrawlSummary]
    requests: list[Counter[str]]
    conditional: list[Counter[str]]
    counts: list[dict[str, int]]


def table_counts(warehouse: Warehouse) -> dict[str, int]:
    with warehouse.connect() as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in MOVIE_TABLES}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("crawl")
    sitemap_paths = write_small_site(root / "site")
    with serve(root / "site") as site:
        write_robots_and_sitemap(site, sitemap_paths)
        warehouse = Warehouse(root / "warehouse.duckdb", root / "blobs")
        config = CrawlConfig(start_url=site.url("/"), work_dir=root / "work")
        result = Crawled(site, warehouse, [], [], [], [])
        for build_id in ("build-1", "build-2"):
            site.requests.clear()
            site.conditional.clear()
            result.summaries.append(crawl_movie_site(config, warehouse, build_id))
            result.requests.append(Counter(site.requests))
            result.conditional.append(Counter(site.conditional))
            result.counts.append(table_counts(warehouse))
        yield result


def rows(warehouse: Warehouse, sql: str, *params: object) -> list[tuple]:
    with warehouse.connect() as con:
        return con.execute(sql, list(params)).fetchall()


def test_movies_are_the_valid_detail_pages(crawled: Crawled) -> None:
    url = crawled.site.url
    movies = {r[0]: r for r in rows(crawled.warehouse, "SELECT movie_id, url, title, year, movielens_id, imdb_id, "
                                    "tmdb_id, poster_url, trailer_url, article_url, page_sha256 FROM movies")}
    assert set(movies) == {"ml1", "ml2", "ml3"}
    toy = movies["ml1"]
    assert toy[1:10] == (url("/movies/ml1.html"), "Toy Story", 1995, 1, "tt0114709", "862",
                         url("/media/posters/ml1.jpg"), url("/trailers/ml1.html"), url("/wiki/Toy_Story.html"))
    page_bytes = (crawled.site.root / "movies" / "ml1.html").read_bytes()
    assert toy[10] == hashlib.sha256(page_bytes).hexdigest()
    assert movies["ml2"][9] is None


def test_attributes_from_jsonld_and_infobox_are_linked(crawled: Crawled) -> None:
    found = {(m, a, v): (ext, src) for m, a, v, ext, src in rows(
        crawled.warehouse, "SELECT movie_id, attribute, value, external_id, source_url FROM movie_attributes")}
    url = crawled.site.url
    assert found[("ml1", "director", "John Lasseter")] == ("nm0005124", url("/movies/ml1.html"))
    assert found[("ml1", "actor", "Don Rickles")] == (None, url("/wiki/Toy_Story.html"))
    assert found[("ml1", "author", "Andrew Stanton")] == (None, url("/wiki/Toy_Story.html"))
    assert ("ml2", "genre", "Thriller") in found
    ml1_attributes = sorted((a, v) for m, a, v in found if m == "ml1")
    assert ml1_attributes == sorted([
        ("genre", "Adventure"), ("genre", "Animation"), ("director", "John Lasseter"),
        ("actor", "Tom Hanks"), ("actor", "Tim Allen"), ("actor", "Don Rickles"),
        ("author", "Joss Whedon"), ("author", "Andrew Stanton"),
        ("productionCompany", "Pixar Animation Studios"), ("countryOfOrigin", "United States"),
        ("inLanguage", "English"),
    ])


def test_article_document_is_linked_to_its_movie(crawled: Crawled) -> None:
    docs = {u: (m, k, t, h) for u, m, k, t, h in rows(
        crawled.warehouse, "SELECT url, movie_id, kind, text, content_sha256 FROM documents")}
    movie_id, kind, text, sha = docs[crawled.site.url("/wiki/Toy_Story.html")]
    assert (movie_id, kind) == ("ml1", "article")
    assert text.split("\n\n") == [
        "Toy Story is a 1995 American animated comedy film directed by John Lasseter.",
        "Woody, a pull-string cowboy doll, leads a group of toys.",
        "Buzz Lightyear arrives & Woody feels replaced.",
        "Tom Hanks as Woody\nTim Allen as Buzz Lightyear",
    ]
    assert sha == hashlib.sha256(text.encode()).hexdigest()
    assert docs[crawled.site.url("/movies/ml2.html")][:3] == ("ml2", "description", "The story of movie number 2.")
    assert len(docs) == 4


def test_duplicates_are_fetched_once_and_robots_is_obeyed(crawled: Crawled) -> None:
    first = crawled.requests[0]
    assert [first[f"/movies/ml{i}.html"] for i in (1, 2, 3)] == [1, 1, 1]
    assert first["/old/movies/ml1.html"] == 1
    assert "/private/secret.html" not in first
    urls = [r[0] for r in rows(crawled.warehouse, "SELECT url FROM pages")]
    assert not [u for u in urls if "ref=" in u or "#" in u or "/old/" in u or "example.com" in u]


def test_http_errors_and_malformed_markup_are_recorded(crawled: Crawled) -> None:
    url = crawled.site.url
    errors = dict(rows(crawled.warehouse,
                       "SELECT source, reason FROM errors WHERE build_id = 'build-1' AND stage = 'crawl'"))
    assert set(errors) == {url("/movies/missing.html"), url("/movies/fail.html"), url("/movies/ml4.html")}
    assert errors[url("/movies/missing.html")] == "HTTP 404"
    assert errors[url("/movies/fail.html")] == "HTTP 500"
    assert errors[url("/movies/ml4.html")].startswith("malformed JSON-LD: Expecting ',' delimiter: line 4")
    statuses = dict(rows(crawled.warehouse, "SELECT url, status FROM pages"))
    assert statuses[url("/movies/missing.html")] == 404
    assert statuses[url("/movies/fail.html")] == 500
    assert statuses[url("/movies/ml4.html")] == 200
    summary = crawled.summaries[0]
    assert (summary.pages_fetched, summary.pages_by_status) == (11, {200: 9, 404: 1, 500: 1})
    assert (summary.movies, summary.attributes, summary.documents, summary.errors) == (3, 14, 4, 3)


def test_raw_pages_are_in_the_blob_store(crawled: Crawled) -> None:
    for url, sha in rows(crawled.warehouse, "SELECT url, content_sha256 FROM pages"):
        assert hashlib.sha256(crawled.warehouse.blobs.get(sha)).hexdigest() == sha, url
    (sha,) = rows(crawled.warehouse, "SELECT content_sha256 FROM pages WHERE url = ?",
                  crawled.site.url("/wiki/Toy_Story.html"))[0]
    assert crawled.warehouse.blobs.get(sha) == (crawled.site.root / "wiki" / "Toy_Story.html").read_bytes()


def test_second_crawl_is_idempotent_and_revalidates(crawled: Crawled) -> None:
    first, second = crawled.summaries
    assert {**asdict(first), "seconds": 0} == {**asdict(second), "seconds": 0}
    assert crawled.counts[0] == crawled.counts[1]
    for table, key in MOVIE_TABLES.items():
        total, distinct = rows(crawled.warehouse, f"SELECT count(*), count(DISTINCT {key}) FROM {table}")[0]
        assert total == distinct, table
    assert rows(crawled.warehouse, "SELECT DISTINCT build_id FROM movies") == [("build-2",)]
    by_build = rows(crawled.warehouse, "SELECT build_id, count(*) FROM errors GROUP BY build_id ORDER BY 1")
    assert by_build == [("build-1", 3), ("build-2", 3)]
    # The nightly path: cached pages are revalidated with conditional requests, not refetched blindly.
    assert crawled.conditional[1]["/movies/ml1.html"] == 1
    assert crawled.conditional[0]["/movies/ml1.html"] == 0


def test_a_crawl_that_cannot_start_raises_with_its_log(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "warehouse.duckdb", tmp_path / "blobs")
    config = CrawlConfig(start_url="no-host-here", work_dir=tmp_path / "work", timeout_s=30)
    with pytest.raises(RuntimeError, match="start_url has no host"):
        crawl_movie_site(config, warehouse, "build-x")
