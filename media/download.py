"""Finding and downloading trailers with yt-dlp's generic extractor.

yt-dlp reads the trailer page the way a browser would (``<video>``, ``og:video``, JSON-LD)
so sites need no custom parsing. It is used for the first download of a trailer; the video
URL it found and the validators of both responses are kept so re-runs can ask the server
directly whether anything changed (see ``media.conditional``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yt_dlp import YoutubeDL
from yt_dlp.utils import DownloadError

from media.conditional import HTTP_TIMEOUT_S, USER_AGENT, Origin, Validators, require_http_url
from media.errors import MediaError


@dataclass(frozen=True)
class DownloadedTrailer:
    path: Path
    origin: Origin


class _SilentLogger:
    """yt-dlp reports failures by exception; its console chatter would only clutter the run."""

    def debug(self, msg: str) -> None: ...

    def info(self, msg: str) -> None: ...

    def warning(self, msg: str) -> None: ...

    def error(self, msg: str) -> None: ...


class _ValidatorRecordingYoutubeDL(YoutubeDL):
    """Keeps each 200 response's validators by URL: yt-dlp itself does not expose them."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.validators: dict[str, Validators] = {}
        super().__init__(params)

    def urlopen(self, req: Any) -> Any:
        response = super().urlopen(req)
        if response.status == 200:
            found = Validators.from_headers(response.headers)
            requested = req if isinstance(req, str) else getattr(req, "url", response.url)
            self.validators[requested] = self.validators[response.url] = found
        return response


def download_trailer(page_url: str, dest_dir: Path, max_bytes: int) -> DownloadedTrailer:
    """Download the video a trailer page embeds into ``dest_dir``, with where it came from."""
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
        with _ValidatorRecordingYoutubeDL(options) as ydl:
            info = ydl.extract_info(page_url, download=True)
    except DownloadError as exc:
        raise MediaError(f"yt-dlp: {_strip_error_prefix(str(exc))}") from exc
    if info is None:
        raise MediaError("yt-dlp: no video found on the trailer page")
    download = (info.get("requested_downloads") or [info])[0]
    path = Path(download.get("filepath") or download.get("_filename") or "")
    if not path.is_file():
        raise MediaError(f"yt-dlp: nothing downloaded (larger than max_download_bytes={max_bytes}?)")
    if path.stat().st_size > max_bytes:
        raise MediaError(f"download exceeds max_download_bytes={max_bytes}")
    video_url = download.get("url") or info.get("url")
    origin = Origin(
        media_url=video_url,
        validators=ydl.validators.get(video_url, Validators()) if video_url else Validators(),
        page_validators=ydl.validators.get(page_url, Validators()),
    )
    return DownloadedTrailer(path=path, origin=origin)


def _strip_error_prefix(message: str) -> str:
    return message.removeprefix("ERROR: ").strip()
