"""Trailer MP4s made by ffmpeg: a pan over the poster, with audio and motion chosen by genre.

One film in ten also gets its trailer as an HLS stream (``is_streamed``), which its trailer
page plays instead of the MP4, as many real players do. The poster already carries the genres' palette and texture; the trailer adds motion by genre
(fast back-and-forth pans for action-like genres, one slow pan for quiet ones) and a
soundtrack chosen by the primary genre, so the video and audio modalities are correlated with
taste exactly as much as the genres are. Bit-exact flags, one encoder thread and no metadata
make the bytes reproducible.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import soundfile

from demo_site.posters import primary_genre
from demo_site.seeded import seeded_int

TRAILER_SIZE = (160, 120)
TRAILER_FPS = 10
# Soundtrack i of the sorted clips goes to genre i here: the most frequent genres come first,
# so they get clips of their own when there are fewer clips than genres.
SOUNDTRACK_ORDER = (
    "Drama", "Comedy", "Action", "Thriller", "Romance", "Adventure", "Crime", "Sci-Fi", "Horror", "Fantasy",
    "Children", "Animation", "Mystery", "Documentary", "War", "Musical", "Western", "Film-Noir", "IMAX",
)  # fmt: skip
# Pan cycles over a trailer (top -> bottom -> top is one cycle); genres not listed pan once down.
PAN_CYCLES = {"Action": 3.0, "Thriller": 2.5, "War": 2.5, "Adventure": 2.0, "Sci-Fi": 2.0, "Horror": 1.5,
              "Animation": 1.5, "Children": 1.5, "Comedy": 1.0, "Drama": 0.5, "Romance": 0.5, "Documentary": 0.5}


@dataclass(frozen=True)
class TrailerJob:
    """Everything ffmpeg needs for one trailer."""

    poster: Path
    audio: Path
    audio_offset: float
    seconds: float
    out_path: Path
    pan_cycles: float = 0.5
    stream_playlist: Path | None = None  # also serve the trailer as HLS at this playlist


def is_streamed(movie_id: str) -> bool:
    """One film in ten has its trailer page play an HLS stream, as many video players do."""
    return seeded_int(0, "hls-trailer", movie_id) % 10 == 0


def plan_trailer(
    movie_id: str, poster: Path, audio_files: list[Path], seed: int, seconds: float, out_path: Path,
    genres: tuple[str, ...] = (), stream_playlist: Path | None = None,
) -> TrailerJob:
    """The movie's audio clip (by primary genre; seeded without one), offset (seeded) and motion (by genre)."""
    primary = primary_genre(genres)
    pick = SOUNDTRACK_ORDER.index(primary) if primary else seeded_int(seed, "audio", movie_id)
    audio = audio_files[pick % len(audio_files)]
    spare_tenths = int(max(0.0, audio_duration(audio) - seconds) * 10)
    offset = (seeded_int(seed, "offset", movie_id) % (spare_tenths + 1)) / 10
    cycles = max((PAN_CYCLES.get(g, 0.5) for g in genres), default=0.5)
    return TrailerJob(poster, audio, offset, seconds, out_path, cycles, stream_playlist)


@lru_cache(maxsize=64)
def audio_duration(path: Path) -> float:
    return float(soundfile.info(str(path)).duration)


def make_trailer(job: TrailerJob) -> None:
    """Encode one trailer (H.264 + AAC, faststart); raises CalledProcessError on failure."""
    width, height = TRAILER_SIZE
    seconds = f"{job.seconds:.3f}"
    # Scale the 2:3 poster to the trailer width and move a 4:3 window up and down it,
    # ``pan_cycles`` times over the trailer (0.5: once from top to bottom).
    phase = f"2*PI*{job.pan_cycles:.3f}*t/{job.seconds:.3f}"
    video_filter = (
        f"[0:v]scale={width}:-2,crop={width}:{height}:0:'(ih-{height})*(1-cos({phase}))/2',"
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
    if job.stream_playlist is not None:
        _segment(job.out_path, job.stream_playlist)


def _segment(video: Path, playlist: Path) -> None:
    """The same trailer as a VOD HLS stream (segments copied, not re-encoded; reproducible bytes)."""
    playlist.parent.mkdir(parents=True, exist_ok=True)
    command = [
        "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(video), "-c", "copy",
        "-fflags", "+bitexact", "-map_metadata", "-1", "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod",
        "-hls_segment_filename", str(playlist.parent / "segment%d.ts"), str(playlist),
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=120)
