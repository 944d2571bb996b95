"""Find a page's schema.org work (Movie, TVSeries, TVEpisode) in JSON-LD, microdata or RDFa.

Syntaxes are tried cheapest first and only when the page has them: JSON-LD blocks are
parsed one by one (one broken block does not hide a good one), microdata needs an
``itemscope`` and RDFa a ``typeof`` attribute (OpenGraph's ``property=`` is not RDFa).
A work node whose ``url`` points at another page is that page's summary (a listing), not
this page's record.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import extruct
from lxml.html import HtmlElement

from crawl.fields import WORK_KINDS
from crawl.urls import canonical_url

SCHEMA_PREFIXES = ("http://schema.org/", "https://schema.org/", "http://www.schema.org/", "https://www.schema.org/", "schema:")
JSONLD_XPATH = "//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]"
CDATA_RE = re.compile(r"^\s*(?:<!--|(?://|/\*)?\s*<!\[CDATA\[(?:\s*\*/)?)|(?:-->|(?://|/\*)?\s*\]\]>(?:\s*\*/)?)\s*$")
TRAILING_COMMA_RE = re.compile(r",\s*([}\]])")
REFERENCE_DEPTH = 4  # node -> property -> referenced node -> its property: deep enough for people and roles
NESTED_WORK_KEYS = ("mainEntity", "mainEntityOfPage", "about", "itemReviewed")


@dataclass(frozen=True)
class WorkNode:
    """A work node in JSON-LD shape, the syntax it came from, and any broken JSON-LD seen."""

    node: dict[str, Any]
    method: str


@dataclass(frozen=True)
class SyntaxScan:
    """What the structured-data pass found: the page's own work node (or None) and problems."""

    work: WorkNode | None
    problems: list[str]
    has_summaries: bool  # work nodes that describe other pages (a listing of films)


def scan_structured_data(
    tree: HtmlElement, html: bytes, encoding: str, page_url: str, canonical: str | None
) -> SyntaxScan:
    """The first work node that describes this page, trying JSON-LD, microdata, then RDFa."""
    own_urls = {canonical_url(page_url)} | ({canonical_url(canonical)} if canonical else set())
    problems: list[str] = []
    summaries = False
    for method, nodes in (
        ("json-ld", lambda: _jsonld_nodes(tree, problems)),
        ("microdata", lambda: _microdata_nodes(tree, page_url)),
        ("rdfa", lambda: _rdfa_nodes(tree, html, encoding, page_url)),
    ):
        for node in nodes():
            if not work_kind(node):
                continue
            if _describes_other_page(node, page_url, own_urls):
                summaries = True
                continue
            return SyntaxScan(WorkNode(node, method), problems, summaries)
    return SyntaxScan(None, problems, summaries)


def work_kind(node: Any) -> str | None:
    """``Movie`` / ``TVSeries`` / ``TVEpisode`` for a work node, else None."""
    if not isinstance(node, dict):
        return None
    for type_name in types_of(node):
        if type_name in WORK_KINDS:
            return WORK_KINDS[type_name]
    return None


def types_of(node: dict[str, Any]) -> list[str]:
    return [local_name(str(t)) for t in as_list(node.get("@type"))]


def local_name(name: str) -> str:
    for prefix in SCHEMA_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _describes_other_page(node: dict[str, Any], page_url: str, own_urls: set[str]) -> bool:
    """The node's ``url`` names another page (host and path differ from this page's and its canonical's)."""
    url = node.get("url")
    if isinstance(url, list):
        url = url[0] if url else None
    if not isinstance(url, str) or not url.strip():
        return False
    target = urlsplit(canonical_url(urljoin(page_url, url.strip())))
    return all((target.netloc, target.path.rstrip("/")) != (own.netloc, own.path.rstrip("/"))
               for own in map(urlsplit, own_urls))


def _jsonld_nodes(tree: HtmlElement, problems: list[str]) -> Iterator[dict[str, Any]]:
    """Every node of the page's JSON-LD blocks, with ``{"@id": …}`` references to other nodes
    of the page resolved (SEO plugins write a ``@graph`` whose Movie points at its Person nodes)."""
    nodes: list[dict[str, Any]] = []
    for script in tree.xpath(JSONLD_XPATH):
        text = script.text_content() or ""
        if not text.strip():
            continue
        try:
            data = _parse_json(text)
        except json.JSONDecodeError as exc:
            problems.append(f"malformed JSON-LD: {exc}")
            continue
        nodes += _flatten(data, depth=0)
    by_id = {n["@id"]: n for n in _all_dicts(nodes, 0) if isinstance(n.get("@id"), str) and set(n) - {"@id", "@type"}}
    for node in nodes:
        yield _resolved(node, by_id, 0) if by_id else node


