"""Names and URLs of a shared crawl frontier, checked without importing Scrapy or Redis.

The crawl stage validates its config with these before any work; a process that never
crawls on a frontier never loads the frontier's modules.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
from urllib.parse import urlsplit

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
REDIS_SCHEMES = ("redis", "rediss", "unix")
# Merged frontier stats name each worker's responses ``<prefix><worker id>``.
WORKER_STAT_PREFIX = "mmkg/frontier/pages/"


def validate_redis_url(url: str) -> str:
    """Return ``url`` if it names a Redis server (redis://host:port/db, rediss://, unix://path), else raise ValueError."""
    parts = urlsplit(url or "")
    if parts.scheme not in REDIS_SCHEMES:
        raise ValueError(f"frontier must be a redis://host:port/db URL (or rediss://, unix://), got {url!r}")
    if parts.scheme == "unix":
        if not parts.path:
            raise ValueError(f"unix frontier URL needs a socket path, got {url!r}")
        return url
    if not parts.hostname:
        raise ValueError(f"frontier URL has no host: {url!r}")
    try:
        parts.port
    except ValueError as exc:
        raise ValueError(f"frontier URL has a bad port: {url!r}") from exc
    if parts.path.strip("/") and not parts.path.strip("/").isdigit():
        raise ValueError(f"frontier URL database must be a number (redis://host:port/0), got {url!r}")
    return url


def validate_name(name: str, what: str = "frontier name") -> str:
    """Names become Redis keys and file names: letters, digits, ``_.-``, up to 100."""
    if not NAME_RE.match(name or ""):
        raise ValueError(f"{what} must be letters, digits, '_', '.', '-' (up to 100), got {name!r}")
    return name


def new_worker_id() -> str:
    """Unique across machines: host, process id and a random suffix."""
    host = re.sub(r"[^A-Za-z0-9_.-]", "-", socket.gethostname())[:40] or "host"
    return f"{host}-{os.getpid()}-{secrets.token_hex(2)}"
