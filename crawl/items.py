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
    kind: str  # movie | article | listing | other | blocked (crawl.page_reader), error | robots | sitemap
    content_sha256: str
    content_type: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: str  # ISO 8601 in UTC, without offset (the warehouse stores naive UTC)
    body: bytes = field(default=b"", repr=False, metadata={"feed": False})


@dataclass
class MovieItem:
    """One film (or TV work) as one page describes it; the loader merges pages into items.

    ``url`` (the canonical page URL) keys the record: the page's attributes and documents
    carry it as ``source_url``. URLs are absolute.
    """

    url: str
    record_id: str  # the page's own id for the film: @id, url, canonical link or page URL
    kind: str  # Movie | TVSeries | TVEpisode
    method: str  # json-ld | microdata | rdfa | mediawiki | app-state | opengraph | html
    title: str
    year: int | None = None
    description: str | None = None
    movielens_id: int | None = None
    imdb_id: str | None = None
    tmdb_id: str | None = None
    poster_url: str | None = None
    trailer_url: str | None = None
    article_url: str | None = None  # an article about the film that the page links as its subject
    alternate_urls: list[str] = field(default_factory=list)  # the same page in other languages (hreflang)
    duration_min: int | None = None
    content_rating: str | None = None
    rating_value: float | None = None  # on a 0-10 scale
    rating_count: int | None = None
    page_sha256: str | None = None


@dataclass
class AttributeItem:
    """An entity-valued field as the page states it (attribute names: ``crawl.fields``)."""

    attribute: str
    value: str
    source_url: str
    method: str
    external_id: str | None = None


@dataclass
class DocumentItem:
    """Plain text for extraction; ``url`` is the page URL with the text's kind as fragment."""

    url: str
    source_url: str
    kind: str  # one of crawl.fields.DOCUMENT_KINDS
    text: str


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
