"""Fetching media: trailers through yt-dlp's generic extractor, posters by plain HTTP.

yt-dlp reads the trailer page the way a browser would (``<video>``, ``og:video``, JSON-LD)
so sites need no custom parsing; posters are single images and need nothing more than urllib.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from yt_dlp import YoutubeDL
from yt_dlp.utils import DownloadError

from media.errors import MediaError

HTTP_TIMEOUT_S = 30
USER_AGENT = "mmkg-media/0.1"


class _SilentLogger:
    """yt-dlp reports failures by exception; its console chatter would only clutter the run."""

    def debug(self, msg: str) -> None: ...

    def info(self, msg: str) -> None: ...

    def warning(self, msg: str) -> None: ...

    def error(self, msg: str) -> None: ...


def require_http_url(url: str) -> None:
    """Refuse file://, ftp:// and friends: a hostile page must not make us read local files."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise MediaError(f"unsupported URL scheme: {url!r}")


def download_trailer(page_url: str, dest_dir: Path, max_bytes: int) -> Path:
    """Download the video a trailer page embeds into ``dest_dir``; return the file path."""
    require_http_url(page_url)
    dest_dir.mkdir(parents=True, exist_ok=True)
    options = {
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "logger": _SilentLogger(),
        "noplaylist": True,
        "allowed_extractors": ["generic"],
        "max_filesize": max_bytes,
        "outtmpl": str(dest_dir / "trailer.%(ext)s"),
        "cachedir": False,
        "fixup": "never",
        "retries": 1,
        "fragment_retries": 1,
        "socket_timeout": HTTP_TIMEOUT_S,
        "http_headers": {"User-Agent": USER_AGENT},
    }
    try:
        with YoutubeDL(options) as ydl:
            info = ydl.extract_info(page_url, download=True)
    except DownloadError as exc:
        raise MediaError(f"yt-dlp: {_strip_error_prefix(str(exc))}") from exc
    if info is None:
        raise MediaError("yt-dlp: no video found on the trailer page")
    downloads = info.get("requested_downloads") or [info]
    path = Path(downloads[0].get("filepath") or downloads[0].get("_filename") or "")
    if not path.is_file():
        raise MediaError(f"yt-dlp: nothing downloaded (larger than max_download_bytes={max_bytes}?)")
    if path.stat().st_size > max_bytes:
        raise MediaError(f"download exceeds max_download_bytes={max_bytes}")
    return path


def fetch_bytes(url: str, max_bytes: int) -> bytes:
    """GET ``url`` with a size cap: a poster larger than ``max_bytes`` is refused, not truncated."""
    require_http_url(url)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:
            data = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise MediaError(f"http {exc.code}: {exc.reason}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise MediaError(f"http: {getattr(exc, 'reason', exc)}") from exc
    if len(data) > max_bytes:
        raise MediaError(f"download exceeds max_download_bytes={max_bytes}")
    if not data:
        raise MediaError("http: empty response body")
    return data


def _strip_error_prefix(message: str) -> str:
    return message.removeprefix("ERROR: ").strip()
