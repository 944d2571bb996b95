"""The media stage's typed config and summary, kept apart so callers need no heavy imports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from media.budget import Budget

KINDS = ("trailer", "poster", "audio")


@dataclass(frozen=True)
class MediaConfig:
    """What to fetch, within which limits, and how to featurise it.

    Feature shapes default to what the design's encoders take: 16 keyframes of 112x112 (a 3D
    CNN's input), 224x224 posters, 30 s mono 22,050 Hz clips as 128-bin log-mels. Every limit
    is per asset: ``asset_seconds`` of wall time for all its fetches and decodes together, and
    byte caps on what may be streamed (trailers: an ordinary 1080p trailer is 100-300 MB).
    """

    work_dir: Path
    kinds: tuple[str, ...] = KINDS
    frames: int = 16
    frame_size: int = 112
    poster_size: int = 224
    sample_rate: int = 22050
    clip_seconds: float = 30.0
    n_mels: int = 128
    hop_length: int = 512
    max_trailer_bytes: int = 500_000_000
    max_poster_bytes: int = 40_000_000
    max_page_bytes: int = 5_000_000
    asset_seconds: float = 120.0
    decoder_bytes: int = 4_000_000_000  # address space of each ffmpeg child (1080p decodes in well under it)
    http_timeout_s: float = 30.0
    honour_opt_out: bool = True
    allowed_hosts: tuple[str, ...] = ()  # media hosts (CDNs) of the sites crawled; empty: any host
    workers: int = 2
    refresh: bool = False

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown media kinds {sorted(unknown)}; choose from {KINDS}")
        if "audio" in self.kinds and "trailer" not in self.kinds:
            raise ValueError("audio comes from the trailer's track: kinds with 'audio' need 'trailer'")
        positive = {
            "frames": self.frames, "frame_size": self.frame_size, "poster_size": self.poster_size,
            "sample_rate": self.sample_rate, "clip_seconds": self.clip_seconds, "n_mels": self.n_mels,
            "hop_length": self.hop_length, "max_trailer_bytes": self.max_trailer_bytes,
            "max_poster_bytes": self.max_poster_bytes, "max_page_bytes": self.max_page_bytes,
            "asset_seconds": self.asset_seconds, "decoder_bytes": self.decoder_bytes, "http_timeout_s": self.http_timeout_s, "workers": self.workers,
        }  # fmt: skip
        bad = {name: value for name, value in positive.items() if not value > 0}
        if bad:
            raise ValueError(f"media config values must be > 0: {bad}")

    def budget(self) -> Budget:
        """A fresh budget for one asset."""
        return Budget(self.asset_seconds, self.decoder_bytes)

    @property
    def mel_frames(self) -> int:
        """Log-mel frames of one clip: ``clip_seconds`` at ``hop_length`` (librosa centres frames)."""
        return int(self.clip_seconds * self.sample_rate) // self.hop_length + 1


@dataclass(frozen=True)
class MediaSummary:
    """Counts of one media run: ``assets[kind][status]``, coverage, downloads avoided, feature work.

    ``coverage[kind]`` is ok / attempted (skips for opt-outs are not attempts); build-level
    gates read it, and the stage itself raises when an enabled kind has none ok.
    """

    assets: dict[str, dict[str, int]] = field(default_factory=dict)
    coverage: dict[str, float] = field(default_factory=dict)
    features_computed: int = 0
    features_reused: int = 0
    assets_not_modified: int = 0  # trailers and posters a conditional GET found unchanged (304)
    errors: int = 0
    seconds: float = 0.0
