"""Real media made by ffmpeg and Pillow from the shared data, served on 127.0.0.1."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import io
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

import duckdb
import pytest
from PIL import Image

from warehouse import upsert


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


@dataclass
class ServedRequest:
    path: str
    status: int
    body_bytes: int
    conditional: bool  # sent If-None-Match or If-Modified-Since


class _LoggingServer(http.server.ThreadingHTTPServer):
    served: list[ServedRequest]


class _ConditionalHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with ETag (content hash) and Last-Modified, 304 on a matching conditional GET.

    Every request is logged on the server, so tests can measure what a run downloaded.
    """

    server: _LoggingServer

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            self._log(404, 0)
            return super().send_head()
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        modified = int(path.stat().st_mtime)
        if_none_match = self.headers.get("If-None-Match")
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_none_match is not None:  # wins over If-Modified-Since (RFC 9110)
            unchanged = etag in [t.strip() for t in if_none_match.split(",")]
        else:
            unchanged = bool(if_modified_since) and modified <= parsedate_to_datetime(if_modified_since).timestamp()
        self._log(304 if unchanged else 200, 0 if unchanged else len(body))
        self.send_response(304 if unchanged else 200)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(modified, usegmt=True))
        if unchanged:
            self.end_headers()
            return None
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def _log(self, status: int, body_bytes: int) -> None:
        conditional = "If-None-Match" in self.headers or "If-Modified-Since" in self.headers
        self.server.served.append(ServedRequest(self.path, status, body_bytes, conditional))

    def log_message(self, format: str, *args: object) -> None: ...


@dataclass(frozen=True)
class ServedSite(MediaSite):
    served: list[ServedRequest]

    def take_log(self) -> list[ServedRequest]:
        """The requests served since the last call."""
        taken = list(self.served)
        self.served.clear()
        return taken


@contextlib.contextmanager
def serve(root: Path) -> Iterator[ServedSite]:
    server = _LoggingServer(("127.0.0.1", 0), functools.partial(_ConditionalHandler, directory=str(root)))
    server.served = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ServedSite(root, f"http://127.0.0.1:{server.server_address[1]}", server.served)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def media_site(media_files: Path) -> Iterator[ServedSite]:
    with serve(media_files) as site:
        yield site


@pytest.fixture()
def changing_site(media_files: Path, shared_data: Path, tmp_path: Path) -> Iterator[ServedSite]:
    """Two movies' trailers and posters in a folder of their own, so a test may rewrite them."""
    root = tmp_path / "site"
    (root / "media").mkdir(parents=True)
    (root / "trailers").mkdir()
    for name in ("good.mp4", "faststart.mp4", "poster.jpg"):
        shutil.copyfile(media_files / "media" / name, root / "media" / name)
    with Image.open(shared_data / "media/images/skimage_coffee.png") as image:
        image.convert("RGB").resize((90, 120)).save(root / "media/poster2.jpg", quality=90)
    for name in ("good", "faststart"):
        (root / f"trailers/{name}.html").write_text(trailer_page(f"media/{name}.mp4"))
    with serve(root) as site:
        yield site


# Build ids the media tests run under; their crawl "saw" every movie a test stores.
TEST_BUILDS = ("b1", "b2", "b3", "b4", "b5", "h1", "killed")


def store_movies(con: duckdb.DuckDBPyConnection, movies: list[dict]) -> None:
    """Upsert ``movies`` and list them in ``build_movies`` of every test build, as a crawl would."""
    upsert(con, "movies", movies)
    upsert(con, "build_movies", [{"build_id": b, "movie_id": m["movie_id"]} for b in TEST_BUILDS for m in movies])
