"""A crawl frontier that many crawler processes share through Redis, with acknowledged requests.

Any number of ``movie_site`` spiders, on any machines, crawl one site as one crawl when they
point at the same Redis and frontier name: scrapy-redis's ``Scheduler`` keeps the request
queue there (a sorted set by priority) and its ``RFPDupeFilter`` the fingerprints of the
requests seen, so a page is scheduled once, whichever process found the link.

Stock scrapy-redis pops a request and forgets it, so a worker killed after the pop loses the
page: it is marked seen, and nobody schedules it again. Here a popped request is held until
it is acknowledged:

- ``pop`` moves the best request from ``requests`` to the worker's ``inflight:<worker>``
  sorted set in one Lua script, so a request is always in one of the two.
- ``ack`` removes it from there once Scrapy is done with it: its response or final failure
  went through the callback or errback, its items through the pipelines (the worker's feed
  is flushed item by item), and the requests it yielded are in ``requests``. A retry or a
  redirect of it acknowledges it as soon as the new request is scheduled.
- Each worker holds ``lease:<worker>``, a key with a time to live that it renews every third
  of it. A worker listed in ``workers`` without a lease is dead: any other worker moves its
  in-flight requests back to ``requests`` (past the dupefilter: they are seen already) and
  drops it from ``workers``, in one script, so two finders cannot both requeue them.
- A worker closes only when ``requests`` and every in-flight set are empty, read in one
  script; until then ``spider_idle`` keeps it open and it polls the queue.

So every page is fetched at least once; exactly once unless a worker dies (its unfinished
pages are fetched again) or stalls for longer than its lease (its pages may be fetched twice).
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from typing import Any

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawl.frontier_names import validate_name, validate_redis_url

logger = logging.getLogger(__name__)

TOKEN_META = "frontier_token"
# How often an idle worker asks the shared queue for work (Scrapy's own poll is every 5 s).
POLL_S = 0.5

_POP = """
local best = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #best == 0 then return false end
redis.call('ZREM', KEYS[1], best[1])
redis.call('ZADD', KEYS[2], best[2], best[1])
return best[1]
"""
# KEYS: requests, inflight:<w>, lease:<w>, workers; ARGV: w, 1 = only if its lease is gone.
_REQUEUE = """
if ARGV[2] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local held = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
for i = 1, #held, 2 do redis.call('ZADD', KEYS[1], held[i + 1], held[i]) end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[4], ARGV[1])
return #held / 2
"""
# KEYS: requests, workers; ARGV: the in-flight key prefix.
_PENDING = """
local n = redis.call('ZCARD', KEYS[1])
for _, w in ipairs(redis.call('SMEMBERS', KEYS[2])) do n = n + redis.call('ZCARD', ARGV[1] .. w) end
return n
"""


@dataclass(frozen=True)
class FrontierKeys:
    """The Redis keys of one frontier, all under ``mmkg:frontier:<name>:``."""

    name: str

    @property
    def prefix(self) -> str:
        return f"mmkg:frontier:{self.name}:"

    @property
    def requests(self) -> str:
        return self.prefix + "requests"

    @property
    def dupefilter(self) -> str:
        return self.prefix + "dupefilter"

    @property
    def workers(self) -> str:
        return self.prefix + "workers"

    @property
    def inflight_prefix(self) -> str:
        return self.prefix + "inflight:"

    def inflight(self, worker: str) -> str:
        return self.inflight_prefix + worker

    def lease(self, worker: str) -> str:
        return self.prefix + "lease:" + worker


class Frontier:
    """The Redis side of the acknowledged queue; every multi-key step is one Lua script."""

    def __init__(self, server: redis.Redis, name: str) -> None:
        self.server = server
        self.keys = FrontierKeys(validate_name(name))
        self._pop = server.register_script(_POP)
        self._requeue = server.register_script(_REQUEUE)
        self._pending = server.register_script(_PENDING)

    @classmethod
    def connect(cls, url: str, name: str) -> "Frontier":
        """A frontier on the Redis at ``url``; raise ConnectionError with the URL if it does not answer."""
        server = redis.Redis.from_url(validate_redis_url(url), socket_connect_timeout=10, socket_timeout=30)
        try:
            server.ping()
        except redis.RedisError as exc:
            raise ConnectionError(f"cannot reach the crawl frontier's Redis at {url}: {exc}") from exc
        return cls(server, name)

    def join(self, worker: str, lease_s: float) -> bool:
        """Take or renew ``worker``'s lease; True when it was not listed (new, or declared dead meanwhile)."""
        pipe = self.server.pipeline()
        pipe.set(self.keys.lease(worker), "1", px=int(lease_s * 1000))
        pipe.sadd(self.keys.workers, worker)
        return pipe.execute()[1] == 1

    def pop(self, worker: str) -> bytes | None:
        """The best queued request, now held in ``worker``'s in-flight set; None when the queue is empty."""
        return self._pop(keys=[self.keys.requests, self.keys.inflight(worker)])

    def ack(self, worker: str, data: bytes) -> None:
        self.server.zrem(self.keys.inflight(worker), data)

    def leave(self, worker: str) -> int:
        """Give ``worker``'s unfinished requests back to the queue and drop its lease; how many."""
        self.server.delete(self.keys.lease(worker))
        return self._requeue_of(worker, only_if_dead=False)

    def recover_dead(self, alive: str) -> int:
        """Requeue the in-flight requests of every listed worker whose lease expired; how many."""
        recovered = 0
        for member in self.server.smembers(self.keys.workers):
            worker = member.decode()
            if worker != alive and not self.holds_lease(worker):
                moved = self._requeue_of(worker, only_if_dead=True)
                if moved > 0:
                    logger.warning("frontier %s: worker %s lost its lease; %d of its requests requeued",
                                   self.keys.name, worker, moved)
                recovered += max(moved, 0)
        return recovered

    def pending(self) -> int:
        """Queued plus in-flight requests of all workers, read at one instant."""
        return int(self._pending(keys=[self.keys.requests, self.keys.workers], args=[self.keys.inflight_prefix]))

    def workers(self) -> set[str]:
        return {m.decode() for m in self.server.smembers(self.keys.workers)}

    def holds_lease(self, worker: str) -> bool:
        """True while ``worker`` renews its lease (it has neither left nor died)."""
        return bool(self.server.exists(self.keys.lease(worker)))

    def inflight(self, worker: str) -> list[bytes]:
        """The requests ``worker`` holds (serialized as scrapy-redis queues them)."""
        return list(self.server.zrange(self.keys.inflight(worker), 0, -1))

    def clear(self) -> int:
        """Delete every key of this frontier (a fresh crawl); how many."""
        keys = list(self.server.scan_iter(match=self.keys.prefix + "*", count=1000))
        return int(self.server.delete(*keys)) if keys else 0

    def _requeue_of(self, worker: str, only_if_dead: bool) -> int:
        keys = [self.keys.requests, self.keys.inflight(worker), self.keys.lease(worker), self.keys.workers]
        return int(self._requeue(keys=keys, args=[worker, "1" if only_if_dead else "0"]))


