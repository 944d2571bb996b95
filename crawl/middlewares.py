"""Downloader middlewares of the mmkg crawl.

See https://docs.scrapy.org/en/latest/topics/downloader-middleware.html
"""

from __future__ import annotations

import time
from time import monotonic
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import BaseSettings

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


class RetryAfterMiddleware(RetryMiddleware):
    """Stock retries, but a 429 or 503 that says ``Retry-After`` is retried after that long.

    Scrapy retries such answers at once (scrapy/scrapy#3849), so a rate-limited site sees
    the same requests again within milliseconds and every one fails. Here the site's download
    slot waits the time asked (AutoThrottle never lowers a delay on an error answer); a wait
    over ``RETRY_AFTER_MAX_S`` is not retried, and the page is recorded with its status.
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_wait_s = settings.getfloat("RETRY_AFTER_MAX_S")

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        wait = retry_after_seconds(response.headers.get(b"Retry-After")) if response.status in (429, 503) else None
        if wait is None or request.meta.get("dont_retry", False):
            return super().process_response(request, response)
        if wait > self.max_wait_s:
            return response
        slot = self.crawler.engine.downloader.slots.get(request.meta.get("download_slot"))
        if slot is not None:  # the wait counts from this answer, never shortened by a random factor
            slot.delay, slot.randomize_delay = max(slot.delay, wait), False
            slot.lastseen = max(slot.lastseen, monotonic())
        return self._retry(request, f"{response.status} Retry-After {wait:g} s") or response


def retry_after_seconds(value: bytes | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))
