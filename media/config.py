"""The media stage's typed config and summary, kept apart so callers need no heavy imports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class MediaConfig:
    """What to fetch and how to featurise it; small defaults keep a demo build fast.

    A 3D CNN as the design describes it wants ``frames=16, frame_size=112``.
    """

    work_dir: Path
    frames: int = 8
    frame_size: int = 64
    sample_rate: int = 16000
    n_mels: int = 64
    mel_frames: int = 128
    poster_size: int = 64
    max_download_bytes: int = 50_000_000
    workers: int = 2
    refresh: bool = False


@dataclass(frozen=True)
class MediaSummary:
    """Counts of one media run: ``assets[kind][status]``, downloads avoided, feature work done or skipped."""

    assets: dict[str, dict[str, int]] = field(default_factory=dict)
    features_computed: int = 0
    features_reused: int = 0
    assets_not_modified: int = 0  # trailers and posters a conditional GET found unchanged (304)
    errors: int = 0
    seconds: float = 0.0
