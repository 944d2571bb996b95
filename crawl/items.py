"""Typed items the spider yields; pipelines write them, the loader turns them into rows.

Each item maps onto one warehouse table (``pages``, ``movies``, ``movie_attributes``,
``documents``, ``errors``). ``ITEM_TYPES`` names the tag each one carries in the feed.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PageItem:
    """Every response, whatever its status; ``body`` goes to the blob store, not the feed."""

    url: str
    status: int
    kind: str  # movie | article | listing | other
    content_sha256: str
    content_type: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: str  # ISO 8601 in UTC, without offset (the warehouse stores naive UTC)
    body: bytes = field(default=b"", repr=False, metadata={"feed": False})


@dataclass
class MovieItem:
    """One schema.org ``Movie`` read from a detail page; URLs are absolute."""

    movie_id: str
    url: str
    title: str
    year: int | None = None
    description: str | None = None
    movielens_id: int | None = None
    imdb_id: str | None = None
    tmdb_id: str | None = None
    poster_url: str | None = None
    trailer_url: str | None = None
    article_url: str | None = None
    page_sha256: str | None = None


@dataclass
class AttributeItem:
    """A structured field as the page states it; ``movie_id`` is None on article pages."""

    attribute: str
    value: str
    source_url: str
    movie_id: str | None = None
    external_id: str | None = None


@dataclass
class DocumentItem:
    """Plain text for extraction; ``movie_id`` is None on article pages (resolved on load)."""

    url: str
    kind: str  # description | article
    text: str
    movie_id: str | None = None


@dataclass
class CrawlErrorItem:
    """A page that could not be used, with a specific, human-readable reason."""

    source: str
    reason: str


ITEM_TYPES: dict[type, str] = {
    PageItem: "page",
    MovieItem: "movie",
    AttributeItem: "attribute",
    DocumentItem: "document",
    CrawlErrorItem: "error",
}
