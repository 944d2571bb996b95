"""Read one fetched page, whatever its site: its film record, texts, links and problems.

A page is a film page by what it says, not by its path. Methods are tried strongest first
and the first that yields a record wins (each field records its method):
schema.org markup (JSON-LD, microdata, RDFa) → a MediaWiki film article (rendered HTML or
Special:Export XML) → the state a client-rendered app embeds (``crawl.app_state``) →
OpenGraph ``og:type`` video.movie → labelled facts in plain HTML.
OpenGraph fills what the winning record lacks (poster, trailer, description), then the
poster and trailer the page shows (``crawl.page_media``); an OpenGraph record, which names
people only by profile URL, takes its credits from the page's labelled facts and people cards.
The page's main text (trafilatura) becomes a document when it says more than the description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from crawl.app_state import app_state_movie
from crawl.html_facts import add_html_credits, read_html_facts
from crawl.items import AttributeItem, DocumentItem, MovieItem
from crawl.main_text import main_text
from crawl.opengraph import opengraph_properties, read_opengraph
from crawl.page_media import read_page_media
from crawl.schema_org import scan_structured_data
from crawl.urls import canonical_url
from crawl.values import ValueRejected, clean_text
from crawl.wiki_article import WikiArticle, read_wiki_article
from crawl.wiki_export import is_mediawiki_export, read_wiki_export
from crawl.work_record import PageContext, RecordReading, read_work_node

ID_LINK_RE = re.compile(r"imdb\.com/(?:[a-z]{2}/)?title/tt\d|themoviedb\.org/(?:movie|tv)/\d|movielens\.org/movies/\d")
CHALLENGE_MARKERS = (
    "cf-browser-verification", "challenge-platform", "cf_chl_", "just a moment...", "attention required! | cloudflare",
    "_incapsula_resource", "px-captcha", "captcha-delivery.com", "datadome", "g-recaptcha", "h-captcha",
    "please enable javascript and cookies", "verify you are human", "are you a robot",
)
CHALLENGE_MAX_BYTES = 100_000
# Extra text beyond the description that makes the main text worth a document of its own.
MAIN_TEXT_EXTRA_CHARS = 200


@dataclass
class PageReading:
    """Everything read from one page; ``kind`` is movie | article | listing | other | blocked."""

    kind: str
    movie: MovieItem | None = None
    attributes: list[AttributeItem] = field(default_factory=list)
    documents: list[DocumentItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # page-level reasons, e.g. broken JSON-LD
    skips: list[tuple[str, str]] = field(default_factory=list)  # (field, reason) of refused values
    links: list[str] = field(default_factory=list)  # absolute canonical http(s) URLs, page order


def read_page(body: bytes, text: str, page_url: str, encoding: str = "utf-8") -> PageReading:
    """Read a page given as bytes and as decoded text (the caller knows its charset)."""
    url = canonical_url(page_url)
    if is_mediawiki_export(body):
        return _article_reading(read_wiki_export(body, url), url, [])
    tree = _parse(body, text, encoding)
    if tree is None:
        return PageReading("other", problems=["unparseable HTML"])
    base = next(iter(tree.xpath("//base/@href")), None)
    links = _links(tree, urljoin(url, base) if base else url)
    canonical = _canonical(tree, url)
    context = PageContext(
        url=url,
        canonical=canonical,
        html_title=clean_text(" ".join(tree.xpath("//head/title//text()"))) or None,
        id_links=tuple(h for h in tree.xpath("//a/@href | //link/@href") if ID_LINK_RE.search(h)),
        link_texts=_microdata_link_texts(tree, url),
    )
    scan = scan_structured_data(tree, body, encoding, url, canonical)
    problems = list(scan.problems)
    opengraph = read_opengraph(opengraph_properties(tree), context)
    record: RecordReading | None = None
    if scan.work is not None:
        try:
            record = read_work_node(scan.work.node, scan.work.method, context)
        except ValueRejected as exc:
            problems.append(str(exc))
    if record is None:
        article = read_wiki_article(tree, url)
        if article is not None:
            reading = _article_reading(article, url, links, tree, text)
            reading.problems[:0] = problems
            return reading
        record = _app_state_record(tree, context, problems) or opengraph or read_html_facts(tree, context)
        if record is opengraph and opengraph is not None and not opengraph.attributes:
            add_html_credits(opengraph, tree, url)
    if record is None:
        if marker := _challenge_marker(body, text):
            return PageReading("blocked", problems=[f"anti-bot challenge page ({marker!r}): the site refused the crawler"])
        kind = "listing" if scan.has_summaries or tree.xpath("boolean(//a[@rel='next'] | //link[@rel='next'])") else "other"
        return PageReading(kind, problems=problems, links=links)
    if problems:
        problems = [f"{p} (record read from {record.movie.method} instead)" for p in problems]
    movie = _fill_from(record.movie, opengraph.movie) if opengraph and opengraph is not record else record.movie
    movie = _with_page_media(movie, tree, text)
    movie = replace(movie, alternate_urls=_language_versions(tree, url, movie.url))
    documents = _documents(movie, url, main_text(tree, url))
    return PageReading("movie", movie, record.attributes, documents, problems, record.skips, links)


def _app_state_record(tree: HtmlElement, context: PageContext, problems: list[str]) -> RecordReading | None:
    node = app_state_movie(tree)
    if node is None:
        return None
    try:
        return read_work_node(node, "app-state", context)
    except ValueRejected as exc:
        problems.append(f"app state: {exc}")
        return None


def _challenge_marker(body: bytes, text: str) -> str | None:
    """A bot-wall marker on a small page that has no film: a 200 that is not the page asked for."""
    if len(body) >= CHALLENGE_MAX_BYTES:
        return None
    lowered = text.lower()
    return next((m for m in CHALLENGE_MARKERS if m in lowered), None)


def _article_reading(article: WikiArticle | None, url: str, links: list[str],
                     tree: HtmlElement | None = None, page_text: str | None = None) -> PageReading:
    if article is None:
        return PageReading("other", links=links)
    if not article.title:
        return PageReading("other", problems=["MediaWiki film article without a title"], links=links)
    lead = article.sections.get("lead", "")
    movie = MovieItem(
        url=url, record_id=url, kind="Movie", method="mediawiki", title=article.title, year=article.year,
        description=lead.split("\n\n")[0] or None, imdb_id=article.imdb_id, duration_min=article.duration_min,
        poster_url=article.image_url,
    )
    if tree is not None:
        movie = _with_page_media(movie, tree, page_text)
    documents = [DocumentItem(f"{url}#{kind}", url, kind, text) for kind, text in article.sections.items()]
    problems = [] if documents else ["article has no lead, plot or cast text"]
    return PageReading("article", movie, article.attributes, documents, problems, article.skips, links)


def _documents(movie: MovieItem, url: str, page_text: str | None) -> list[DocumentItem]:
    documents = []
    if movie.description:
        documents.append(DocumentItem(f"{url}#description", url, "description", movie.description))
    if page_text and len(page_text) > len(movie.description or "") + MAIN_TEXT_EXTRA_CHARS:
        documents.append(DocumentItem(f"{url}#page-text", url, "page-text", page_text))
    return documents


def _fill_from(movie: MovieItem, other: MovieItem) -> MovieItem:
    """Fields ``movie`` lacks, taken from ``other`` (OpenGraph of the same page)."""
    gaps = {
        name: getattr(other, name)
        for name in ("year", "description", "poster_url", "trailer_url", "imdb_id", "tmdb_id", "movielens_id", "duration_min")
        if getattr(movie, name) is None and getattr(other, name) is not None
    }
    return replace(movie, **gaps) if gaps else movie


def _language_versions(tree: HtmlElement, base: str, own_url: str) -> list[str]:
    """``<link rel="alternate" hreflang>`` pages: the same film in the site's other languages,
    under other titles ("El padrino"), so only these links tell they are one item."""
    urls = {canonical_url(urljoin(base, href.strip()))
            for href in tree.xpath("//link[@hreflang][contains(concat(' ', normalize-space(@rel), ' '), ' alternate ')]/@href")
            if href.strip()}
    return sorted(u for u in urls if u != own_url and urlsplit(u).scheme in ("http", "https"))


def _with_page_media(movie: MovieItem, tree: HtmlElement, text: str | None = None) -> MovieItem:
    """The poster and trailer the page shows, where the record names none."""
    if movie.poster_url and movie.trailer_url:
        return movie
    media = read_page_media(tree, movie.url, text)
    return replace(movie, poster_url=movie.poster_url or media.poster_url, trailer_url=movie.trailer_url or media.trailer_url)


def _parse(body: bytes, text: str, encoding: str) -> HtmlElement | None:
    try:
        return lxml.html.fromstring(text)
    except ValueError:  # a str with an XML encoding declaration
        pass
    except lxml.etree.ParserError:
        return None
    try:
        return lxml.html.fromstring(body, parser=lxml.html.HTMLParser(encoding=encoding))
    except (ValueError, LookupError, lxml.etree.ParserError):
        return None


def _canonical(tree: HtmlElement, url: str) -> str | None:
    href = next(iter(tree.xpath("//link[translate(@rel, 'CANONICAL', 'canonical')='canonical']/@href")), None)
    if not href or not href.strip():
        return None
    absolute = urljoin(url, href.strip())
    return canonical_url(absolute) if urlsplit(absolute).scheme in ("http", "https") else None


def _links(tree: HtmlElement, base: str) -> list[str]:
    found: dict[str, None] = {}
    for href in tree.xpath("//a/@href | //area/@href | //link[@rel='next' or @rel='prev']/@href"):
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        absolute = urljoin(base, href)
        if urlsplit(absolute).scheme in ("http", "https"):
            found.setdefault(canonical_url(absolute), None)
    return list(found)


def _microdata_link_texts(tree: HtmlElement, url: str) -> dict[tuple[str, str], str]:
    """``<a itemprop="director" href="/p/1">Jane Doe</a>``: microdata reads the href, people read the text."""
    texts = {}
    for element in tree.xpath("//*[@itemprop][@href][not(@itemscope)]"):
        text = clean_text(element.text_content())
        if text:
            for prop in element.get("itemprop", "").split():
                texts[(prop, urljoin(url, element.get("href", "").strip()))] = text
    return texts

