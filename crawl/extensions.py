"""Scrapy extensions of the mmkg crawl.

See https://docs.scrapy.org/en/latest/topics/extensions.html
"""

from __future__ import annotations

from scrapy.core.downloader import Slot
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response


class RevalidatingAutoThrottle(AutoThrottle):
    """AutoThrottle that treats ``304 Not Modified`` as a success.

    Stock AutoThrottle never lowers the delay on a non-200 response, and it sees the raw
    304 before the HTTP cache turns it into the cached 200. On a nightly revalidation run
    nearly every response is a 304, so one latency spike kept the crawl slow to the end.
    """

    def _adjust_delay(self, slot: Slot, latency: float, response: Response) -> None:
        """Return nothing; never raises (the delay stays within AUTOTHROTTLE_MAX_DELAY)."""
        if response.status == 304:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)
