"""What turns one ``crawl.run_spider`` process into a worker of a shared Redis frontier.

``frontier_settings`` swaps in the acknowledging scheduler (``crawl.redis_frontier``) and
scrapy-redis's dupefilter, makes the feed durable item by item (an acknowledged page's items
must survive a kill of its worker), and holds the start requests until the expected number
of workers has joined, so that a worker that starts late still gets a share.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from scrapy.crawler import Crawler

from crawl.pipelines import JsonLinesFeedPipeline
from crawl.redis_frontier import POLL_S, Frontier, FrontierKeys

logger = logging.getLogger(__name__)


FEED_PIPELINE = "crawl.pipelines.JsonLinesFeedPipeline"


def frontier_settings(
    redis_url: str, name: str, worker: str, lease_s: float, quorum: int, quorum_timeout_s: float,
    pipelines: dict[str, int],
) -> dict[str, Any]:
    """Scrapy settings (scrapy-redis's names, plus ``MMKG_FRONTIER_*``) for one worker;
    ``pipelines`` are the project's, whose feed pipeline becomes the durable one."""
    keys = FrontierKeys(name)
    order = pipelines.get(FEED_PIPELINE, 800)
    return {
        "SCHEDULER": "crawl.redis_frontier.AcknowledgingScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        # The queue and seen-set outlive each worker; the coordinator clears them.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
        "REDIS_URL": redis_url,
        "MMKG_FRONTIER_NAME": name,
        "MMKG_FRONTIER_WORKER": worker,
        "MMKG_FRONTIER_LEASE_S": lease_s,
        "MMKG_FRONTIER_QUORUM": quorum,
        "MMKG_FRONTIER_QUORUM_TIMEOUT_S": quorum_timeout_s,
        "ITEM_PIPELINES": {**pipelines, FEED_PIPELINE: None, "crawl.frontier_worker.DurableFeedPipeline": order},
        "SPIDER_MIDDLEWARES": {"crawl.frontier_worker.QuorumStartMiddleware": 10},
    }


class DurableFeedPipeline(JsonLinesFeedPipeline):
    """The JSON-lines feed, flushed after every item: a page is acknowledged only after its items."""

    def process_item(self, item: Any) -> Any:
        item = super().process_item(item)
        assert self._handle is not None
        self._handle.flush()
        return item


class QuorumStartMiddleware:
    """Hold the spider's start requests until ``MMKG_FRONTIER_QUORUM`` workers have joined
    (or ``MMKG_FRONTIER_QUORUM_TIMEOUT_S`` passed), so the first worker does not crawl alone."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.quorum = settings.getint("MMKG_FRONTIER_QUORUM", 1)
        self.timeout_s = settings.getfloat("MMKG_FRONTIER_QUORUM_TIMEOUT_S", 60.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "QuorumStartMiddleware":
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        frontier: Frontier = self.crawler.engine.scheduler.frontier
        deadline = time.monotonic() + self.timeout_s
        while len(frontier.workers()) < self.quorum and time.monotonic() < deadline:
            await asyncio.sleep(POLL_S / 5)
        joined = len(frontier.workers())
        if joined < self.quorum:
            logger.warning("frontier %s: %d of %d workers joined within %.0f s; starting anyway",
                           frontier.keys.name, joined, self.quorum, self.timeout_s)
        async for request in start:
            yield request
