"""Turn a schema.org work node (any syntax, JSON-LD shape) into a record and its attributes.

Year rule: ``datePublished``, else the earliest ``releasedEvent.startDate``, else
``copyrightYear``, else a year in parentheses in the name or the page title.
``dateCreated`` and ``dateModified`` date the page's record, not the film, and are never used.
Every value is type-checked: one that cannot name what the field expects is a skip with its
reason, never an entity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from crawl.fields import ORGANIZATION_FALLBACK, PERSON_ATTRIBUTES, SCHEMA_PROPERTIES
from crawl.identity import IMDB_NAME_RE, ExternalIds, ids_in_urls, imdb_title_in_page_url
from crawl.items import AttributeItem, MovieItem
from crawl.schema_org import as_list, types_of, work_kind
from crawl.urls import absolute_url
from crawl.values import (
    URL_RE, ValueRejected, checked_name, clean_text, minutes_of, number_of, title_without_year, year_in_title, year_of,
)
from mmkg.place_names import canonical_country, canonical_language

GENRE_SPLIT_RE = re.compile(r"\s*[,|/;]\s*")
ORGANIZATION_TYPES = {"Organization", "Corporation", "NewsMediaOrganization", "LocalBusiness", "MovieTheater"}
# A trailer's page, then its player, then the file itself.
TRAILER_KEYS = ("url", "embedUrl", "contentUrl")
ORGANIZATION_CAN_BE = {"author", "producer"}


@dataclass
class RecordReading:
    """A record, its attributes and the values skipped, each as (field, reason)."""

    movie: MovieItem
    attributes: list[AttributeItem] = field(default_factory=list)
    skips: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class PageContext:
    """What the page itself says beside the node: its URLs, title and outgoing id links."""

    url: str
    canonical: str | None
    html_title: str | None
    id_links: tuple[str, ...]  # hrefs to IMDb, TMDb and MovieLens found anywhere on the page
    link_texts: dict[tuple[str, str], str]  # (itemprop, absolute href) -> link text, for microdata


def read_work_node(node: dict[str, Any], method: str, page: PageContext) -> RecordReading:
    """The record of a work node; raises ``ValueRejected`` when it has no usable name."""
    raw_name = first_text(node.get("name")) or first_text(node.get("headline"))
    if not raw_name:
        raise ValueRejected(f"{work_kind(node)} markup has no name")
    title = title_without_year(raw_name)
    record_id = _record_id(node, page)
    same_as = [u for u in (first_text(v) for v in as_list(node.get("sameAs"))) if u]
    own = [record_id, *(u for u in (first_text(node.get("url")), first_text(node.get("identifier"))) if u)]
    ids = ids_in_urls(same_as + own).merged(
        ExternalIds(imdb_id=imdb_title_in_page_url(page.canonical or page.url))
    ).merged(ids_in_urls(page.id_links))
    rating = _rating(node.get("aggregateRating"))
    movie = MovieItem(
        url=page.url,
        record_id=record_id,
        kind=work_kind(node) or "Movie",
        method=method,
        title=title,
        year=_year(node, raw_name, page.html_title),
        description=first_text(node.get("description")),
        movielens_id=ids.movielens_id,
        imdb_id=ids.imdb_id,
        tmdb_id=ids.tmdb_id,
        poster_url=absolute_url(page.url, url_of(node.get("image")) or url_of(node.get("thumbnailUrl"))),
        trailer_url=absolute_url(page.url, url_of(node.get("trailer"), TRAILER_KEYS)),
        article_url=absolute_url(page.url, url_of(node.get("subjectOf"))),
        duration_min=minutes_of(first_text(node.get("duration")) or node.get("duration")),
        content_rating=_content_rating(node.get("contentRating")),
        rating_value=rating[0],
        rating_count=rating[1],
    )
    reading = RecordReading(movie)
    for prop, attribute in SCHEMA_PROPERTIES.items():
        for value in as_list(node.get(prop)):
            for part in _genre_list(value) if attribute == "genre" else [value]:
                _add_value(reading, prop, attribute, part, method, page)
    return reading


def _genre_list(value: Any) -> list[Any]:
    """ "Animation, Family" -> two genres: sites often join them in one string."""
    if isinstance(value, str) and not URL_RE.search(value):
        return [part for part in GENRE_SPLIT_RE.split(value) if part.strip()]
    return [value]


def first_text(value: Any) -> str | None:
    """A single clean string from a literal, a list, or an ``@value``/``name`` dict."""
    for item in as_list(value):
        if isinstance(item, dict):
            item = item.get("@value", item.get("name"))
            if isinstance(item, list):
                item = item[0] if item else None
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            text = clean_text(item)
            if text:
                return text
    return None


def url_of(value: Any, keys: tuple[str, ...] = ("url", "contentUrl", "@id")) -> str | None:
    """``"…"`` or the first of ``keys`` a thing gives (``{"url": …}``, ``{"contentUrl": …}``, …)."""
    for item in as_list(value):
        if isinstance(item, str) and item.strip():
            return item.strip()
        if isinstance(item, dict):
            for key in keys:
                if url := first_text(item.get(key)):
                    return url
    return None


def _add_value(reading: RecordReading, prop: str, attribute: str, value: Any, method: str, page: PageContext) -> None:
    where = f"{prop}"
    external = None
    if isinstance(value, dict) and prop in value and any(kind.endswith("Role") for kind in types_of(value)):
        for inner in as_list(value[prop]):  # a schema.org Role wraps the value under the same property
            _add_value(reading, prop, attribute, inner, method, page)
        return
    if isinstance(value, dict):
        kinds = set(types_of(value))
        external = _person_id(value)
        if kinds & ORGANIZATION_TYPES and attribute in PERSON_ATTRIBUTES:
            if attribute not in ORGANIZATION_CAN_BE:
                reading.skips.append((where, f"an Organization where a Person is expected ({first_text(value.get('name'))!r})"))
                return
            attribute = ORGANIZATION_FALLBACK
        raw = value.get("name", value.get("@value"))
        if raw is None:
            reading.skips.append((where, f"a {'/'.join(sorted(kinds)) or 'thing'} without a name"))
            return
        raw = first_text(raw) if isinstance(raw, (list, dict)) else raw
    else:
        raw = value
        if isinstance(raw, str) and (text := page.link_texts.get((prop, absolute_url(page.url, raw.strip()) or ""))):
            raw = text  # microdata itemprop on a link: the value is the href, the name its text
    add_named_value(reading.attributes, reading.skips, where, attribute, raw, page.url, method, external)


def add_named_value(
    attributes: list[AttributeItem], skips: list[tuple[str, str]], field_name: str, attribute: str, raw: Any,
    source_url: str, method: str, external_id: str | None = None,
) -> None:
    """Keep a value that names a thing, once (languages and countries by their English names),
    or record in ``skips`` why it cannot be one."""
    try:
        name = checked_name(raw)
    except ValueRejected as exc:
        skips.append((field_name, str(exc)))
        return
    if attribute == "inLanguage":
        name = canonical_language(name)
    elif attribute == "countryOfOrigin":
        name = canonical_country(name)
    if all(a.attribute != attribute or a.value != name for a in attributes):
        attributes.append(AttributeItem(attribute, name, source_url, method, external_id))


def _person_id(value: dict[str, Any]) -> str | None:
    refs = [first_text(v) or "" for v in (*as_list(value.get("sameAs")), value.get("url"), value.get("@id"), value.get("identifier"))]
    for ref in refs:
        if match := IMDB_NAME_RE.search(ref):
            return match.group(1)
    return None


def _record_id(node: dict[str, Any], page: PageContext) -> str:
    for key in ("@id", "url"):
        value = first_text(node.get(key))
        if value and not value.startswith("_:"):
            return absolute_url(page.url, value) or value
    return page.canonical or page.url


def _year(node: dict[str, Any], raw_name: str, html_title: str | None) -> int | None:
    if (year := year_of(first_text(node.get("datePublished")))) is not None:
        return year
    released = [year_of(first_text(e.get("startDate")) if isinstance(e, dict) else None) for e in as_list(node.get("releasedEvent"))]
    if years := [y for y in released if y is not None]:
        return min(years)
    if (year := year_of(node.get("copyrightYear")) or year_of(first_text(node.get("copyrightYear")))) is not None:
        return year
    return year_in_title(raw_name) or year_in_title(html_title)


def _content_rating(value: Any) -> str | None:
    for item in as_list(value):
        if isinstance(item, dict):
            item = item.get("ratingValue", item.get("name"))
        if isinstance(item, str) and (text := clean_text(item)) and len(text) <= 20:
            return text
    return None


def _rating(value: Any) -> tuple[float | None, int | None]:
    """(ratingValue on a 0-10 scale, ratingCount or reviewCount).

    Without ``bestRating`` a value above 5 is read on a 10 scale, else on schema.org's default of 5.
    """
    node = next((v for v in as_list(value) if isinstance(v, dict)), None)
    if node is None:
        return None, None
    rating = number_of(first_text(node.get("ratingValue")) if isinstance(node.get("ratingValue"), (dict, list)) else node.get("ratingValue"))
    best = number_of(node.get("bestRating")) or (10.0 if rating is not None and rating > 5 else 5.0)
    count = number_of(node.get("ratingCount")) or number_of(node.get("reviewCount"))
    scaled = round(rating * 10.0 / best, 3) if rating is not None and best > 0 and 0 <= rating <= best else None
    return scaled, int(count) if count is not None else None


