"""Bulk-load a crawl feed (JSON lines) into the warehouse with DuckDB, in the caller's transaction.

The feed is read once by ``read_json`` into a temporary table; every target table is one
SQL query turned into Arrow and upserted. Article pages do not state their movie: their
document and infobox attributes get the movie whose ``article_url`` is the article's URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.store import upsert

STAGE = "crawl"
# Every field of every item type, so the feed's schema does not depend on which items occur.
FEED_COLUMNS = {
    "item_type": "VARCHAR", "url": "VARCHAR", "status": "INTEGER", "kind": "VARCHAR",
    "content_sha256": "VARCHAR", "content_type": "VARCHAR", "etag": "VARCHAR",
    "last_modified": "VARCHAR", "fetched_at": "TIMESTAMP", "movie_id": "VARCHAR",
    "title": "VARCHAR", "year": "INTEGER", "description": "VARCHAR", "movielens_id": "INTEGER",
    "imdb_id": "VARCHAR", "tmdb_id": "VARCHAR", "poster_url": "VARCHAR", "trailer_url": "VARCHAR",
    "article_url": "VARCHAR", "page_sha256": "VARCHAR", "attribute": "VARCHAR", "value": "VARCHAR",
    "external_id": "VARCHAR", "source_url": "VARCHAR", "text": "VARCHAR", "source": "VARCHAR",
    "reason": "VARCHAR",
}
UNLINKED_ARTICLE = "article not linked from any movie (no movies.article_url matches it)"

PAGES_SQL = """
SELECT url, status, kind, content_sha256, content_type, etag, last_modified, fetched_at,
       $build_id AS build_id
FROM crawl_feed WHERE item_type = 'page'
QUALIFY row_number() OVER (PARTITION BY url ORDER BY fetched_at DESC) = 1
"""
MOVIES_SQL = """
SELECT movie_id, url, title, year, description, movielens_id, imdb_id, tmdb_id, poster_url,
       trailer_url, article_url, page_sha256, $build_id AS build_id
FROM crawl_feed WHERE item_type = 'movie'
QUALIFY row_number() OVER (PARTITION BY movie_id ORDER BY url) = 1
"""
# Detail-page attributes win over the same (movie, attribute, value) from an article infobox.
ATTRIBUTES_SQL = """
WITH linked AS (
    SELECT coalesce(f.movie_id, m.movie_id) AS movie_id, f.attribute, f.value, f.external_id,
           f.source_url, f.movie_id IS NULL AS from_article
    FROM crawl_feed f LEFT JOIN movies m ON f.movie_id IS NULL AND m.article_url = f.source_url
    WHERE f.item_type = 'attribute'
)
SELECT movie_id, attribute, value, external_id, source_url, $build_id AS build_id
FROM linked WHERE movie_id IS NOT NULL
QUALIFY row_number() OVER (
    PARTITION BY movie_id, attribute, value ORDER BY from_article, external_id NULLS LAST, source_url
) = 1
"""
DOCUMENTS_SQL = """
SELECT f.url, coalesce(f.movie_id, m.movie_id) AS movie_id, f.kind, f.text,
       sha256(f.text) AS content_sha256, $build_id AS build_id
FROM crawl_feed f LEFT JOIN movies m ON f.movie_id IS NULL AND m.article_url = f.url
WHERE f.item_type = 'document' AND coalesce(f.movie_id, m.movie_id) IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY f.url ORDER BY m.movie_id) = 1
"""
ERRORS_SQL = """
WITH found AS (
    SELECT source, reason FROM crawl_feed WHERE item_type = 'error'
    UNION ALL
    SELECT f.url, $unlinked FROM crawl_feed f
    WHERE f.item_type = 'document' AND f.movie_id IS NULL
      AND NOT EXISTS (SELECT 1 FROM movies m WHERE m.article_url = f.url)
)
SELECT $build_id AS build_id, $stage AS stage, source, reason FROM found
QUALIFY row_number() OVER (PARTITION BY source ORDER BY reason) = 1
"""
BUILD_MOVIES_SQL = """
SELECT DISTINCT $build_id AS build_id, movie_id FROM crawl_feed WHERE item_type = 'movie'
"""
STATUS_SQL = """
SELECT status, count(DISTINCT url) FROM crawl_feed WHERE item_type = 'page' GROUP BY status ORDER BY status
"""


@dataclass(frozen=True)
class LoadCounts:
    """Rows written per table, and distinct pages per HTTP status."""

    pages_by_status: dict[int, int]
    pages: int
    movies: int
    attributes: int
    documents: int
    errors: int


def load_feed(con: duckdb.DuckDBPyConnection, feed_path: Path, build_id: str) -> LoadCounts:
    """Upsert the feed's items into pages, movies, movie_attributes, documents and errors."""
    columns = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in FEED_COLUMNS.items()) + "}"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE crawl_feed AS SELECT * FROM "
        f"read_json(?, format = 'newline_delimited', columns = {columns})",
        [str(feed_path)],
    )
    params = {"build_id": build_id}
    pages = upsert(con, "pages", _arrow(con, PAGES_SQL, params))
    movies = upsert(con, "movies", _arrow(con, MOVIES_SQL, params))
    upsert(con, "build_movies", _arrow(con, BUILD_MOVIES_SQL, params))
    attributes = upsert(con, "movie_attributes", _arrow(con, ATTRIBUTES_SQL, params))
    documents = upsert(con, "documents", _arrow(con, DOCUMENTS_SQL, params))
    errors = upsert(con, "errors", _arrow(con, ERRORS_SQL, {**params, "stage": STAGE, "unlinked": UNLINKED_ARTICLE}))
    by_status = {int(status): int(n) for status, n in con.execute(STATUS_SQL).fetchall()}
    con.execute("DROP TABLE crawl_feed")
    return LoadCounts(by_status, pages, movies, attributes, documents, errors)


def _arrow(con: duckdb.DuckDBPyConnection, query: str, params: dict[str, str]) -> pa.Table:
    return con.sql(query, params=params).to_arrow_table()
