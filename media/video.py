"""ffmpeg work on trailers: probe, keyframes by seeking, and only the audio segment needed.

Every call runs ffmpeg/ffprobe with an argument list (no shell, built by ffmpeg-python) and a
timeout taken from the asset's budget, so a decoder that stalls on a crafted file is killed.
Keyframes come from one ffmpeg process that seeks to each sample time (one demuxer per
time, each decoding a single frame), so a 10-minute trailer costs what a 30-second one does.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import ffmpeg
import numpy as np

from media.budget import Budget
from media.errors import MediaError

_LOG_PREFIX = re.compile(r"^\[[^\]]+ @ 0x[0-9a-f]+\]\s*")
_OUT_OF_MEMORY = re.compile(r"Cannot allocate memory|failed to map segment|out of memory|std::bad_alloc", re.I)
QUIET = ("-nostdin", "-hide_banner", "-loglevel", "error")
# Up to this length a single decoding pass is cheaper than one demuxer per sample time (bench/bench_media.py).
SINGLE_PASS_MAX_S = 60.0


class FewerFrames(MediaError):
    """Fewer frames came out than sample times went in."""


@dataclass(frozen=True)
class VideoInfo:
    """What probing learned about a trailer file; sizes as displayed (rotation applied)."""

    codec: str
    width: int
    height: int
    duration_s: float  # of the video stream: an audio track may run longer than the picture
    has_audio: bool
    audio_duration_s: float = 0.0
    rotation: int = 0
    frame_rate: float = 0.0  # average; 0 when the container does not say

    def last_frame_s(self) -> float:
        """Start of the last frame: a seek past it finds no frame to return."""
        return max(self.duration_s - 1.0 / self.frame_rate, 0.0) if self.frame_rate > 0 else self.duration_s


def ffmpeg_reason(tool: str, stderr: bytes) -> str:
    """Turn ffmpeg's stderr into one specific line, e.g. ``ffprobe: moov atom not found``."""
    lines = [_LOG_PREFIX.sub("", line).strip() for line in stderr.decode(errors="replace").splitlines()]
    lines = [line for line in lines if line]
    # Decoder noise often comes first; the demuxer's "partial file" names the real cause.
    truncated = [line for line in lines if "partial file" in line]
    return f"{tool}: {(truncated or lines or ['failed without a message'])[0]}"


def run_tool(tool: str, args: list[str], budget: Budget) -> bytes:
    """Run ``args`` within the budget; any logged error, a non-zero exit or the budget running out fails.

    The child's address space is capped with ``prlimit`` (where installed) at
    ``budget.decoder_bytes``, so a decoder fed a crafted file fails instead of swapping.
    """
    if shutil.which(args[0]) is None:
        raise MediaError(f"{tool}: {args[0]} is not installed (not found on PATH)")
    timeout = budget.check(tool)
    prlimit = shutil.which("prlimit") if budget.decoder_bytes else None
    command = [prlimit, f"--as={budget.decoder_bytes}", "--", *args] if prlimit else args
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise MediaError(f"{tool}: killed after {timeout:.1f} s (wall-time budget per asset)") from exc
    if done.returncode != 0 and prlimit and _OUT_OF_MEMORY.search(done.stderr.decode(errors="replace")):
        raise MediaError(f"{tool}: memory budget of {budget.decoder_bytes} bytes per decoder exceeded")
    # A truncated file whose index sits at the front probes fine and ffmpeg exits 0 on it,
    # only logging "partial file": any logged error keeps such files out.
    if done.returncode != 0 or done.stderr.strip():
        raise MediaError(ffmpeg_reason(tool, done.stderr))
    return done.stdout


