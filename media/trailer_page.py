"""Where a trailer page says its video is: ``<video>``/``<source>``, ``og:video``, JSON-LD.

The same places yt-dlp's generic extractor reads, parsed here from a page fetched within
the asset's size cap and budget. Direct files come first (in page order, so a site that
lists a small rendition first gets it first); ``embedUrl`` players need yt-dlp.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

_OG_VIDEO = ("og:video", "og:video:url", "og:video:secure_url")


@dataclass(frozen=True)
class TrailerSources:
    """Video URLs a page offers, absolute and in preference order."""

    files: tuple[str, ...] = ()  # direct media files (video/mp4, webm, ...)
    embeds: tuple[str, ...] = ()  # player pages (JSON-LD embedUrl): for yt-dlp


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.files: list[str] = []
        self.og: list[str] = []
        self.in_jsonld = False
        self.jsonld: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag in ("video", "source") and values.get("src"):
            self.files.append(values["src"])
        elif tag == "meta" and values.get("property", "").lower() in _OG_VIDEO and values.get("content"):
            self.og.append(values["content"])
        elif tag == "script" and values.get("type", "").lower() == "application/ld+json":
            self.in_jsonld = True
            self.jsonld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_jsonld = False

    def handle_data(self, data: str) -> None:
        if self.in_jsonld:
            self.jsonld[-1] += data


def _video_objects(node: Any) -> list[dict]:
    """Every JSON-LD ``VideoObject`` in a document (top level, ``@graph``, nested ``trailer``)."""
    found: list[dict] = []
    if isinstance(node, list):
        for item in node:
            found += _video_objects(item)
    elif isinstance(node, dict):
        types = node.get("@type")
        if "VideoObject" in (types if isinstance(types, list) else [types]):
            found.append(node)
        for value in node.values():
            if isinstance(value, (dict, list)):
                found += _video_objects(value)
    return found


def trailer_sources(html: str, page_url: str) -> TrailerSources:
    """The page's video URLs, resolved against ``page_url``; malformed JSON-LD is skipped."""
    collector = _Collector()
    collector.feed(html)
    content, embeds = [], []
    for block in collector.jsonld:
        try:
            document = json.loads(block)
        except ValueError:
            continue
        for video in _video_objects(document):
            content += [v for v in [video.get("contentUrl")] if isinstance(v, str) and v]
            embeds += [v for v in [video.get("embedUrl")] if isinstance(v, str) and v]
    files = _unique(urljoin(page_url, u.strip()) for u in [*collector.files, *content, *collector.og])
    return TrailerSources(files=files, embeds=_unique(urljoin(page_url, u.strip()) for u in embeds))


def _unique(urls: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(u for u in urls if u.startswith(("http://", "https://"))))
