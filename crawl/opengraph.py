"""Read a film from OpenGraph ``<meta property="og:…">`` tags (``og:type`` video.movie / tv_show / episode).

Many sites carry no schema.org markup but do tell social networks what the page is. The
``video:director`` / ``video:actor`` properties hold profile URLs, not names: they are
type-checked like any value and skipped with a reason.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from crawl.identity import ExternalIds, ids_in_urls, imdb_title_in_page_url
from crawl.items import MovieItem
from crawl.page_titles import film_title_from_page_title
from crawl.urls import absolute_url
from crawl.values import clean_text, title_without_year, year_in_title, year_of
from crawl.work_record import PageContext, RecordReading, add_named_value

OG_KINDS = {"video.movie": "Movie", "movie": "Movie", "video.tv_show": "TVSeries", "video.episode": "TVEpisode"}
OG_PEOPLE = {"video:director": "director", "video:actor": "actor", "video:writer": "author"}


def opengraph_properties(tree: HtmlElement) -> dict[str, list[str]]:
    """Every ``og:``/``video:`` meta property and its values, in page order."""
    found: dict[str, list[str]] = {}
    for meta in tree.xpath("//meta[@property or @name][@content]"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key.startswith(("og:", "video:")):
            found.setdefault(key, []).append(meta.get("content", "").strip())
    return found


def read_opengraph(properties: dict[str, list[str]], page: PageContext) -> RecordReading | None:
    """The record OpenGraph states, or None when ``og:type`` is not a film or series."""
    kind = OG_KINDS.get(_first(properties, "og:type").lower())
    raw_title = film_title_from_page_title(_first(properties, "og:title"))
    if kind is None or not raw_title:
        return None
    record_id = absolute_url(page.url, _first(properties, "og:url")) or page.canonical or page.url
    ids = ids_in_urls([record_id, *page.id_links]).merged(ExternalIds(imdb_id=imdb_title_in_page_url(page.canonical or page.url)))
    video = _first(properties, "og:video:secure_url") or _first(properties, "og:video:url") or _first(properties, "og:video")
    movie = MovieItem(
        url=page.url,
        record_id=record_id,
        kind=kind,
        method="opengraph",
        title=title_without_year(raw_title),
        year=year_of(_first(properties, "video:release_date")) or year_in_title(raw_title) or year_in_title(page.html_title),
        description=clean_text(_first(properties, "og:description")) or None,
        movielens_id=ids.movielens_id,
        imdb_id=ids.imdb_id,
        tmdb_id=ids.tmdb_id,
        poster_url=absolute_url(page.url, _first(properties, "og:image:secure_url") or _first(properties, "og:image") or None),
        trailer_url=absolute_url(page.url, video or None),
        duration_min=_minutes(_first(properties, "video:duration")),
    )
    reading = RecordReading(movie)
    for prop, attribute in OG_PEOPLE.items():
        for value in properties.get(prop, []):
            add_named_value(reading.attributes, reading.skips, prop, attribute, value, page.url, "opengraph")
    return reading


def _first(properties: dict[str, list[str]], key: str) -> str:
    values = properties.get(key) or [""]
    return values[0]


def _minutes(seconds: str) -> int | None:
    """``video:duration`` is in seconds."""
    return int(seconds) // 60 if seconds.isdigit() and int(seconds) >= 60 else None
