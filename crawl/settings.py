"""Scrapy settings for the mmkg crawl: safe defaults switched on, one line of why each.

``crawl.run_spider`` overrides the per-run values (feed, blob store, cache folder, limits).
See https://docs.scrapy.org/en/latest/topics/settings.html
"""

from mmkg import __version__

BOT_NAME = "mmkg"

SPIDER_MODULES = ["crawl.spiders"]
NEWSPIDER_MODULE = "crawl.spiders"

# Identify the crawler honestly so site owners can tell who is fetching.
USER_AGENT = f"mmkg/{__version__} (movie knowledge-graph builder)"

# Obey robots.txt rules, its Crawl-delay too (crawl.extensions), up to this many seconds between requests.
ROBOTSTXT_OBEY = True
ROBOTS_CRAWL_DELAY_MAX_S = 60.0

# Concurrency ceiling; AutoThrottle below decides the actual pace.
CONCURRENT_REQUESTS = 8
# Same ceiling per site: the crawl targets one site at a time.
CONCURRENT_REQUESTS_PER_DOMAIN = 8
# No fixed delay: AutoThrottle adapts it to the server's latency.
DOWNLOAD_DELAY = 0

# Adapt the request rate to the server's response times.
AUTOTHROTTLE_ENABLED = True
# Start at full speed: a loopback or healthy site answers in milliseconds.
AUTOTHROTTLE_START_DELAY = 0.0
# Back off at most this far when the server slows down.
AUTOTHROTTLE_MAX_DELAY = 10.0
# Average number of requests in flight to the site.
AUTOTHROTTLE_TARGET_CONCURRENCY = 8.0
# Stock AutoThrottle never speeds up on 304s; this one does, so revalidation runs stay fast.
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawl.extensions.RevalidatingAutoThrottle": 0,
}

# Refuse bodies above this size (pages, not media: media has its own stage).
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
# Log a warning above this size.
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# Give up on a request after this many seconds.
DOWNLOAD_TIMEOUT = 30

# Retry transient failures (timeouts, 5xx, 429) a couple of times before recording them.
RETRY_ENABLED = True
# Two retries: a third failure is reported, not hidden.
RETRY_TIMES = 2
# A 429/503 with Retry-After is retried after the time asked, up to this many seconds (longer: recorded).
RETRY_AFTER_MAX_S = 60.0

# Follow redirect chains, but stop a loop early; the loop is recorded as an error.
REDIRECT_MAX_TIMES = 10
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawl.middlewares.LoopDetectingRedirectMiddleware": 600,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawl.middlewares.RetryAfterMiddleware": 550,
}

# Hand every status to the spider so 404/500 become PageItems and error rows.
HTTPERROR_ALLOW_ALL = True

# Keep a local HTTP cache so nightly runs revalidate instead of refetching.
HTTPCACHE_ENABLED = True
# Honour Cache-Control and revalidate with If-None-Match / If-Modified-Since.
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
# Cache folder; run_spider points it into the workspace (work_dir/httpcache).
HTTPCACHE_DIR = "httpcache"
# Plain files: inspectable and safe to delete.
HTTPCACHE_STORAGE = "scrapy.extensions.httpcache.FilesystemCacheStorage"

# Cookies carry no meaning for public pages and would make responses user-specific.
COOKIES_ENABLED = False
# No remote console on a batch job.
TELNETCONSOLE_ENABLED = False
# No remote-control HTTP port either: nothing outside the process should steer a crawl.
REMOTE_CONTROL_ENABLED = False

# Only pipelines write: raw bytes to the blob store first, then every item to the feed.
ITEM_PIPELINES = {
    "crawl.pipelines.BlobStorePipeline": 100,
    "crawl.pipelines.JsonLinesFeedPipeline": 800,
}

# The request fingerprinter is the current one: Scrapy >= 2.12 has no older implementation to select.
# Twisted reactor: keep Scrapy's default (asyncio), required by async start() and pipelines.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Write feeds as UTF-8, not ASCII escapes.
FEED_EXPORT_ENCODING = "utf-8"
# INFO keeps the log short enough to read after a failed run.
LOG_LEVEL = "INFO"
