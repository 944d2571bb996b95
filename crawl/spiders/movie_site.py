"""Spider ``movie_site``: any movie site, from any start URL on it.

It fetches the start URL itself, the site's robots.txt sitemaps (indexes and gzip too) and
every in-domain link the site rules allow (``crawl/site_rules.toml``), detail-looking pages
first. Whether a page is a film page is decided by its content (``crawl.page_reader``),
never by its path. Readings are cached by content, so an unchanged page costs a
revalidation and no parsing. The spider only yields items; pipelines write them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawl.items import CrawlErrorItem, PageItem
from crawl.page_charset import page_text
from crawl.page_reader import PageReading, read_page
from crawl.reading_cache import ReadingCache
from crawl.site_rules import SiteRules, host_of, load_site_rules
from crawl.urls import canonical_url
from warehouse.blobs import sha256_bytes

HTML_TYPES = (b"text/html", b"application/xhtml+xml")
XML_TYPES = (b"application/xml", b"text/xml")
GZIP_MAGIC = b"\x1f\x8b"
PRIORITY = {"start": 30, "detail": 20, "pagination": 10, "other": 0}
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
# Links to images, video, audio, archives and office files are media, not pages.
SKIPPED_SUFFIXES = tuple(f".{ext}" for ext in IGNORED_EXTENSIONS)


class MovieSiteSpider(scrapy.Spider):
    """Crawl the sites of ``start_urls`` (each one's host and subdomains, ``www.`` or not), each
    by its own link rules; other hosts are never fetched."""

    name = "movie_site"

    def __init__(self, start_urls: list[str], readings_dir: str | None = None, site_rules: str | None = None,
                 *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not start_urls:
            raise ValueError("no start URL")
        rules = load_site_rules(Path(site_rules) if site_rules else None)
        self.start_urls = list(start_urls)
        # example.org and www.example.org are one site: sites redirect from one to the other.
        self.site_rules = {}
        for url in self.start_urls:
            host = urlsplit(url).hostname
            if not host:
                raise ValueError(f"start URL has no host: {url!r}")
            self.site_rules.setdefault(host.lower().removeprefix("www."), rules.for_site(host_of(url)))
        self.allowed_domains = list(self.site_rules)
        self.readings = ReadingCache(Path(readings_dir)) if readings_dir else None

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.start_urls:
            yield self._request(canonical_url(url), depth=0, priority=PRIORITY["start"])
            yield scrapy.Request(urljoin(url, "/robots.txt"), callback=self.parse_robots,
                                 errback=self.on_error, priority=PRIORITY["start"])

    def parse_robots(self, response: Response) -> Iterator[Any]:
        """Follow the robots.txt ``Sitemap:`` lines, or ``/sitemap.xml`` when there are none."""
        yield self._page_item(response, "robots")
        sitemaps: list[str] = []
        if response.status == 200 and isinstance(response, TextResponse):
            sitemaps = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        for url in sitemaps or [urljoin(response.url, "/sitemap.xml")]:
            yield scrapy.Request(canonical_url(url), callback=self.parse_sitemap, errback=self.on_error,
                                 priority=PRIORITY["pagination"], meta={"sitemap_fallback": not sitemaps})

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        """Follow every ``<loc>`` of a urlset; recurse into a sitemap index; gunzip ``.xml.gz``."""
        yield self._page_item(response, "sitemap")
        if response.status != 200:
            if not (response.status == 404 and response.meta.get("sitemap_fallback")):
                yield CrawlErrorItem(canonical_url(response.url), f"sitemap: HTTP {response.status}")
            return
        body = response.body
        try:
            if body[:2] == GZIP_MAGIC:
                body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
            sitemap = Sitemap(body)
        except Exception as exc:  # gzip and lxml raise several types on hostile input
            yield CrawlErrorItem(canonical_url(response.url), f"unreadable sitemap: {exc}")
            return
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                yield scrapy.Request(canonical_url(loc), callback=self.parse_sitemap, errback=self.on_error,
                                     priority=PRIORITY["pagination"])
            elif request := self._follow(canonical_url(loc), depth=1):
                yield request

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Store the page, read it (or take its cached reading), yield what it says, follow its links."""
        url = canonical_url(response.url)
        if not 200 <= response.status < 300:
            yield self._page_item(response, "error")
            yield CrawlErrorItem(url, f"HTTP {response.status}")
            return
        content_type = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip().lower()
        if not isinstance(response, TextResponse) or (content_type and content_type not in HTML_TYPES + XML_TYPES):
            yield self._page_item(response, "other")
            yield CrawlErrorItem(url, f"not an HTML page (Content-Type {content_type.decode('latin-1') or 'unknown'})")
            return
        reading = self._reading(response, url)
        self.crawler.stats.inc_value(f"mmkg/pages_{reading.kind}")
        page = self._page_item(response, reading.kind)
        yield page
        yield from self._items(reading, url, page.content_sha256)
        depth = response.meta.get("page_depth", 0)
        for link in reading.links:
            rules = self._rules_of(link)
            if rules is not None and (request := self._follow(link, depth if rules.is_pagination(link) else depth + 1)):
                yield request

    def on_error(self, failure: Failure) -> Iterator[Any]:
        """Record download failures and redirect loops; robots.txt and offsite refusals are policy."""
        message = failure.getErrorMessage()
        url = canonical_url(failure.request.url)
        if failure.check(IgnoreRequest):
            if message.startswith("redirect loop"):
                yield CrawlErrorItem(url, message)
            return
        if "larger than download max size" in message:
            yield CrawlErrorItem(url, f"page too large: {message}")
            return
        yield CrawlErrorItem(url, f"download failed: {message}")

    def _reading(self, response: TextResponse, url: str) -> PageReading:
        key = ReadingCache.key(url, response.body) if self.readings else ""
        cached = self.readings.get(key) if self.readings else None
        if cached is not None:
            self.crawler.stats.inc_value("mmkg/readings_reused")
            return cached
        self.crawler.stats.inc_value("mmkg/pages_read")
        text, encoding = page_text(response)
        reading = read_page(response.body, text, url, encoding)
        if self.readings:
            self.readings.put(key, reading)
        return reading

    def _items(self, reading: PageReading, url: str, page_sha256: str) -> Iterator[Any]:
        if reading.problems:
            yield CrawlErrorItem(url, "; ".join(dict.fromkeys(reading.problems)))
        by_field: dict[str, list[str]] = {}
        for field_name, reason in reading.skips:
            by_field.setdefault(field_name, []).append(reason)
        for field_name, reasons in by_field.items():
            yield CrawlErrorItem(f"{url}#{field_name}", "value skipped: " + "; ".join(dict.fromkeys(reasons)))
        if reading.movie is None:
            return
        movie = reading.movie
        movie.page_sha256 = page_sha256
        yield movie
        yield from reading.attributes
        yield from reading.documents

    def _rules_of(self, url: str) -> SiteRules | None:
        """The link rules of the crawled site ``url`` is on, or None for another host."""
        host = (urlsplit(url).hostname or "").lower()
        return next((rules for domain, rules in self.site_rules.items()
                     if host == domain or host.endswith("." + domain)), None)

    def _follow(self, url: str, depth: int) -> scrapy.Request | None:
        """A request for a canonical ``url`` of a crawled site that its rules allow, else None."""
        rules = self._rules_of(url)
        if rules is None or urlsplit(url).path.lower().endswith(SKIPPED_SUFFIXES):
            return None
        if not rules.allows(url, depth):
            return None
        kind = "detail" if rules.is_detail(url) else "pagination" if rules.is_pagination(url) else "other"
        priority = PRIORITY[kind]
        return self._request(url, depth, priority)

    def _request(self, url: str, depth: int, priority: int) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse, errback=self.on_error, priority=priority, meta={"page_depth": depth})

    def _page_item(self, response: Response, kind: str) -> PageItem:
        return PageItem(
            url=canonical_url(response.url),
            status=response.status,
            kind=kind,
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
