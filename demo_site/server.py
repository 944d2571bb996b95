"""Serve a generated site on 127.0.0.1 the way a real web server would.

Files come with Content-Type, Content-Length, ETag and Last-Modified (304 on conditional
requests, so nightly crawls can skip unchanged pages); robots.txt and sitemap.xml are made
per request with absolute URLs from the Host header; the manifest's faults answer 500 or 301.
"""

from __future__ import annotations

import gzip
import hashlib
import sys
import threading
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape as xml_escape

from demo_site import paths
from demo_site.config import SiteManifest
from demo_site.faults import ALIAS_PREFIX, CHAIN_PREFIX, OVERSIZED_BYTES

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".php": "text/html; charset=utf-8",
    "": "text/html; charset=utf-8",
    ".htm": "text/html",
    ".mp4": "video/mp4",
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".jpg": "image/jpeg",
    ".xml": "application/xml",
    ".gz": "application/gzip",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
_OLD_PREFIX = "/old/"
_SITEMAPS = {"/sitemaps/classic.xml": ("classic", "wiki"), "/sitemaps/db.xml.gz": ("db",), "/sitemap.xml": ("classic", "wiki")}


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up (a crawler dropping a keep-alive connection or aborting a download
    that is too large) is routine for a web server, not a traceback on the build's console."""

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


