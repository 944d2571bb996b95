"""yt-dlp's generic extractor on one player page or stream manifest, run as a child process
of the media stage. Fix-ups run (with ffmpeg) so that an HLS stream's joined segments become
the MP4 their name says, not MPEG-TS in an ``.mp4`` file.

Usage: python -m media.ytdlp_child PAGE_URL DEST_DIR MAX_BYTES SOCKET_TIMEOUT_S. Prints
``{"path", "url"}`` as JSON on success; on failure prints the reason and exits 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from yt_dlp import YoutubeDL
from yt_dlp.utils import DownloadError

from media.http import USER_AGENT


class _SilentLogger:
    """yt-dlp reports failures by exception; its console chatter would only clutter the run."""

    def debug(self, msg: str) -> None: ...

    def info(self, msg: str) -> None: ...

    def warning(self, msg: str) -> None: ...

    def error(self, msg: str) -> None: ...


def main(page_url: str, dest_dir: str, max_bytes: str, socket_timeout: str) -> int:
    options = {
        "quiet": True, "no_warnings": True, "noprogress": True, "logger": _SilentLogger(),
        "noplaylist": True, "allowed_extractors": ["generic"], "max_filesize": int(max_bytes),
        "outtmpl": str(Path(dest_dir) / "trailer.%(ext)s"), "cachedir": False, "fixup": "detect_or_warn",
        "retries": 1, "fragment_retries": 1, "socket_timeout": float(socket_timeout),
        "http_headers": {"User-Agent": USER_AGENT}, "format": "worst[ext=mp4]/worst",
    }  # fmt: skip
    try:
        with YoutubeDL(options) as ydl:
            info = ydl.extract_info(page_url, download=True)
    except DownloadError as exc:
        print(str(exc).removeprefix("ERROR: ").strip())
        return 1
    download = ((info or {}).get("requested_downloads") or [info or {}])[0]
    path = Path(download.get("filepath") or download.get("_filename") or "")
    if not path.is_file():
        print(f"nothing downloaded (no video, or larger than {max_bytes} bytes)")
        return 1
    print(json.dumps({"path": str(path), "url": download.get("url") or (info or {}).get("url")}))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