def probe_video(path: Path, budget: Budget) -> VideoInfo:
    """Check the file is a video with a frame size and a duration; raise ``MediaError`` otherwise."""
    out = run_tool("ffprobe", ["ffprobe", *QUIET[1:], "-show_format", "-show_streams", "-of", "json", str(path)],
                   budget)
    probe = json.loads(out or b"{}")
    streams = probe.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"
                  and not s.get("disposition", {}).get("attached_pic")), None)
    if video is None:
        raise MediaError("ffprobe: no video stream")
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if width <= 0 or height <= 0:
        raise MediaError(f"ffprobe: video stream has no frame size ({width}x{height})")
    container = _seconds(probe.get("format", {}).get("duration"))
    duration = _stream_seconds(video) or container
    if duration <= 0:
        raise MediaError("ffprobe: no duration")
    rotation = _rotation(video)
    if rotation % 180:
        width, height = height, width
    return VideoInfo(
        codec=str(video.get("codec_name", "unknown")), width=width, height=height, duration_s=duration,
        has_audio=audio is not None, audio_duration_s=(_stream_seconds(audio) or container) if audio else 0.0,
        rotation=rotation, frame_rate=_rate(video.get("avg_frame_rate")) or _rate(video.get("r_frame_rate")),
    )


def _rate(value: object) -> float:
    """``"30000/1001"`` -> 29.97; 0 for ``"0/0"`` or nonsense."""
    num, _, den = str(value or "").partition("/")
    try:
        return float(num) / float(den or 1) if float(den or 1) else 0.0
    except ValueError:
        return 0.0


def _seconds(value: object) -> float:
    try:
        return max(float(value), 0.0)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


def _stream_seconds(stream: dict) -> float:
    """A stream's own duration; Matroska/WebM give it only as a ``DURATION`` tag (HH:MM:SS.frac)."""
    seconds = _seconds(stream.get("duration"))
    if seconds:
        return seconds
    tag = next((v for k, v in stream.get("tags", {}).items() if k.upper() == "DURATION"), "")
    match = re.fullmatch(r"(\d+):(\d+):(\d+(?:\.\d+)?)", str(tag))
    return int(match[1]) * 3600 + int(match[2]) * 60 + float(match[3]) if match else 0.0


def _rotation(video: dict) -> int:
    for side in video.get("side_data_list", []):
        if "rotation" in side:
            return int(float(side["rotation"])) % 360
    return int(_seconds(video.get("tags", {}).get("rotate"))) % 360


def keyframe_times(duration_s: float, frames: int, last_frame_s: float | None = None) -> list[float]:
    """Centres of ``frames`` equal slices of the clip (never the very first frame), at most ``last_frame_s``."""
    step = duration_s / frames
    latest = duration_s if last_frame_s is None else last_frame_s
    return [min(step * (i + 0.5), latest) for i in range(frames)]


def _square(stream: ffmpeg.nodes.FilterableStream, size: int) -> ffmpeg.nodes.FilterableStream:
    """Scale to cover ``size``x``size`` and centre-crop (the aspect ratio is kept)."""
    return (stream.filter("scale", size, size, force_original_aspect_ratio="increase")
            .filter("crop", size, size).filter("setsar", "1"))


def extract_keyframes(path: Path, info: VideoInfo, frames: int, size: int, budget: Budget) -> np.ndarray:
    """Uniformly sampled frames as uint8 ``[frames, size, size, 3]`` RGB, in ONE ffmpeg call.

    Long files are sampled by seeking, so their cost does not grow with their length; short
    ones are decoded in one pass, which is cheaper than opening one demuxer per sample time.
    Both return the same frames: the first at or after each of ``keyframe_times``.
    """
    # One pass keeps at most one frame per sample slice, so each slice must span a frame.
    if info.duration_s <= SINGLE_PASS_MAX_S and info.duration_s * info.frame_rate >= frames:
        try:
            return keyframes_by_decoding(path, info, frames, size, budget)
        except FewerFrames:  # variable frame rate: a gap swallowed a sample time
            pass
    return keyframes_by_seeking(path, info, frames, size, budget)


