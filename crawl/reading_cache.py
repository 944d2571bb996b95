"""Page readings cached by content: an unchanged page is never parsed twice.

The key is the sha256 of the page URL and its bytes; the cache folder is named after the
code that reads pages, so a new reader version reads every page afresh.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from crawl.items import AttributeItem, DocumentItem, MovieItem
from crawl.page_reader import PageReading

CRAWL_DIR = Path(__file__).resolve().parent
READER_FILES = tuple(CRAWL_DIR / f"{module}.py" for module in (
    "page_charset", "page_reader", "schema_org", "work_record", "opengraph", "app_state", "html_facts", "page_media", "main_text",
    "wiki_article", "wiki_export", "wikitext", "values", "identity", "fields", "fact_labels", "urls", "items",
)) + (CRAWL_DIR / "fact_labels.toml", CRAWL_DIR.parent / "mmkg" / "place_names.py")


@lru_cache(maxsize=1)
def reader_version() -> str:
    """sha256 (16 hex) of the modules and tables that turn a page into a reading."""
    digest = hashlib.sha256()
    for path in READER_FILES:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class ReadingCache:
    """JSON files under ``root/<reader version>/<2 hex>/<key>.json``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root) / reader_version()

    @staticmethod
    def key(url: str, body: bytes) -> str:
        return hashlib.sha256(url.encode() + b"\0" + body).hexdigest()

    def get(self, key: str) -> PageReading | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return PageReading(
            kind=data["kind"],
            movie=MovieItem(**data["movie"]) if data["movie"] else None,
            attributes=[AttributeItem(**a) for a in data["attributes"]],
            documents=[DocumentItem(**d) for d in data["documents"]],
            problems=data["problems"],
            skips=[tuple(s) for s in data["skips"]],
            links=data["links"],
        )

    def put(self, key: str, reading: PageReading) -> None:
        """Write atomically (temp file + rename), so a killed crawl leaves no half file."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(f".{os.getpid()}.tmp")
        temp.write_text(json.dumps(dataclasses.asdict(reading), ensure_ascii=False), encoding="utf-8")
        temp.replace(path)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"