class AcknowledgingScheduler(Scheduler):
    """scrapy-redis's Scheduler whose pops are held in flight until acknowledged (see the module doc).

    Settings: ``MMKG_FRONTIER_NAME``, ``MMKG_FRONTIER_WORKER``, ``MMKG_FRONTIER_LEASE_S``, plus
    scrapy-redis's ``REDIS_URL``, ``SCHEDULER_QUEUE_KEY``, ``SCHEDULER_DUPEFILTER_KEY`` and
    ``SCHEDULER_PERSIST`` (``crawl.frontier_worker.frontier_settings`` sets them all).
    """

    crawler: Crawler
    frontier: Frontier
    worker: str
    lease_s: float

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "AcknowledgingScheduler":
        instance = super().from_crawler(crawler)
        settings = crawler.settings
        instance.crawler = crawler
        instance.frontier = Frontier(instance.server, settings.get("MMKG_FRONTIER_NAME"))
        instance.worker = validate_name(settings.get("MMKG_FRONTIER_WORKER"), "worker id")
        instance.lease_s = settings.getfloat("MMKG_FRONTIER_LEASE_S", 30.0)
        if instance.queue_key != instance.frontier.keys.requests:
            raise ValueError(f"SCHEDULER_QUEUE_KEY {instance.queue_key!r} is not the frontier's "
                             f"{instance.frontier.keys.requests!r}")
        instance._held = {}  # token -> the request's bytes in this worker's in-flight set
        instance._tokens = itertools.count()
        instance._ticker = task.LoopingCall(instance._tick)
        return instance

    def open(self, spider: Spider) -> None:
        super().open(spider)
        self.frontier.join(self.worker, self.lease_s)
        engine = self.crawler.engine
        # The engine asks its scheduler again only after a download or on its heartbeat; a
        # shared queue also fills while this worker downloads nothing, so poll it more often.
        engine._SLOT_HEARTBEAT_INTERVAL = POLL_S
        # The engine has no signal for "response fully handled": acknowledge when the
        # scraper's deferred for it fires (callback, pipelines and scheduling all done).
        scrape = engine.scraper.enqueue_scrape

        def enqueue_scrape(result: Any, request: Request) -> Any:
            return scrape(result, request).addBoth(self._acknowledged, request)

        engine.scraper.enqueue_scrape = enqueue_scrape
        self.crawler.signals.connect(self._on_request_scheduled, signal=signals.request_scheduled)
        self.crawler.signals.connect(self._on_idle, signal=signals.spider_idle)
        self._ticker.start(min(self.lease_s / 3, 5.0), now=False)

    def close(self, reason: str) -> None:
        if self._ticker.running:
            self._ticker.stop()
        requeued = self.frontier.leave(self.worker)
        if requeued:
            logger.info("frontier %s: %d unfinished requests given back", self.frontier.keys.name, requeued)
        super().close(reason)

    def next_request(self) -> Request | None:
        data = self.frontier.pop(self.worker)
        if data is None:
            return None
        request = self.queue._decode_request(data)
        token = f"{self.worker}:{next(self._tokens)}"
        request.meta[TOKEN_META] = token
        self._held[token] = data
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def _ack(self, token: str | None) -> None:
        data = self._held.pop(token, None) if token else None
        if data is not None:
            self.frontier.ack(self.worker, data)

    def _acknowledged(self, result: Any, request: Request) -> Any:
        self._ack(request.meta.get(TOKEN_META))
        return result

    def _on_request_scheduled(self, request: Request, spider: Spider) -> None:
        """A retry or redirect carries its original's token: acknowledge the original once the
        new request is queued (after this call) or was dropped by a scheduling check."""
        from twisted.internet import reactor  # the one Scrapy installed; importing it earlier would install another

        token = request.meta.get(TOKEN_META)
        if token in self._held:
            reactor.callLater(0, self._ack, token)

    def _on_idle(self, spider: Spider) -> None:
        """Stay open while any worker holds work or requests are queued."""
        if self._held:  # nothing is in progress here any more: these were never handed back
            logger.warning("frontier %s: %d held requests had no outcome; acknowledged", self.frontier.keys.name, len(self._held))
            if self.stats:
                self.stats.inc_value("frontier/acknowledged_when_idle", len(self._held))
            for token in list(self._held):
                self._ack(token)
        self._recover()
        if self.frontier.pending() > 0:
            raise DontCloseSpider("other workers still hold requests of the shared frontier")

    def _tick(self) -> None:
        if self.frontier.join(self.worker, self.lease_s):
            logger.warning("frontier %s: the lease of %s had expired; joined again", self.frontier.keys.name, self.worker)
            if self.stats:
                self.stats.inc_value("frontier/lease_lost")
        self._recover()

    def _recover(self) -> None:
        if (recovered := self.frontier.recover_dead(self.worker)) and self.stats:
            self.stats.inc_value("frontier/requeued_from_dead", recovered)