def keyframes_by_seeking(path: Path, info: VideoInfo, frames: int, size: int, budget: Budget) -> np.ndarray:
    """Each sample time is its own input seeked with ``-ss`` (to the keyframe before it, then
    decoded up to it), trimmed to one frame; the frames are concatenated to one raw stream."""
    times = keyframe_times(info.duration_s, frames, info.last_frame_s())
    distinct = sorted(set(times))  # a clip shorter than ``frames`` repeats its last time
    parts = [
        _square(ffmpeg.input(str(path), ss=f"{t:.6f}", threads=1).video.filter("trim", end_frame=1), size)
        for t in distinct
    ]
    # Renumbered pts: two seeks may land on frames with the same timestamp.
    joined = (ffmpeg.concat(*parts, v=1, a=0) if len(parts) > 1 else parts[0]).filter("setpts", "N")
    args = (joined.output("pipe:", format="rawvideo", pix_fmt="rgb24", fps_mode="passthrough")
            .global_args(*QUIET).compile())
    decoded = frames_from_raw(run_tool("ffmpeg keyframes", args, budget), len(distinct), size)
    return decoded[[distinct.index(t) for t in times]]


def keyframes_by_decoding(path: Path, info: VideoInfo, frames: int, size: int, budget: Budget) -> np.ndarray:
    """One pass over every frame; a frame is kept when it is the first at or after a sample time."""
    times = keyframe_times(info.duration_s, frames, info.last_frame_s())
    distinct = sorted(set(times))
    # A frame is kept when a sample time s lies in (previous frame's time, its time]; times
    # count from the stream's start, as ``-ss`` does.
    now, before = "(t-start_t)", "(prev_pts*TB-start_t)"
    keep = "+".join(f"gte({now},{s:.6f})*(isnan(prev_pts)+lt({before},{s:.6f}))" for s in distinct)
    selected = _square(ffmpeg.input(str(path)).video.filter("select", keep), size)
    args = (selected.output("pipe:", format="rawvideo", pix_fmt="rgb24", fps_mode="passthrough")
            .global_args(*QUIET).compile())
    decoded = frames_from_raw(run_tool("ffmpeg keyframes", args, budget), len(distinct), size)
    return decoded[[distinct.index(t) for t in times]]


def frames_from_raw(raw: bytes, frames: int, size: int) -> np.ndarray:
    """Reshape rgb24 bytes; fewer frames than sample times means a part of the file is unreadable."""
    frame_bytes = size * size * 3
    got = len(raw) // frame_bytes
    if got < frames:
        raise FewerFrames(f"ffmpeg keyframes: only {got} of {frames} sampled frames decodable (file cut short?)")
    return np.frombuffer(raw[: frames * frame_bytes], dtype=np.uint8).reshape(frames, size, size, 3).copy()


def audio_segment(duration_s: float, clip_seconds: float) -> tuple[float, float]:
    """(start, length) of the clip: the centre ``clip_seconds`` of a longer track, else all of it."""
    if duration_s <= clip_seconds:
        return 0.0, duration_s
    return (duration_s - clip_seconds) / 2, clip_seconds


def extract_audio(path: Path, wav_path: Path, sample_rate: int, start_s: float, seconds: float,
                  budget: Budget) -> Path:
    """Decode only ``[start_s, start_s + seconds)`` of the first audio track to mono 16-bit WAV.

    Input seeking (``-ss`` before ``-i``) skips the rest of the track undecoded; ``-bitexact``
    keeps the bytes reproducible, so equal audio gets the same content hash.
    """
    source = ffmpeg.input(str(path), ss=f"{start_s:.6f}", t=f"{seconds:.6f}") if start_s > 0 else \
        ffmpeg.input(str(path), t=f"{seconds:.6f}")
    args = (
        source.output(str(wav_path), map="0:a:0", ac=1, ar=sample_rate, acodec="pcm_s16le", map_metadata=-1,
                      fflags="+bitexact", flags="+bitexact", format="wav")
        .overwrite_output().global_args(*QUIET).compile()
    )
    run_tool("ffmpeg audio", args, budget)
    return wav_path
