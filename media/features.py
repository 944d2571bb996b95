"""Feature arrays keyed by asset content hash: computed once, reused while their shape matches.

The extractor names are versioned: a change in what a feature means (poster padding instead
of cropping, seek-based keyframes, a silence floor) bumps the version, so stale arrays are
never reused and the export picks the newest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from media.arrays import shape_text, to_npy_bytes
from media.revalidation import FeatureIndex
from media.rows import MovieRows
from warehouse import BlobStore

EXTRACTORS = {
    "keyframes": "ffmpeg-keyframes-v2",
    "logmel": "librosa-logmel-v2",
    "poster": "pillow-poster-v2",
}


@dataclass(frozen=True)
class FeatureStore:
    """Where features go and what is already there; ``refresh`` recomputes regardless."""

    blobs: BlobStore
    index: FeatureIndex
    build_id: str
    refresh: bool = False

    def usable(self, sha: str, feature: str, shape: tuple[int, ...]) -> bool:
        return not self.refresh and self.index.usable(self.blobs, sha, feature, shape)

    def ensure(self, rows: MovieRows, sha: str, feature: str, shape: tuple[int, ...],
               compute: Callable[[], np.ndarray]) -> None:
        """Compute and store a feature unless one of the same shape exists for this content."""
        if self.usable(sha, feature, shape):
            rows.reused += 1
            return
        array = compute()
        if array.shape != shape:
            raise ValueError(f"{feature} has shape {array.shape}, expected {shape}")
        blob = self.blobs.put(to_npy_bytes(array))
        rows.features.append({
            "content_sha256": sha, "feature": feature, "extractor": EXTRACTORS[feature],
            "blob_sha256": blob, "shape": shape_text(array), "dtype": str(array.dtype), "build_id": self.build_id,
        })  # fmt: skip
        self.index.add(sha, feature, blob, shape_text(array))
        rows.computed += 1
