"""crawl: fetch a movie site with Scrapy and load its pages, movies and texts into the warehouse."""

from crawl.stage import CrawlConfig, CrawlSummary, crawl_movie_site

__all__ = ["CrawlConfig", "CrawlSummary", "crawl_movie_site"]
