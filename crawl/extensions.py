"""Scrapy extensions of the mmkg crawl.

See https://docs.scrapy.org/en/latest/topics/extensions.html
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider, signals
from scrapy.core.downloader import Slot
from scrapy.crawler import Crawler
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.robotstxt import RobotParser

logger = logging.getLogger(__name__)


class RevalidatingAutoThrottle(AutoThrottle):
    """AutoThrottle that treats ``304 Not Modified`` as a success and keeps each site's
    robots.txt ``Crawl-delay`` as the floor of its delay.

    Stock AutoThrottle never lowers the delay on a non-200 response, and it sees the raw
    304 before the HTTP cache turns it into the cached 200. On a nightly revalidation run
    nearly every response is a 304, so one latency spike kept the crawl slow to the end.
    Scrapy parses ``Crawl-delay`` but never applies it; here it bounds the delay from below
    (up to ``ROBOTS_CRAWL_DELAY_MAX_S``), whatever the latency says.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.floors: dict[str, float] = {}  # download slot -> the site's Crawl-delay
        self.max_crawl_delay = crawler.settings.getfloat("ROBOTS_CRAWL_DELAY_MAX_S")
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT")
        crawler.signals.connect(self._robots_parsed, signal=signals.robots_parsed)

    def _robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        delay = robotparser.crawl_delay(self.user_agent)
        key = request.meta.get("download_slot") or self.crawler.engine.downloader.get_slot_key(request)
        if not delay or delay <= 0:
            return
        if delay > self.max_crawl_delay:
            logger.warning("robots.txt of %s asks for a %g s crawl delay; using %g s (ROBOTS_CRAWL_DELAY_MAX_S)",
                           key, delay, self.max_crawl_delay)
        self.floors[key] = min(delay, self.max_crawl_delay)
        if (slot := self.crawler.engine.downloader.slots.get(key)) is not None:
            _hold(slot, self.floors[key])

    def _adjust_delay(self, slot: Slot, latency: float, response: Response) -> None:
        """Return nothing; never raises (the delay stays within AUTOTHROTTLE_MAX_DELAY)."""
        if response.status == 304:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if slot is not None and key in self.floors:
            _hold(slot, self.floors[key])


def _hold(slot: Slot, floor: float) -> None:
    """At least ``floor`` seconds between the slot's requests: no jitter below it."""
    slot.delay = max(slot.delay, floor)
    slot.jitter = 0.0
