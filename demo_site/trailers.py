"""Trailer MP4s made by ffmpeg: a slow pan down the poster over a seeded audio excerpt.

The pan makes every frame different (a real video for keyframe features); bit-exact flags,
one encoder thread and no metadata make the bytes reproducible.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import soundfile

from demo_site.seeded import seeded_int

TRAILER_SIZE = (160, 120)
TRAILER_FPS = 10


@dataclass(frozen=True)
class TrailerJob:
    """Everything ffmpeg needs for one trailer."""

    poster: Path
    audio: Path
    audio_offset: float
    seconds: float
    out_path: Path


def plan_trailer(
    movie_id: str, poster: Path, audio_files: list[Path], seed: int, seconds: float, out_path: Path
) -> TrailerJob:
    """Pick the movie's audio clip and offset (seeded, within the clip's length)."""
    audio = audio_files[seeded_int(seed, "audio", movie_id) % len(audio_files)]
    spare_tenths = int(max(0.0, audio_duration(audio) - seconds) * 10)
    offset = (seeded_int(seed, "offset", movie_id) % (spare_tenths + 1)) / 10
    return TrailerJob(poster, audio, offset, seconds, out_path)


@lru_cache(maxsize=64)
def audio_duration(path: Path) -> float:
    return float(soundfile.info(str(path)).duration)


def make_trailer(job: TrailerJob) -> None:
    """Encode one trailer (H.264 + AAC, faststart); raises CalledProcessError on failure."""
    width, height = TRAILER_SIZE
    seconds = f"{job.seconds:.3f}"
    # Scale the 2:3 poster to the trailer width and move a 4:3 window from top to bottom.
    video_filter = (
        f"[0:v]scale={width}:-2,crop={width}:{height}:0:'(ih-{height})*t/{job.seconds:.3f}',"
        f"fps={TRAILER_FPS},format=yuv420p[v]"
    )
    job.out_path.parent.mkdir(parents=True, exist_ok=True)
    command = [
        "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
        "-loop", "1", "-framerate", str(TRAILER_FPS), "-t", seconds, "-i", str(job.poster),
        "-stream_loop", "-1", "-ss", f"{job.audio_offset:.1f}", "-i", str(job.audio),
        "-filter_complex", video_filter, "-map", "[v]", "-map", "1:a:0",
        "-t", seconds,
        "-c:v", "libx264", "-preset", "ultrafast", "-threads", "1", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "48k", "-ac", "1", "-ar", "22050",
        "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
        "-map_metadata", "-1", "-movflags", "+faststart",
        str(job.out_path),
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=120)
