"""A loopback server that misbehaves the way real media hosts do, one route per fault."""

from __future__ import annotations

import contextlib
import http.server
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote


def png_bomb(side: int = 30_000) -> bytes:
    """A valid PNG header claiming ``side`` x ``side`` pixels, with one tiny compressed row."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def gzip_of_zeros(megabytes: int) -> bytes:
    """gzip bytes that inflate to ``megabytes`` MB of zeros (about 1000:1), built without holding them."""
    encoder = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1 << 20)
    return b"".join(encoder.compress(block) for _ in range(megabytes)) + encoder.flush()


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_length: int | None = None  # what is announced; None: len(body)
    trickle_s: float = 0.0  # pause before each byte (a slow drip that never trips a socket timeout)
    stall: bool = False  # send the headers, then nothing


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Route]
    hits: list[str]
    trickled: dict[str, int]


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        path = unquote(self.path)
        self.server.hits.append(path)
        route = self.server.routes.get(path, Route(404, b"not found"))
        self.send_response(route.status)
        for name, value in route.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(route.content_length if route.content_length is not None else len(route.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            if route.stall:
                while True:
                    time.sleep(0.2)
                    self.wfile.flush()
                    if self.server.shutting_down:
                        return
            elif route.trickle_s:
                for i in range(len(route.body)):
                    time.sleep(route.trickle_s)
                    self.wfile.write(route.body[i : i + 1])
                    self.wfile.flush()
                    self.server.trickled[path] = i + 1
            else:
                self.wfile.write(route.body)
        except (BrokenPipeError, ConnectionResetError):
            return
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None: ...


@dataclass(frozen=True)
class HostileSite:
    base_url: str
    routes: dict[str, Route]
    hits: list[str]
    trickled: dict[str, int]

    def url(self, path: str) -> str:
        return self.base_url + path


@contextlib.contextmanager
def serve_hostile(routes: dict[str, Route]) -> Iterator[HostileSite]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.routes, server.hits, server.trickled = routes, [], {}
    server.shutting_down = False  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HostileSite(f"http://127.0.0.1:{server.server_address[1]}", routes, server.hits, server.trickled)
    finally:
        server.shutting_down = True  # type: ignore[attr-defined]
        server.shutdown()
        server.server_close()


def wait_for(condition: Callable[[], bool], timeout_s: float = 60.0) -> None:
    """Poll ``condition`` until true; fail after ``timeout_s`` (generous: the machine is shared)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout_s} s")
        time.sleep(0.05)


def video_page(src: str, extra_head: str = "") -> bytes:
    return (f"<html><head>{extra_head}</head><body><video><source src=\"{src}\" type=\"video/mp4\">"
            "</video></body></html>").encode()

