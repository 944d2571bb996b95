"""One movie's trailer and its audio track: revalidate or download, probe, keyframes, log-mel.

An unchanged page means the same video URL, so a changed video comes straight from the
conditional GET; a changed page may embed another video, so its sources are read again.
Decoding the keyframes is what exposes a truncated file, so it comes before "ok".
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from pathlib import Path

import soundfile

from media.audio import load_mono, logmel
from media.budget import Budget
from media.conditional import Origin, Validators
from media.context import RunContext
from media.download import DownloadedVideo, download_trailer, download_video, read_trailer_page
from media.errors import MediaError
from media.revalidation import StoredAsset
from media.rows import MovieRows
from media.video import VideoInfo, audio_segment, extract_audio, extract_keyframes, probe_video
from warehouse import BlobStore, sha256_file


def trailer_rows(ctx: RunContext, rows: MovieRows, url: str, work: Path) -> None:
    """Fill ``rows`` with the trailer asset, its keyframes, and (if enabled) its audio."""
    budget = ctx.config.budget()
    stored = ctx.previous.asset(ctx.blobs, rows.movie_id, "trailer", url)
    video = _fetch(ctx, url, stored, work, budget)
    if video is None:
        assert stored is not None
        path = ctx.blobs.path(stored.content_sha256)
        probe = functools.cache(lambda: probe_video(path, budget))
        rows.not_modified += 1
        _keyframes(ctx, rows, stored.content_sha256, path, probe, budget)
        rows.asset("trailer", url, stored.content_sha256, mime=stored.mime, width=stored.width,
                   height=stored.height, duration_s=stored.duration_s, origin=stored.origin)
        sha = stored.content_sha256
    else:
        info = probe_video(video.path, budget)
        sha = sha256_file(video.path)
        _keyframes(ctx, rows, sha, video.path, lambda: info, budget)
        path = _store_file(ctx.blobs, video.path, sha)
        rows.asset("trailer", url, sha, mime=video.mime, width=info.width, height=info.height,
                   duration_s=info.duration_s, origin=video.origin)
        probe = lambda: info  # noqa: E731
    if "audio" in ctx.config.kinds:
        _audio(ctx, rows, url, sha, path, probe, work)


def _fetch(ctx: RunContext, url: str, stored: StoredAsset | None, work: Path,
           budget: Budget) -> DownloadedVideo | None:
    """The new video, or ``None`` when page and video are both unchanged (304, 304), or when
    the trailer URL is the video file itself and it is unchanged (304)."""
    revalidate = stored is not None and stored.origin.media_url is not None
    page = read_trailer_page(url, ctx.config, budget, stored.origin.page_validators if revalidate else Validators())
    if page is not None and page.is_video and revalidate and stored.origin.media_url == page.url:
        page = None  # the URL is the stored video itself: revalidate the file, do not fetch it again
    if page is not None:
        return download_trailer(page, work, ctx.config, budget)
    assert stored is not None and stored.origin.media_url is not None
    video = download_video(stored.origin.media_url, work, ctx.config, budget, stored.origin.validators)
    if video is None:
        return None
    return DownloadedVideo(video.path, video.mime or stored.mime,
                           Origin(stored.origin.media_url, video.origin.validators, stored.origin.page_validators))


def _store_file(blobs: BlobStore, path: Path, sha: str) -> Path:
    """Move the scratch file into the blob store (content-addressed, never overwritten, never read whole)."""
    target = blobs.path(sha)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.parent / f".tmp-{sha}"
        shutil.move(path, staging)
        staging.replace(target)
    return target


def _keyframes(ctx: RunContext, rows: MovieRows, sha: str, path: Path, probe: Callable[[], VideoInfo],
               budget: Budget) -> None:
    c = ctx.config
    ctx.features.ensure(rows, sha, "keyframes", (c.frames, c.frame_size, c.frame_size, 3),
                        lambda: extract_keyframes(path, probe(), c.frames, c.frame_size, budget))


def _audio(ctx: RunContext, rows: MovieRows, url: str, trailer_sha: str, path: Path,
           probe: Callable[[], VideoInfo], work: Path) -> None:
    """The centre ``clip_seconds`` of the trailer's audio track as its own asset, plus its log-mel.

    It fails on its own: a trailer without sound keeps its ok trailer row.
    """
    c = ctx.config
    shape = (c.n_mels, c.mel_frames)
    if _reuse_audio(ctx, rows, url, trailer_sha, shape):
        return
    budget = c.budget()
    info = probe()
    if not info.has_audio:
        raise MediaError("ffprobe: no audio stream")
    start, seconds = audio_segment(info.audio_duration_s or info.duration_s, c.clip_seconds)
    work.mkdir(parents=True, exist_ok=True)
    wav = extract_audio(path, work / "audio.wav", c.sample_rate, start, seconds, budget)
    samples, sample_rate = load_mono(wav)
    audio_sha = ctx.blobs.put_file(wav)
    rows.asset("audio", url, audio_sha, mime="audio/wav", duration_s=len(samples) / sample_rate)
    ctx.features.ensure(rows, audio_sha, "logmel", shape,
                        lambda: logmel(samples, sample_rate, c.n_mels, c.mel_frames, c.hop_length))


def _reuse_audio(ctx: RunContext, rows: MovieRows, url: str, trailer_sha: str, shape: tuple[int, int]) -> bool:
    """Skip ffmpeg and librosa when this trailer's audio and log-mel (same shape, same rate) are stored."""
    previous = ctx.previous.audio_of_trailer.get(trailer_sha)
    if previous is None:
        return False
    audio_sha, duration = previous
    if not (ctx.blobs.has(audio_sha) and ctx.features.usable(audio_sha, "logmel", shape)):
        return False
    if soundfile.info(str(ctx.blobs.path(audio_sha))).samplerate != ctx.config.sample_rate:
        return False
    rows.asset("audio", url, audio_sha, mime="audio/wav", duration_s=duration)
    rows.reused += 1
    return True
