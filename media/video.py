"""ffmpeg work on trailers: validate by probing, sample keyframes, pull out the audio track.

Every call goes through ffmpeg-python, which runs ffmpeg/ffprobe with argument lists
(no shell), and reads frames as raw RGB from stdout so no image files touch the disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import ffmpeg
import numpy as np

from media.errors import MediaError

_LOG_PREFIX = re.compile(r"^\[[^\]]+ @ 0x[0-9a-f]+\]\s*")
QUIET = ("-nostdin", "-hide_banner", "-loglevel", "error")


@dataclass(frozen=True)
class VideoInfo:
    """What probing learned about a trailer file."""

    codec: str
    width: int
    height: int
    duration_s: float
    has_audio: bool


def ffmpeg_reason(tool: str, exc: ffmpeg.Error) -> str:
    """Turn ffmpeg's stderr into one specific line, e.g. ``ffprobe: moov atom not found``."""
    lines = [_LOG_PREFIX.sub("", line).strip() for line in (exc.stderr or b"").decode(errors="replace").splitlines()]
    lines = [line for line in lines if line]
    # Decoder noise often comes first; the demuxer's "partial file" names the real cause.
    truncated = [line for line in lines if "partial file" in line]
    return f"{tool}: {(truncated or lines or ['failed without a message'])[0]}"


def probe_video(path: Path) -> VideoInfo:
    """Check the file is a decodable video with a duration; raise ``MediaError`` otherwise."""
    try:
        probe = ffmpeg.probe(str(path), v="error")
    except ffmpeg.Error as exc:
        raise MediaError(ffmpeg_reason("ffprobe", exc)) from exc
    streams = probe.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    if video is None:
        raise MediaError("ffprobe: no video stream")
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if width <= 0 or height <= 0:
        raise MediaError(f"ffprobe: video stream has no frame size ({width}x{height})")
    duration = float(probe.get("format", {}).get("duration") or video.get("duration") or 0.0)
    if duration <= 0:
        raise MediaError("ffprobe: no duration")
    return VideoInfo(
        codec=str(video.get("codec_name", "unknown")),
        width=width,
        height=height,
        duration_s=duration,
        has_audio=any(s.get("codec_type") == "audio" for s in streams),
    )


def keyframe_times(duration_s: float, frames: int) -> list[float]:
    """Centres of ``frames`` equal slices of the clip: uniform, and never the very first frame."""
    step = duration_s / frames
    return [step * (i + 0.5) for i in range(frames)]


def extract_keyframes(path: Path, info: VideoInfo, frames: int, size: int) -> np.ndarray:
    """Uniformly sampled frames as uint8 ``[frames, size, size, 3]`` RGB, in ONE ffmpeg call.

    The ``select`` filter keeps the first frame at or after each of the ``keyframe_times``
    (what a seek to that time returns); scale-to-cover plus centre crop keeps the aspect ratio.
    """
    times = keyframe_times(info.duration_s, frames)
    first, step = times[0], info.duration_s / frames
    rel = "(t-start_t)"
    prev = "(prev_selected_t-start_t)"
    keep = (
        f"gte({rel},{first:.6f})*(isnan(prev_selected_t)"
        f"+gte(floor(({rel}-{first:.6f})/{step:.6f})-floor(({prev}-{first:.6f})/{step:.6f}),1))"
    )
    raw = _run(
        "ffmpeg keyframes",
        ffmpeg.input(str(path))
        .filter("select", keep)
        .filter("scale", size, size, force_original_aspect_ratio="increase")
        .filter("crop", size, size)
        .output("pipe:", format="rawvideo", pix_fmt="rgb24", vframes=frames, fps_mode="passthrough"),
    )
    return _frames_from_raw(raw, frames, size)


def extract_keyframe_at(path: Path, time_s: float, size: int) -> np.ndarray:
    """One frame at ``time_s`` (one ffmpeg call per frame): the slow reference the benchmark uses."""
    raw = _run(
        "ffmpeg keyframe",
        ffmpeg.input(str(path), ss=f"{time_s:.6f}")
        .filter("scale", size, size, force_original_aspect_ratio="increase")
        .filter("crop", size, size)
        .output("pipe:", format="rawvideo", pix_fmt="rgb24", vframes=1),
    )
    return _frames_from_raw(raw, 1, size)[0]


def _run(tool: str, stream: ffmpeg.nodes.OutputStream) -> bytes:
    """Run quietly and return stdout; any error ffmpeg logs fails the asset.

    A truncated file whose index sits at the front (``+faststart``) probes fine and ffmpeg
    exits 0 on it, only logging ``partial file``; stopping here keeps such files out.
    """
    try:
        out, err = stream.global_args(*QUIET).run(capture_stdout=True, capture_stderr=True)
    except ffmpeg.Error as exc:
        raise MediaError(ffmpeg_reason(tool, exc)) from exc
    if err.strip():
        raise MediaError(ffmpeg_reason(tool, ffmpeg.Error(tool, out, err)))
    return out


def _frames_from_raw(raw: bytes, frames: int, size: int) -> np.ndarray:
    """Reshape rgb24 bytes; a short clip repeats its last frame so the shape is always fixed."""
    frame_bytes = size * size * 3
    got = len(raw) // frame_bytes
    if got == 0:
        raise MediaError("ffmpeg keyframes: no frame decoded")
    array = np.frombuffer(raw[: got * frame_bytes], dtype=np.uint8).reshape(got, size, size, 3)
    if got < frames:
        array = np.concatenate([array, np.repeat(array[-1:], frames - got, axis=0)])
    return np.ascontiguousarray(array[:frames])


def extract_audio(path: Path, wav_path: Path, sample_rate: int) -> Path:
    """Write the first audio track as mono 16-bit WAV; ``-bitexact`` keeps its bytes reproducible."""
    _run(
        "ffmpeg audio",
        ffmpeg.input(str(path))
        .output(
            str(wav_path),
            map="0:a:0",
            ac=1,
            ar=sample_rate,
            acodec="pcm_s16le",
            map_metadata=-1,
            fflags="+bitexact",
            flags="+bitexact",
            format="wav",
        )
        .overwrite_output(),
    )
    return wav_path
