"""Load a crawl feed (JSON lines) into the warehouse, in the caller's transaction.

Records of all pages are merged into items and linked to MovieLens (``crawl.linking``);
each table is then one Arrow upsert. A page read again replaces what it said before (its
attributes and documents), so a field removed from a page leaves the table too.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from crawl.fields import method_rank
from crawl.linking import Item, MovieLensIndex, link_records, site_of
from warehouse.store import upsert

STAGE = "crawl"
MOVIE_COLUMNS = (
    "title", "kind", "year", "description", "movielens_id", "imdb_id", "tmdb_id", "poster_url", "trailer_url",
    "duration_min", "content_rating", "rating_value", "rating_count",
)


@dataclass(frozen=True)
class LoadCounts:
    """Rows written per table, distinct pages per HTTP status and kind, errors per reason."""

    pages_by_status: dict[int, int]
    pages_by_kind: dict[str, int]
    pages: int
    movies: int
    movies_linked: int
    attributes: int
    documents: int
    errors: int
    errors_by_reason: dict[str, int] = field(default_factory=dict)


def load_feed(
    con: duckdb.DuckDBPyConnection, feed_path: Path, build_id: str, movielens: MovieLensIndex | None
) -> LoadCounts:
    """Upsert the feed into pages, movies, movie_sources, build_movies, movie_attributes, documents, errors."""
    feed = _read_feed(feed_path)
    pages = _latest_pages(feed["page"])
    linking = link_records(_unique_records(feed["movie"]), movielens)
    item_of_url = {record["url"]: item for item in linking.items for record in item.records}
    errors = {(e["source"], e["reason"]) for e in feed["error"]} | set(linking.problems)
    errors_by_source = {source: reason for source, reason in sorted(errors)}

    read_urls = sorted({p["url"] for p in pages})
    con.register("_read_pages", pa.table({"url": pa.array(read_urls, pa.string())}))
    try:
        con.execute("DELETE FROM movie_attributes WHERE source_url IN (SELECT url FROM _read_pages)")
        con.execute("DELETE FROM documents WHERE split_part(url, '#', 1) IN (SELECT url FROM _read_pages)")
    finally:
        con.unregister("_read_pages")
    upsert(con, "pages", [{**p, "fetched_at": datetime.fromisoformat(p["fetched_at"]), "build_id": build_id} for p in pages])
    movies = upsert(con, "movies", [_movie_row(item, build_id) for item in linking.items])
    upsert(con, "movie_sources", [
        {"movie_id": item.movie_id, "url": r["url"], "site": site_of(r["url"]), "record_id": r["record_id"],
         "method": r["method"], "link_rule": item.link_rule, "build_id": build_id}
        for item in linking.items for r in item.records
    ])
    upsert(con, "build_movies", [{"build_id": build_id, "movie_id": item.movie_id} for item in linking.items])
    attributes = upsert(con, "movie_attributes", _attribute_rows(feed["attribute"], item_of_url, build_id))
    documents = upsert(con, "documents", _document_rows(feed["document"], item_of_url, build_id))
    upsert(con, "errors", [
        {"build_id": build_id, "stage": STAGE, "source": source, "reason": reason}
        for source, reason in errors_by_source.items()
    ])
    return LoadCounts(
        pages_by_status=dict(sorted(Counter(p["status"] for p in pages).items())),
        pages_by_kind=dict(sorted(Counter(p["kind"] for p in pages).items())),
        pages=len(pages),
        movies=movies,
        movies_linked=sum(1 for item in linking.items if item.ids.movielens_id is not None),
        attributes=attributes,
        documents=documents,
        errors=len(errors_by_source),
        errors_by_reason=dict(Counter(reason_class(r) for r in errors_by_source.values()).most_common()),
    )


def reason_class(reason: str) -> str:
    """A reason without its specifics (what follows the first ": " or " ("), for counting."""
    cut = min((i for i in (reason.find(": "), reason.find(" (")) if i > 0), default=len(reason))
    return reason[:cut]


def _read_feed(feed_path: Path) -> dict[str, list[dict]]:
    feed: dict[str, list[dict]] = {"page": [], "movie": [], "attribute": [], "document": [], "error": []}
    if not feed_path.exists():
        return feed
    with feed_path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                feed[record.pop("item_type")].append(record)
    return feed


def _latest_pages(pages: list[dict]) -> list[dict]:
    latest: dict[str, dict] = {}
    for page in pages:
        if page["url"] not in latest or page["fetched_at"] > latest[page["url"]]["fetched_at"]:
            latest[page["url"]] = page
    return list(latest.values())


def _unique_records(records: list[dict]) -> list[dict]:
    """One record per page URL (a page fetched twice, e.g. after a retry, says the same)."""
    return list({r["url"]: r for r in records}.values())


def _movie_row(item: Item, build_id: str) -> dict:
    """Fields from the strongest record that has each; ids from the item's linking."""
    row = {"movie_id": item.movie_id, "url": item.records[0]["url"], "page_sha256": item.records[0].get("page_sha256")}
    for column in MOVIE_COLUMNS:
        row[column] = next((r[column] for r in item.records if r.get(column) is not None), None)
    row.update(movielens_id=item.ids.movielens_id, imdb_id=item.ids.imdb_id, tmdb_id=item.ids.tmdb_id)
    article = next((r["url"] for r in item.records if r["method"] == "mediawiki"), None)
    row["article_url"] = article or next((r["article_url"] for r in item.records if r.get("article_url")), None)
    row["build_id"] = build_id
    return row


def _attribute_rows(attributes: list[dict], item_of_url: dict[str, Item], build_id: str) -> list[dict]:
    """One row per (item, attribute, value): the value from the strongest method (then with an id) wins."""
    best: dict[tuple[str, str, str], dict] = {}
    for attribute in attributes:
        item = item_of_url.get(attribute["source_url"])
        if item is None:
            continue
        key = (item.movie_id, attribute["attribute"], attribute["value"])
        row = {"movie_id": item.movie_id, **attribute, "build_id": build_id}
        if key not in best or _rank(row) < _rank(best[key]):
            best[key] = row
    return list(best.values())


def _rank(row: dict) -> tuple[int, bool, str]:
    return method_rank(row["method"]), row.get("external_id") is None, row["source_url"]


def _document_rows(documents: list[dict], item_of_url: dict[str, Item], build_id: str) -> list[dict]:
    rows = {}
    for document in documents:
        item = item_of_url.get(document["source_url"])
        if item is not None:
            rows[document["url"]] = {
                "url": document["url"], "movie_id": item.movie_id, "kind": document["kind"], "text": document["text"],
                "content_sha256": hashlib.sha256(document["text"].encode("utf-8")).hexdigest(), "build_id": build_id,
            }
    return list(rows.values())
