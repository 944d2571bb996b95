"""Real media made by ffmpeg and Pillow from the shared data, served on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image


@dataclass(frozen=True)
class MediaSite:
    root: Path
    base_url: str

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path}"


def make_trailer(image: Path, audio: Path, out: Path, seconds: float = 2.5, *extra: str) -> Path:
    """A 160x120 H.264 + AAC clip: a camera pan over ``image`` (so frames differ) with ``audio``."""
    subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
         "-loop", "1", "-framerate", "10", "-i", str(image), "-i", str(audio),
         "-t", str(seconds), "-vf", "scale=320:240,crop=160:120:x='t*60':y=0",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-ar", "22050", "-ac", "1", *extra, str(out)],
        check=True,
    )
    return out


def trailer_page(video_path: str) -> str:
    return (
        "<html><head><title>Trailer</title>"
        f'<meta property="og:video" content="/{video_path}"></head><body>'
        f'<video controls><source src="/{video_path}" type="video/mp4"></video></body></html>'
    )


@pytest.fixture(scope="session")
def media_files(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """good.mp4, truncated copies (index at the end / at the front), posters, and trailer pages."""
    root = tmp_path_factory.mktemp("media-site")
    (root / "media").mkdir()
    good = make_trailer(
        shared_data / "media/images/skimage_astronaut.png",
        shared_data / "media/audio/librosa_brahms_hungarian_dance_5.ogg",
        root / "media/good.mp4",
    )
    data = good.read_bytes()
    (root / "media/truncated.mp4").write_bytes(data[: len(data) // 3])
    faststart = make_trailer(
        shared_data / "media/images/skimage_coffee.png",
        shared_data / "media/audio/librosa_brahms_hungarian_dance_5.ogg",
        root / "media/faststart.mp4", 2.5, "-movflags", "+faststart",
    )
    data = faststart.read_bytes()
    (root / "media/truncated_faststart.mp4").write_bytes(data[: len(data) // 3])
    with Image.open(shared_data / "media/images/skimage_chelsea.png") as image:
        image.convert("RGB").resize((90, 120)).save(root / "media/poster.jpg", quality=90)
    (root / "media/not_an_image.jpg").write_bytes(b"<html>this is not a JPEG</html>\n" * 20)
    (root / "trailers").mkdir()
    for name in ("good", "truncated", "truncated_faststart"):
        (root / f"trailers/{name}.html").write_text(trailer_page(f"media/{name}.mp4"))
    return root


@pytest.fixture(scope="session")
def media_site(media_files: Path) -> Iterator[MediaSite]:
    handler = functools.partial(_QuietHandler, directory=str(media_files))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield MediaSite(media_files, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None: ...
