"""URL canonicalisation and page kinds, so each page is fetched and stored once."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Query parameters that only say where a link came from; they never change the page.
TRACKING_PARAMS = ("ref", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
LISTING_RE = re.compile(r"^/movies/(index|page-\d+)\.html$")
MOVIE_RE = re.compile(r"^/movies/[^/]+\.html$")
ARTICLE_RE = re.compile(r"^/wiki/[^/]+$")


def canonical_url(url: str) -> str:
    """Drop tracking parameters and the fragment; sort the rest of the query."""
    cleaned = url_query_cleaner(url, TRACKING_PARAMS, remove=True, keep_fragments=False)
    return canonicalize_url(cleaned, keep_fragments=False)


def page_kind(url: str) -> str:
    """``listing``, ``movie``, ``article`` or ``other`` from the path of the site's layout."""
    path = urlsplit(url).path
    if LISTING_RE.match(path):
        return "listing"
    if MOVIE_RE.match(path):
        return "movie"
    if ARTICLE_RE.match(path):
        return "article"
    return "other"
