"""Downloader middlewares of the mmkg crawl.

See https://docs.scrapy.org/en/latest/topics/downloader-middleware.html
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest

from crawl.urls import canonical_url


class LoopDetectingRedirectMiddleware(RedirectMiddleware):
    """Stock redirects, but a chain that comes back to a URL it passed through is a loop.

    Stock Scrapy hands the looping request to the duplicate filter, which drops it without a
    word, so the page is neither stored nor reported.
    """

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        """Return the next request of the chain; raise ``IgnoreRequest`` ("redirect loop: …") on a loop."""
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if canonical_url(redirected.url) in {canonical_url(u) for u in chain}:
            raise IgnoreRequest("redirect loop: " + " -> ".join([*chain, redirected.url]))
        return super()._redirect(redirected, request, reason)
