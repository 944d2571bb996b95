"""Cache validators: what lets a re-run ask "changed since?" and pay a 304 for unchanged media.

The validators a server sent with an asset (``ETag``, ``Last-Modified``) are stored with it;
sending them back as ``If-None-Match`` / ``If-Modified-Since`` lets the server answer
``304 Not Modified`` with no body, so nothing is downloaded or featurised again.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message


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
class Origin:
    """Where an asset's bytes came from, and what a re-run sends to ask whether they changed."""

    media_url: str | None = None  # escaped, so a re-run requests exactly the same URL
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
