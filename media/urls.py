"""URL hygiene: only http(s), always percent-escaped, and never a file name from a URL.

Pages write URLs as humans type them (spaces, accents); ``urllib`` refuses those. Escaping
once, idempotently, and storing the escaped form keeps a re-run asking for the same URL.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote, urlsplit, urlunsplit

from media.errors import MediaError

# Characters that keep their meaning in a path / query; ``%`` keeps existing escapes intact.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


def escape_url(url: str) -> str:
    """``url`` with spaces and non-ASCII percent-escaped and the host IDNA-encoded (idempotent)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise MediaError(f"unsupported URL scheme: {url!r}")
    if not parts.hostname:
        raise MediaError(f"URL has no host: {url!r}")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise MediaError(f"URL host is not a valid domain name: {url!r}") from exc
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urlunsplit((
        parts.scheme, netloc, quote(parts.path, safe=_PATH_SAFE), quote(parts.query, safe=_QUERY_SAFE), "",
    ))  # fmt: skip


def work_folder_name(movie_id: str) -> str:
    """A folder name no id can turn into ``.``, ``..`` or a path: a hash of the id."""
    return hashlib.sha256(movie_id.encode()).hexdigest()[:24]
