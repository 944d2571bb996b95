"""What earlier runs stored, so a re-run revalidates instead of refetching and recomputing.

Loaded once per run from the warehouse (see ``media.store``); the feature index grows as
this run computes features, so two movies sharing one audio track compute its log-mel once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from media.conditional import Origin
from warehouse import BlobStore


@dataclass(frozen=True)
class StoredAsset:
    """An ok asset of an earlier run, with the validators to revalidate it."""

    source_url: str
    content_sha256: str
    mime: str | None
    width: int | None
    height: int | None
    duration_s: float | None
    origin: Origin


@dataclass(frozen=True)
class KnownFeature:
    blob_sha256: str
    shape: str


@dataclass
class FeatureIndex:
    """(content hash, feature) -> stored array; thread-safe because workers add to it."""

    known: dict[tuple[str, str], KnownFeature] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def usable(self, blobs: BlobStore, sha: str, feature: str, shape: tuple[int, ...]) -> bool:
        """A stored array of exactly this shape whose blob still exists."""
        with self.lock:
            known = self.known.get((sha, feature))
        return known is not None and known.shape == "x".join(map(str, shape)) and blobs.has(known.blob_sha256)

    def add(self, sha: str, feature: str, blob_sha256: str, shape: str) -> None:
        with self.lock:
            self.known[(sha, feature)] = KnownFeature(blob_sha256, shape)


@dataclass
class Previous:
    """Earlier runs' ok assets by (movie, kind), their trailers' audio, and the feature index."""

    assets: dict[tuple[str, str], StoredAsset] = field(default_factory=dict)
    audio_of_trailer: dict[str, tuple[str, float]] = field(default_factory=dict)  # trailer sha -> (audio sha, s)
    features: FeatureIndex = field(default_factory=FeatureIndex)

    def asset(self, blobs: BlobStore, movie_id: str, kind: str, url: str) -> StoredAsset | None:
        """The earlier asset for this URL, if its bytes are still in the blob store."""
        stored = self.assets.get((movie_id, kind))
        if stored is None or stored.source_url != url or not blobs.has(stored.content_sha256):
            return None
        return stored
