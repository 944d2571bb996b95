"""Spider ``movie_site``: a movie site's sitemap, listings, detail pages and film articles.

It reaches pages two ways (robots.txt sitemap and listing pagination) so a page missing
from one is still found; canonical URLs make the duplicates cost one fetch. The spider
only yields items; pipelines write them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawl.items import CrawlErrorItem, DocumentItem, PageItem
from crawl.movie_markup import MarkupError, read_movie_markup
from crawl.urls import canonical_url, page_kind
from crawl.wiki_article import read_wiki_article
from warehouse.blobs import sha256_bytes

LISTING_PATH = "/movies/index.html"


class MovieSiteSpider(scrapy.Spider):
    """Crawl one site, given by ``start_url`` (its root); other hosts are never fetched."""

    name = "movie_site"

    def __init__(self, start_url: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        host = urlsplit(start_url).hostname
        if not host:
            raise ValueError(f"start_url has no host: {start_url!r}")
        self.start_url = start_url
        self.allowed_domains = [host]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(urljoin(self.start_url, "/robots.txt"), callback=self.parse_robots, errback=self.on_error)
        yield self._request(urljoin(self.start_url, LISTING_PATH))

    def parse_robots(self, response: Response) -> Iterator[Any]:
        """Follow the robots.txt ``Sitemap:`` lines, or ``/sitemap.xml`` when there are none."""
        yield self._page_item(response)
        sitemaps: list[str] = []
        if response.status == 200 and isinstance(response, TextResponse):
            sitemaps = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        for url in sitemaps or [urljoin(self.start_url, "/sitemap.xml")]:
            yield scrapy.Request(canonical_url(url), callback=self.parse_sitemap, errback=self.on_error)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        """Follow every ``<loc>`` of a urlset; recurse into a sitemap index."""
        yield from self._page_and_status_error(response)
        if response.status != 200:
            return
        try:
            sitemap = Sitemap(response.body)
        except Exception as exc:  # lxml raises several types on hostile XML
            yield CrawlErrorItem(canonical_url(response.url), f"unreadable sitemap: {exc}")
            return
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                yield scrapy.Request(canonical_url(loc), callback=self.parse_sitemap, errback=self.on_error)
            else:
                yield self._request(loc)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Store the page, then read it according to its kind (decided on the final URL)."""
        if not (yield from self._page_and_status_error(response)):
            return
        if not isinstance(response, TextResponse):
            return
        kind = page_kind(response.url)
        if kind == "listing":
            yield from self._parse_listing(response)
        elif kind == "movie":
            yield from self._parse_movie(response)
        elif kind == "article":
            yield from self._parse_article(response)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        """Record download failures; requests refused by robots.txt or the offsite filter are policy."""
        if failure.check(IgnoreRequest):
            return
        yield CrawlErrorItem(canonical_url(failure.request.url), f"download failed: {failure.getErrorMessage()}")

    def _parse_listing(self, response: TextResponse) -> Iterator[scrapy.Request]:
        for href in response.css("a.movie-link::attr(href), a[rel~=next]::attr(href)").getall():
            url = response.urljoin(href)
            if urlsplit(url).scheme in ("http", "https"):
                yield self._request(url)

    def _parse_movie(self, response: TextResponse) -> Iterator[Any]:
        url = canonical_url(response.url)
        try:
            markup = read_movie_markup(response.body, url, response.encoding)
        except MarkupError as exc:
            yield CrawlErrorItem(url, str(exc))
            return
        article_url = markup.movie.article_url
        movie = replace(
            markup.movie,
            page_sha256=sha256_bytes(response.body),
            article_url=canonical_url(article_url) if article_url else None,
        )
        yield movie
        yield from markup.attributes
        description = movie.description or " ".join(
            " ".join(response.css("p.description ::text").getall()).split()
        )
        if description:
            yield DocumentItem(url=url, kind="description", text=description, movie_id=movie.movie_id)
        if movie.article_url:
            yield self._request(movie.article_url)

    def _parse_article(self, response: TextResponse) -> Iterator[Any]:
        url = canonical_url(response.url)
        article = read_wiki_article(response.text, url)
        if not article.text:
            yield CrawlErrorItem(url, "article has no lead, plot or cast text")
        else:
            yield DocumentItem(url=url, kind="article", text=article.text)
        yield from article.attributes

    def _request(self, url: str) -> scrapy.Request:
        return scrapy.Request(canonical_url(url), callback=self.parse, errback=self.on_error)

    def _page_and_status_error(self, response: Response) -> Generator[Any, None, bool]:
        """Yield the PageItem (and an error for non-2xx); return whether the page is usable."""
        yield self._page_item(response)
        if not 200 <= response.status < 300:
            yield CrawlErrorItem(canonical_url(response.url), f"HTTP {response.status}")
            return False
        return True

    def _page_item(self, response: Response) -> PageItem:
        url = canonical_url(response.url)
        return PageItem(
            url=url,
            status=response.status,
            kind=page_kind(url),
            content_sha256=sha256_bytes(response.body),
            content_type=_header(response, b"Content-Type"),
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            fetched_at=datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds"),
            body=response.body,
        )


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value is not None else None
