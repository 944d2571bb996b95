"""Conditional HTTP GETs: a re-run asks "changed since?" and unchanged media cost a 304.

The validators a server sent with an asset (``ETag``, ``Last-Modified``) are stored with it;
sending them back as ``If-None-Match`` / ``If-Modified-Since`` lets the server answer
``304 Not Modified`` with no body, so nothing is downloaded or featurised again.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit

from media.errors import MediaError

HTTP_TIMEOUT_S = 30
USER_AGENT = "mmkg-media/0.1"


@dataclass(frozen=True)
class Validators:
    """A response's cache validators; empty when the server sent none (then every GET is full)."""

    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def from_headers(cls, headers: Message) -> "Validators":
        return cls(etag=headers.get("ETag") or None, last_modified=headers.get("Last-Modified") or None)

    def request_headers(self) -> dict[str, str]:
        """``If-None-Match`` / ``If-Modified-Since``: what lets the server answer 304 instead of the body."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class Fetched:
    """A full (200) response: the final URL after redirects, its body and its validators."""

    url: str
    body: bytes
    validators: Validators


def require_http_url(url: str) -> None:
    """Refuse file://, ftp:// and friends: a hostile page must not make us read local files."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise MediaError(f"unsupported URL scheme: {url!r}")


def conditional_get(url: str, max_bytes: int, validators: Validators = Validators()) -> Fetched | None:
    """GET ``url``; ``None`` when the server says it is unchanged since ``validators`` (304).

    With empty validators this is a plain GET. A body larger than ``max_bytes`` is refused,
    not truncated; any other failure raises ``MediaError`` naming the cause.
    """
    require_http_url(url)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **validators.request_headers()})
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:
            body = response.read(max_bytes + 1)
            final_url, headers = response.url, response.headers
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 304:
            return None
        raise MediaError(f"http {exc.code}: {exc.reason}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise MediaError(f"http: {getattr(exc, 'reason', exc)}") from exc
    if len(body) > max_bytes:
        raise MediaError(f"download exceeds max_download_bytes={max_bytes}")
    if not body:
        raise MediaError("http: empty response body")
    return Fetched(url=final_url, body=body, validators=Validators.from_headers(headers))


@dataclass(frozen=True)
class Origin:
    """Where an asset's bytes came from, and what a re-run sends to ask whether they changed."""

    media_url: str | None = None
    validators: Validators = Validators()
    page_validators: Validators = Validators()  # trailers: the page that embeds the video

    def columns(self) -> dict[str, str | None]:
        """The ``media_assets`` columns that store this origin."""
        return {
            "media_url": self.media_url,
            "etag": self.validators.etag,
            "last_modified": self.validators.last_modified,
            "page_etag": self.page_validators.etag,
            "page_last_modified": self.page_validators.last_modified,
        }
