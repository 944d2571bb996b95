"""Read a schema.org ``Movie`` from a detail page (JSON-LD, microdata or RDFa via extruct).

Kept free of Scrapy so it can be tested on a plain HTML string. Malformed JSON-LD is an
error rather than something to skip silently: the page's main markup is broken, and the
warehouse must say so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urljoin

import extruct
from extruct.utils import parse_html

from crawl.items import AttributeItem, MovieItem

SCHEMA_PREFIXES = ("http://schema.org/", "https://schema.org/")
# schema.org property -> attribute name in movie_attributes (they are the same on purpose).
ATTRIBUTE_PROPERTIES = (
    "genre", "director", "actor", "author", "producer",
    "productionCompany", "countryOfOrigin", "inLanguage",
)
MOVIELENS_RE = re.compile(r"movielens\.org/movies/(\d+)")
IMDB_TITLE_RE = re.compile(r"imdb\.com/title/(tt\d+)")
IMDB_NAME_RE = re.compile(r"\b(nm\d{5,})\b")
TMDB_RE = re.compile(r"themoviedb\.org/movie/(\d+)")
YEAR_RE = re.compile(r"\b(\d{4})\b")


class MarkupError(ValueError):
    """The page has no usable Movie markup; the message is the reason stored in ``errors``."""


@dataclass(frozen=True)
class MovieMarkup:
    """What a detail page states about its movie."""

    movie: MovieItem
    attributes: list[AttributeItem]


def read_movie_markup(html: str | bytes, page_url: str, encoding: str = "utf-8") -> MovieMarkup:
    """Return the page's Movie and its attributes, or raise ``MarkupError`` with the reason."""
    node = find_movie_node(html, page_url, encoding)
    movie_id = _text(node.get("identifier"))
    title = _text(node.get("name"))
    if not movie_id:
        raise MarkupError("Movie markup has no identifier")
    if not title:
        raise MarkupError("Movie markup has no name")
    same_as = [_text(v) or "" for v in _as_list(node.get("sameAs"))]
    movie = MovieItem(
        movie_id=movie_id,
        url=page_url,
        title=title,
        year=_year(node.get("datePublished") or node.get("dateCreated")),
        description=_text(node.get("description")),
        movielens_id=_int_or_none(_first_match(MOVIELENS_RE, same_as)),
        imdb_id=_first_match(IMDB_TITLE_RE, same_as),
        tmdb_id=_first_match(TMDB_RE, same_as),
        poster_url=_absolute(page_url, _url_of(node.get("image"))),
        trailer_url=_absolute(page_url, _url_of(node.get("trailer"))),
        article_url=_absolute(page_url, _url_of(node.get("subjectOf"))),
    )
    attributes = [
        AttributeItem(
            attribute=prop, value=value, source_url=page_url, movie_id=movie_id, external_id=ext
        )
        for prop in ATTRIBUTE_PROPERTIES
        for value, ext in _named_values(node.get(prop))
    ]
    return MovieMarkup(movie=movie, attributes=attributes)


def find_movie_node(html: str | bytes, page_url: str, encoding: str = "utf-8") -> dict[str, Any]:
    """First Movie node in JSON-LD, else microdata, else RDFa (compacted to JSON-LD shape).

    Syntaxes are tried lazily: RDFa parsing costs ~10x the other two, and most pages
    carry JSON-LD.
    """
    tree = parse_html(html, encoding=encoding)
    try:
        jsonld = extruct.extract(tree, base_url=page_url, syntaxes=["json-ld"], errors="strict")
    except json.JSONDecodeError as exc:
        raise MarkupError(f"malformed JSON-LD: {exc}") from exc
    syntaxes = (
        partial(_flatten_graph, jsonld.get("json-ld", [])),
        partial(_extract, tree, page_url, "microdata"),
        partial(_rdfa, tree, html, page_url, encoding),
    )
    for nodes in syntaxes:
        for node in nodes():
            if isinstance(node, dict) and "Movie" in _types(node):
                return node
    raise MarkupError("no schema.org Movie in JSON-LD, microdata or RDFa")


def _extract(document: Any, page_url: str, syntax: str, encoding: str = "utf-8") -> list[Any]:
    found = extruct.extract(
        document, base_url=page_url, encoding=encoding, syntaxes=[syntax], errors="log", uniform=True
    )
    return found.get(syntax, [])


def _rdfa(tree: Any, html: str | bytes, page_url: str, encoding: str) -> list[dict[str, Any]]:
    """RDFa needs its own DOM parse, so it is skipped on pages without RDFa attributes."""
    if not tree.xpath("boolean(//*[@typeof or @property])"):
        return []
    return _compact_rdfa(_extract(html, page_url, "rdfa", encoding))


def _flatten_graph(nodes: list[Any]) -> Iterator[Any]:
    for node in nodes:
        if isinstance(node, dict) and isinstance(node.get("@graph"), list):
            yield from node["@graph"]
        else:
            yield node


def _compact_rdfa(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn extruct's expanded RDFa nodes into compact dicts with nested objects resolved."""
    by_id = {n.get("@id"): n for n in nodes}

    def compact(node: dict[str, Any], depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": [_local(t) for t in _as_list(node.get("@type"))]}
        for key, values in node.items():
            if key.startswith(SCHEMA_PREFIXES):
                out[_local(key)] = [resolve(v, depth) for v in _as_list(values)]
        return out

    def resolve(value: Any, depth: int) -> Any:
        if isinstance(value, dict) and "@value" in value:
            return value["@value"]
        if isinstance(value, dict) and "@id" in value:
            target = by_id.get(value["@id"])
            return compact(target, depth + 1) if target and depth < 3 else value["@id"]
        return value

    return [compact(n, 0) for n in nodes if n.get("@type")]


def _local(name: str) -> str:
    for prefix in SCHEMA_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def _types(node: dict[str, Any]) -> set[str]:
    return {_local(str(t)) for t in _as_list(node.get("@type"))}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str | None:
    """A single string from a literal, a one-element list or an ``@value`` dict."""
    for item in _as_list(value):
        if isinstance(item, dict):
            item = item.get("@value", item.get("value", item.get("name")))
        if item is not None and str(item).strip():
            return str(item).strip()
    return None


def _url_of(value: Any) -> str | None:
    """``"…"``, ``{"url": …}`` or ``{"contentUrl": …}``: the first URL given."""
    for item in _as_list(value):
        if isinstance(item, str) and item.strip():
            return item.strip()
        if isinstance(item, dict):
            url = _text(item.get("url")) or _text(item.get("contentUrl")) or _text(item.get("@id"))
            if url:
                return url
    return None


def _named_values(value: Any) -> Iterator[tuple[str, str | None]]:
    """(name, nm… id or None) of each string or named thing, without duplicates."""
    seen: set[str] = set()
    for item in _as_list(value):
        if isinstance(item, dict):
            name = _text(item.get("name"))
            refs = [_text(v) or "" for v in (*_as_list(item.get("sameAs")), item.get("url"), item.get("identifier"))]
            external = _first_match(IMDB_NAME_RE, refs)
        else:
            name, external = _text(item), None
        if name and name not in seen:
            seen.add(name)
            yield name, external


def _first_match(pattern: re.Pattern[str], values: list[str]) -> str | None:
    for value in values:
        if match := pattern.search(value):
            return match.group(1)
    return None


def _year(value: Any) -> int | None:
    match = YEAR_RE.search(_text(value) or "")
    return int(match.group(1)) if match else None


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value is not None else None


def _absolute(page_url: str, url: str | None) -> str | None:
    return urljoin(page_url, url) if url else None
