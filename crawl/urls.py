"""URL canonicalisation, so each page is fetched and stored once."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Query parameters that only say where a link came from; they never change the page.
TRACKING_PARAMS = (
    "ref", "ref_", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "fbclid", "gclid", "mc_cid",
)


def canonical_url(url: str) -> str:
    """Drop tracking parameters and the fragment; sort the rest of the query."""
    cleaned = url_query_cleaner(url, TRACKING_PARAMS, remove=True, keep_fragments=False)
    return canonicalize_url(cleaned, keep_fragments=False)


def absolute_url(page_url: str, url: str | None) -> str | None:
    """``url`` resolved against the page it was found on; None stays None."""
    return urljoin(page_url, url) if url else None
