"""What every per-asset pipeline of one run reads: config, stores, and earlier runs' results."""

from __future__ import annotations

from dataclasses import dataclass

from media.config import MediaConfig
from media.features import FeatureStore
from media.revalidation import Previous
from warehouse import BlobStore


@dataclass(frozen=True)
class RunContext:
    config: MediaConfig
    blobs: BlobStore
    build_id: str
    previous: Previous
    features: FeatureStore
