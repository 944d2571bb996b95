"""Fetching a trailer: read its page, then stream the first video source that downloads.

The page and each video go through ``media.http`` (size cap, wall-time budget, opt-out
signals). Player pages (JSON-LD ``embedUrl``), or pages where no video is visible in the
markup, go to yt-dlp in a child process that is killed when the asset's budget runs out.
File names never come from URLs: the scratch file is ``trailer`` plus the type's extension.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from media.budget import Budget
from media.conditional import Origin, Validators
from media.config import MediaConfig
from media.errors import MediaError, NotAPage, OptedOut
from media.http import HttpPolicy, fetch, stream
from media.optout import page_opt_out
from media.trailer_page import TrailerSources, trailer_sources
from media.urls import escape_url


# Trailer URLs that are the file itself (``og:video``, ``<a href="….mp4">``, an HLS or DASH
# manifest): no page to read.
VIDEO_FILE_RE = re.compile(r"\.(?:mp4|m4v|webm|mov|ogv|mkv|m3u8|mpd)$", re.IGNORECASE)
# Adaptive streams: the answer is a playlist of segments, which yt-dlp downloads and joins.
MANIFEST_TYPES = {"application/vnd.apple.mpegurl", "application/x-mpegurl", "audio/mpegurl", "audio/x-mpegurl",
                  "application/dash+xml"}


@dataclass(frozen=True)
class TrailerPage:
    url: str  # final, escaped
    validators: Validators
    sources: TrailerSources
    is_video: bool = False  # the URL answered with the video itself


@dataclass(frozen=True)
class DownloadedVideo:
    path: Path
    mime: str | None
    origin: Origin


def read_trailer_page(url: str, config: MediaConfig, budget: Budget,
                      validators: Validators = Validators()) -> TrailerPage | None:
    """The page's video sources; ``None`` when the server says the page is unchanged (304).

    A URL that names a video file, or answers with one, is a page whose one source is that file."""
    if VIDEO_FILE_RE.search(urlsplit(url).path):
        escaped = escape_url(url)
        return TrailerPage(escaped, Validators(), TrailerSources(files=(escaped,)), is_video=True)
    try:
        fetched = fetch(url, config.max_page_bytes, budget, HttpPolicy.of(config), validators, page=True)
    except NotAPage as exc:
        return TrailerPage(exc.url, Validators(), TrailerSources(files=(exc.url,)), is_video=True)
    if fetched is None:
        return None
    html = fetched.body.decode("utf-8", errors="replace")
    if config.honour_opt_out and (reason := page_opt_out(html)):
        raise OptedOut(reason)
    return TrailerPage(fetched.url, fetched.validators, trailer_sources(html, fetched.url))


def download_video(url: str, dest_dir: Path, config: MediaConfig, budget: Budget,
                   validators: Validators = Validators()) -> DownloadedVideo | None:
    """Stream one video file into ``dest_dir``; ``None`` on 304. HTML where a video should be fails.
    An HLS or DASH manifest is handed to yt-dlp, and its own validators revalidate it next time."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    part = dest_dir / "trailer.part"
    with part.open("wb") as out:
        result = stream(url, out.write, config.max_trailer_bytes, budget, HttpPolicy.of(config), validators)
    if result is None:
        part.unlink(missing_ok=True)
        return None
    final_url, found, content_type = result
    head = _first_bytes(part)
    if content_type in MANIFEST_TYPES or _is_manifest(head):
        part.unlink()
        streamed = download_with_ytdlp(final_url, dest_dir, config, budget)
        return DownloadedVideo(streamed.path, streamed.mime, Origin(final_url, found))
    if content_type in ("text/html", "application/xhtml+xml"):
        raise MediaError(f"http: {final_url} served {content_type}, not a video")
    if _looks_like_html(head):
        raise MediaError(f"http: {final_url} served an HTML page as {content_type}, not a video")
    path = part.rename(dest_dir / f"trailer{mimetypes.guess_extension(content_type or '') or '.bin'}")
    return DownloadedVideo(path, content_type, Origin(final_url, found))


def _first_bytes(path: Path) -> bytes:
    """The start of a downloaded file, without leading whitespace, to tell what it really is."""
    with path.open("rb") as file:
        return file.read(512).lstrip()


def _is_manifest(head: bytes) -> bool:
    """An HLS playlist or a DASH manifest, whatever type the server gave it."""
    return head.startswith(b"#EXTM3U") or b"<MPD" in head


def _looks_like_html(head: bytes) -> bool:
    """A login or error page sent with a video type is common."""
    return head.lower().startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml"))


def download_trailer(page: TrailerPage, dest_dir: Path, config: MediaConfig, budget: Budget) -> DownloadedVideo:
    """The first of the page's sources that downloads; every source's failure is kept for the reason."""
    failures: list[str] = []
    for url in page.sources.files:
        try:
            video = download_video(url, dest_dir, config, budget)
        except OptedOut:
            raise
        except MediaError as exc:
            failures.append(str(exc))
            if budget.remaining() <= 0:
                break
            continue
        if video is None:
            raise MediaError("http 304 to an unconditional GET")
        return DownloadedVideo(video.path, video.mime, Origin(video.origin.media_url, video.origin.validators,
                                                              page.validators))
    fallbacks = page.sources.embeds or (() if page.sources.files else (page.url,))
    for url in fallbacks if budget.remaining() > 0 else ():
        try:
            return download_with_ytdlp(url, dest_dir, config, budget)
        except MediaError as exc:
            failures.append(str(exc))
    if not failures:
        raise MediaError("no video found on the trailer page")
    others = f" (and {len(failures) - 1} other video sources failed)" if len(failures) > 1 else ""
    raise MediaError(failures[0] + others)


def download_with_ytdlp(url: str, dest_dir: Path, config: MediaConfig, budget: Budget) -> DownloadedVideo:
    """yt-dlp in a child process: its page reads and downloads are killed with the asset's budget."""
    timeout = budget.check("yt-dlp")
    command = [sys.executable, "-m", "media.ytdlp_child", url, str(dest_dir), str(config.max_trailer_bytes),
               str(config.http_timeout_s)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False, env=_child_env())
    except subprocess.TimeoutExpired as exc:
        raise MediaError(f"yt-dlp: killed after {timeout:.1f} s (wall-time budget per asset)") from exc
    if done.returncode != 0:
        lines = (done.stdout.strip() or done.stderr.strip() or "failed without a message").splitlines()
        raise MediaError(f"yt-dlp: {lines[-1]}")
    result = json.loads(done.stdout)
    path = Path(result["path"])
    found = result.get("url")
    return DownloadedVideo(path, mimetypes.guess_type(path.name)[0], Origin(escape_url(found) if found else None))


def _child_env() -> dict[str, str]:
    """The child imports ``media`` from this checkout whatever the working directory is."""
    root = str(Path(__file__).resolve().parent.parent)
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": root if not path else f"{root}{os.pathsep}{path}"}
