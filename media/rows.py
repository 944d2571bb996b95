"""The rows one movie's media produce: returned by the pipelines, merged and written by the caller."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from media.conditional import Origin


@dataclass
class MovieRows:
    """``media_assets`` / ``media_features`` rows, error rows and counters of one movie (never shared)."""

    movie_id: str
    build_id: str
    assets: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind -> row
    features: list[dict[str, Any]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # source URL -> reason
    computed: int = 0
    reused: int = 0
    not_modified: int = 0

    def asset(self, kind: str, url: str, sha: str | None, status: str = "ok", mime: str | None = None,
              width: int | None = None, height: int | None = None, duration_s: float | None = None,
              origin: Origin = Origin()) -> None:
        """One asset row; failures and audio tracks carry no validators, so they are refetched."""
        self.assets[kind] = {
            "movie_id": self.movie_id, "kind": kind, "source_url": url, "content_sha256": sha,
            "status": status, "mime": mime, "width": width, "height": height,
            "duration_s": duration_s, "build_id": self.build_id, **origin.columns(),
        }  # fmt: skip

    def unusable(self, kinds: tuple[str, ...], url: str, reason: str, status: str = "failed") -> None:
        """Record ``reason`` once for ``url``; each of ``kinds`` not already ok gets a failed/skipped row."""
        self.errors[url] = reason
        for kind in kinds:
            if self.assets.get(kind, {}).get("status") != "ok":
                self.asset(kind, url, None, status=status)
