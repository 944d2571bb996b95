"""Link-following rules per site, from ``site_rules.toml`` (built in) and a user's own file.

A URL is followed when it is on the crawled site, matches ``follow`` (or ``follow`` is
empty), matches no ``deny`` pattern and lies within ``max_depth`` hops; URLs matching
``detail`` are fetched before the rest, so a page budget is spent on film pages first;
``pagination`` links do not add a hop, so a listing of any length is read to its end.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BUILT_IN = Path(__file__).with_name("site_rules.toml")
KEYS = {"max_depth", "follow", "deny", "detail", "pagination"}


@dataclass(frozen=True)
class SiteRules:
    """The compiled rules of one site."""

    max_depth: int
    follow: tuple[re.Pattern[str], ...]
    deny: tuple[re.Pattern[str], ...]
    detail: tuple[re.Pattern[str], ...]
    pagination: tuple[re.Pattern[str], ...]

    def allows(self, url: str, depth: int) -> bool:
        target = _path_and_query(url)
        if depth > self.max_depth or any(p.search(target) for p in self.deny):
            return False
        return not self.follow or any(p.search(target) for p in self.follow)

    def is_detail(self, url: str) -> bool:
        target = _path_and_query(url)
        return any(p.search(target) for p in self.detail)

    def is_pagination(self, url: str) -> bool:
        target = _path_and_query(url)
        return any(p.search(target) for p in self.pagination)


@dataclass(frozen=True)
class RuleBook:
    """The default rules and per-site overrides (raw TOML tables)."""

    default: dict[str, Any]
    sites: dict[str, dict[str, Any]]

    def for_site(self, host: str) -> SiteRules:
        return _compile({**self.default, **self.sites.get(host, {})}, host)


def load_site_rules(extra: Path | None = None) -> RuleBook:
    """The built-in rules with ``extra`` on top; ``ValueError`` names a bad key or pattern."""
    book = _read(BUILT_IN)
    if extra is not None:
        try:
            user = _read(Path(extra))
        except OSError as exc:
            raise ValueError(f"cannot read site rules {extra}: {exc.strerror}") from exc
        book = RuleBook({**book.default, **user.default}, {**book.sites, **user.sites})
    book.for_site("")
    for host in book.sites:
        book.for_site(host)
    return book


@lru_cache(maxsize=8)
def _read_cached(path: Path, mtime: float) -> RuleBook:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"site rules {path} are not valid TOML: {exc}") from exc
    sites = data.get("sites", {})
    for table in [data.get("default", {}), *sites.values()]:
        if unknown := set(table) - KEYS:
            raise ValueError(f"site rules {path}: unknown keys {sorted(unknown)} (known: {sorted(KEYS)})")
    return RuleBook(data.get("default", {}), sites)


def _read(path: Path) -> RuleBook:
    return _read_cached(path, path.stat().st_mtime)


def _compile(table: dict[str, Any], host: str) -> SiteRules:
    def patterns(key: str) -> tuple[re.Pattern[str], ...]:
        try:
            return tuple(re.compile(p) for p in table.get(key, []))
        except re.error as exc:
            raise ValueError(f"site rules for {host or 'default'}: bad {key} pattern {exc.pattern!r}: {exc}") from exc

    depth = table.get("max_depth", 8)
    if not isinstance(depth, int) or depth < 0:
        raise ValueError(f"site rules for {host or 'default'}: max_depth must be an integer >= 0, got {depth!r}")
    return SiteRules(depth, patterns("follow"), patterns("deny"), patterns("detail"), patterns("pagination"))


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def host_of(url: str) -> str:
    """``host`` or ``host:port``, as site rules name a site."""
    return urlsplit(url).netloc.lower()