def _all_dicts(value: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > REFERENCE_DEPTH + 2:
        return
    for item in as_list(value):
        if isinstance(item, dict):
            yield item
            for child in item.values():
                yield from _all_dicts(child, depth + 1)


def _resolved(value: Any, by_id: dict[str, dict[str, Any]], depth: int) -> Any:
    """``value`` with reference-only objects replaced by the nodes they name, ``REFERENCE_DEPTH`` deep."""
    if isinstance(value, list):
        return [_resolved(v, by_id, depth) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) <= {"@id", "@type"} and value.get("@id") in by_id and depth > 0:
        return _resolved(by_id[value["@id"]], by_id, depth + 1) if depth < REFERENCE_DEPTH else by_id[value["@id"]]
    if depth >= REFERENCE_DEPTH:
        return value
    return {key: _resolved(child, by_id, depth + 1) if key != "@graph" else child for key, child in value.items()}


def _parse_json(text: str) -> Any:
    """JSON as pages really write it: raw line breaks inside strings (CMS descriptions), HTML
    comment/CDATA wrappers, trailing commas, or several objects one after another in one script
    (read as a list). Anything else raises ``json.JSONDecodeError``."""
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError as error:
        cleaned = TRAILING_COMMA_RE.sub(r"\1", CDATA_RE.sub("", text.strip()))
        try:
            return json.loads(cleaned, strict=False)
        except json.JSONDecodeError:
            values = _consecutive_values(cleaned)
            if len(values) < 2:
                raise error from None
            return values


def _consecutive_values(text: str) -> list[Any]:
    """``{…}{…}`` or ``{…};\n{…}``: every value, or none when any part is not JSON."""
    decoder = json.JSONDecoder(strict=False)
    values, pos = [], 0
    while pos < len(text):
        while pos < len(text) and (text[pos].isspace() or text[pos] in ",;"):
            pos += 1
        if pos == len(text):
            break
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            return []
        values.append(value)
    return values


def _flatten(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    """Top-level nodes, ``@graph`` members and works nested as a page's main entity."""
    if depth > 3:
        return
    for node in as_list(data):
        if not isinstance(node, dict):
            continue
        yield node
        yield from _flatten(node.get("@graph"), depth + 1)
        for key in NESTED_WORK_KEYS:
            yield from (n for n in _flatten(node.get(key), depth + 1) if work_kind(n))


def _microdata_nodes(tree: HtmlElement, page_url: str) -> list[dict[str, Any]]:
    if not tree.xpath("boolean(//*[@itemscope])"):
        return []
    found = extruct.extract(tree, base_url=page_url, syntaxes=["microdata"], errors="log", uniform=True)
    return [n for n in found.get("microdata", []) if isinstance(n, dict)]


def _rdfa_nodes(tree: HtmlElement, html: bytes, encoding: str, page_url: str) -> list[dict[str, Any]]:
    """RDFa needs its own DOM parse (extruct's), so it runs only where ``typeof`` occurs."""
    if not tree.xpath("boolean(//*[@typeof])"):
        return []
    found = extruct.extract(html, base_url=page_url, encoding=encoding, syntaxes=["rdfa"], errors="log")
    return _compact_rdfa(found.get("rdfa", []))


def _compact_rdfa(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """extruct's expanded RDFa nodes as compact dicts with nested objects resolved."""
    by_id = {n.get("@id"): n for n in nodes}

    def compact(node: dict[str, Any], depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": [local_name(t) for t in as_list(node.get("@type"))]}
        for key, values in node.items():
            if key.startswith(SCHEMA_PREFIXES):
                out[local_name(key)] = [resolve(v, depth) for v in as_list(values)]
        return out

    def resolve(value: Any, depth: int) -> Any:
        if isinstance(value, dict) and "@value" in value:
            return value["@value"]
        if isinstance(value, dict) and "@id" in value:
            target = by_id.get(value["@id"])
            return compact(target, depth + 1) if target and depth < 3 else value["@id"]
        return value

    return [compact(n, 0) for n in nodes if n.get("@type")]