class SiteServer:
    """A threaded HTTP server for one site folder; a context manager or ``start()``/``stop()``."""

    def __init__(self, site_dir: Path, port: int = 0) -> None:
        self.site_dir = Path(site_dir).resolve()
        self.manifest = SiteManifest.load(self.site_dir)
        self._port = port
        self._httpd: _QuietServer | None = None
        self._thread: threading.Thread | None = None
        self._failed_once: set[str] = set()
        self._lock = threading.Lock()
        self.log: list[tuple[str, int, bool]] = []  # (path with query, status, conditional request?) per response

    def record(self, path: str, status: int, conditional: bool) -> None:
        with self._lock:
            self.log.append((path, status, conditional))

    def fails_now(self, path: str) -> bool:
        """True the first time a fails-once page is asked for, then False (a transient 500)."""
        with self._lock:
            if path in self._failed_once:
                return False
            self._failed_once.add(path)
            return True

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the server is not started")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> "SiteServer":
        if self._httpd is None:
            handler = type("SiteHandler", (_SiteHandler,), {"site": self})
            try:
                self._httpd = _QuietServer(("127.0.0.1", self._port), handler)
            except OSError as exc:
                raise OSError(
                    exc.errno, f"cannot serve the site on 127.0.0.1:{self._port} ({exc.strerror}); "
                    "choose another port (mmkg build --site-port N, 0 = any free port)"
                ) from exc
            self._httpd.daemon_threads = True
            self._thread = threading.Thread(target=self._httpd.serve_forever, name="demo-site", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
            self._thread = None

    def __enter__(self) -> "SiteServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_site(site_dir: Path, port: int = 0) -> SiteServer:
    """A server for a generated site on 127.0.0.1 (port 0: a free one); start it with ``with``."""
    return SiteServer(site_dir, port)


class _SiteHandler(BaseHTTPRequestHandler):
    site: SiteServer
    protocol_version = "HTTP/1.1"
    server_version = "mmkg-demo-site/1"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests and crawls make thousands
        pass

    def send_response(self, code: int, message: str | None = None) -> None:
        """Answer, and note the answer in the server's log (tests count requests and 304s)."""
        conditional = "If-None-Match" in self.headers or "If-Modified-Since" in self.headers
        self.site.record(self.path, int(code), conditional)
        super().send_response(code, message)

    def _respond(self, send_body: bool) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        full = f"{path}?{unquote(parts.query)}" if parts.query else path
        manifest = self.site.manifest
        if path in manifest.fault_paths("http_500"):
            return self._send_status(HTTPStatus.INTERNAL_SERVER_ERROR, send_body)
        if full in manifest.fault_paths("http_500_once") and self.site.fails_now(full):
            return self._send_status(HTTPStatus.INTERNAL_SERVER_ERROR, send_body)
        if redirect := self._fault_redirect(path):
            return self._redirect(*redirect, send_body)
        if path in manifest.fault_paths("oversized"):
            return self._send_bytes(b"<!DOCTYPE html><title>All</title>" + b"<p>film</p>\n" * (OVERSIZED_BYTES // 12), ".html", None, send_body)
        if path in manifest.fault_paths("non_html"):
            return self._send_bytes(b"title,year\n" + "\n".join(f"{m['title']},{m['year']}" for m in manifest.movies).encode(), ".csv", None, send_body)
        if path == "/robots.txt":
            return self._send_bytes(self._robots().encode(), ".txt", None, send_body)
        if path == "/sitemap-index.xml":
            return self._send_bytes(self._sitemap_index().encode(), ".xml", None, send_body)
        if path in _SITEMAPS:
            xml = self._sitemap(_SITEMAPS[path]).encode()
            return self._send_bytes(gzip.compress(xml, mtime=0) if path.endswith(".gz") else xml, _suffix(path), None, send_body)
        if path.startswith(ALIAS_PREFIX):
            path = full = paths.movie_path(path[len(ALIAS_PREFIX):])
        file = self._file_for(full) or (self._file_for(path) if full != path else None)
        if file is None:
            return self._send_status(HTTPStatus.NOT_FOUND, send_body)
        self._send_bytes(file.read_bytes(), _suffix(path), file.stat().st_mtime, send_body, self._charset(path))

    def _fault_redirect(self, path: str) -> tuple[str, HTTPStatus] | None:
        """Where a redirect fault sends ``path``: the loop, the chain's first hop, or /old/ moves."""
        for fault in self.site.manifest.faults:
            if fault["kind"] == "redirect_loop":
                loop = (fault["path"], fault["target"])
                if path in loop:
                    return loop[1 - loop.index(path)], HTTPStatus.MOVED_PERMANENTLY
        if path.startswith(CHAIN_PREFIX + "/"):
            return path[len(CHAIN_PREFIX):], HTTPStatus.FOUND
        if path.startswith(_OLD_PREFIX):
            target = "/" + path[len(_OLD_PREFIX) :]
            return (target, HTTPStatus.MOVED_PERMANENTLY) if self._file_for(target) else None
        return None

    def _charset(self, path: str) -> str | None:
        """Legacy pages that declare windows-1252 only in the HTTP header get it there."""
        return "windows-1252" if path in self.site.manifest.legacy_charset_in_header else None

    def _file_for(self, path: str) -> Path | None:
        if path.lstrip("/") == paths.MANIFEST_NAME:
            return None
        file = (self.site.site_dir / paths.file_of(path)).resolve()
        if not file.is_relative_to(self.site.site_dir) or not file.is_file():
            return None
        return file

    def _origin(self) -> str:
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_address[1]}"
        return f"http://{host}"

    def _robots(self) -> str:
        return f"User-agent: *\nDisallow: /private/\n\nSitemap: {self._origin()}/sitemap-index.xml\n"

    def _sitemap_index(self) -> str:
        """Only the classic/wiki and db pages are in sitemaps: the other styles are found by links."""
        entries = "".join(f"<sitemap><loc>{xml_escape(self._origin() + p)}</loc></sitemap>\n"
                          for p in ("/sitemaps/classic.xml", "/sitemaps/db.xml.gz"))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</sitemapindex>\n")

    def _sitemap(self, styles: tuple[str, ...]) -> str:
        origin = self._origin()
        urls = [p["path"] for p in self.site.manifest.film_pages if p["style"] in styles]
        entries = "".join(f"<url><loc>{xml_escape(origin + u)}</loc></url>\n" for u in urls)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</urlset>\n"
        )

    def _redirect(self, target: str, status: HTTPStatus, send_body: bool) -> None:
        body = f'<!DOCTYPE html><title>Moved</title><a href="{target}">Moved</a>\n'.encode()
        self.send_response(status)
        self.send_header("Location", self._origin() + target)
        self._finish(body, "text/html; charset=utf-8", send_body)

    def _send_status(self, status: HTTPStatus, send_body: bool) -> None:
        body = f"<!DOCTYPE html><title>{status.value} {status.phrase}</title><h1>{status.phrase}</h1>\n".encode()
        self.send_response(status)
        self._finish(body, "text/html; charset=utf-8", send_body)

    def _send_bytes(self, body: bytes, suffix: str, mtime: float | None, send_body: bool, charset: str | None = None) -> None:
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        last_modified = formatdate(int(mtime), usegmt=True) if mtime is not None else None
        if self._not_modified(etag, mtime):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            if last_modified:
                self.send_header("Last-Modified", last_modified)
            self.end_headers()  # a 304 has no body, so no Content-Length
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("ETag", etag)
        if last_modified:
            self.send_header("Last-Modified", last_modified)
        content_type = _CONTENT_TYPES.get(suffix, "application/octet-stream")
        self._finish(body, f"{content_type}; charset={charset}" if charset else content_type, send_body)

    def _not_modified(self, etag: str, mtime: float | None) -> bool:
        """If-None-Match wins over If-Modified-Since, as RFC 9110 asks."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            return if_none_match.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since is None or mtime is None:
            return False
        try:
            return int(mtime) <= parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            return False

    def _finish(self, body: bytes, content_type: str, send_body: bool) -> None:
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a crawler's size limit)
                self.close_connection = True


def _suffix(site_path: str) -> str:
    """The suffix that decides the Content-Type: ``.php`` for ``film.php``, "" for ``/watch/x``."""
    name = site_path.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""
