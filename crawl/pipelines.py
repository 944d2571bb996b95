"""Item pipelines: the only place the crawl writes anything.

``BlobStorePipeline`` puts raw page bytes into the content-addressed blob store;
``JsonLinesFeedPipeline`` appends every item as one JSON line for the bulk loader.
See https://docs.scrapy.org/en/latest/topics/item-pipeline.html
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import IO, Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawl.items import ITEM_TYPES, PageItem
from warehouse.blobs import BlobStore


class BlobStorePipeline:
    """Store each ``PageItem.body`` under its sha256 (stored once however often it is seen)."""

    def __init__(self, blobs_dir: Path) -> None:
        self.blobs = BlobStore(blobs_dir)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "BlobStorePipeline":
        """Raise ``NotConfigured`` (pipeline disabled) when ``MMKG_BLOBS_DIR`` is unset."""
        blobs_dir = crawler.settings.get("MMKG_BLOBS_DIR")
        if not blobs_dir:
            raise NotConfigured("MMKG_BLOBS_DIR is not set")
        return cls(Path(blobs_dir))

    def process_item(self, item: Any) -> Any:
        """Return the item unchanged; raise ``ValueError`` if the bytes do not match their hash."""
        if isinstance(item, PageItem):
            stored = self.blobs.put(item.body)
            if stored != item.content_sha256:
                raise ValueError(f"{item.url}: body hashes to {stored}, item says {item.content_sha256}")
        return item


class JsonLinesFeedPipeline:
    """Append items to one JSONL file, tagged with ``item_type``; fields marked ``feed=False`` stay out."""

    def __init__(self, feed_path: Path) -> None:
        self.feed_path = feed_path
        self._handle: IO[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "JsonLinesFeedPipeline":
        """Raise ``NotConfigured`` (pipeline disabled) when ``MMKG_FEED_PATH`` is unset."""
        feed_path = crawler.settings.get("MMKG_FEED_PATH")
        if not feed_path:
            raise NotConfigured("MMKG_FEED_PATH is not set")
        return cls(Path(feed_path))

    def open_spider(self) -> None:
        """Open the feed for appending; may raise ``OSError``, which stops the crawl at once."""
        self.feed_path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = self.feed_path.open("a", encoding="utf-8")

    def close_spider(self) -> None:
        """Flush and close the feed; returns nothing."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def process_item(self, item: Any) -> Any:
        """Return the item after writing it; raise ``TypeError`` for an item type the loader does not know."""
        item_type = ITEM_TYPES.get(type(item))
        if item_type is None:
            raise TypeError(f"unknown item type {type(item).__name__}")
        assert self._handle is not None, "open_spider was not called"
        record = {"item_type": item_type, **feed_fields(item)}
        self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        return item


def feed_fields(item: Any) -> dict[str, Any]:
    """The item's dataclass fields, minus those marked ``metadata={"feed": False}``."""
    return {
        f.name: getattr(item, f.name)
        for f in dataclasses.fields(item)
        if f.metadata.get("feed", True)
    }
