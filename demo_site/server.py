"""Serve a generated site on 127.0.0.1 the way a real web server would.

Files come with Content-Type, Content-Length, ETag and Last-Modified (304 on conditional
requests, so nightly crawls can skip unchanged pages); robots.txt and sitemap.xml are made
per request with absolute URLs from the Host header; the manifest's faults answer 500 or 301.
"""

from __future__ import annotations

import hashlib
import threading
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape as xml_escape

from demo_site import paths
from demo_site.config import SiteManifest

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".mp4": "video/mp4",
    ".jpg": "image/jpeg",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
}
_OLD_PREFIX = "/old/"


class SiteServer:
    """A threaded HTTP server for one site folder; a context manager or ``start()``/``stop()``."""

    def __init__(self, site_dir: Path, port: int = 0) -> None:
        self.site_dir = Path(site_dir).resolve()
        self.manifest = SiteManifest.load(self.site_dir)
        self._port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the server is not started")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> "SiteServer":
        if self._httpd is None:
            handler = type("SiteHandler", (_SiteHandler,), {"site": self})
            try:
                self._httpd = ThreadingHTTPServer(("127.0.0.1", self._port), handler)
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

    def _respond(self, send_body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        if path in self.site.manifest.fault_paths("http_500"):
            return self._send_status(HTTPStatus.INTERNAL_SERVER_ERROR, send_body)
        if path.startswith(_OLD_PREFIX):
            return self._redirect("/" + path[len(_OLD_PREFIX) :], send_body)
        if path == "/robots.txt":
            return self._send_bytes(self._robots().encode(), ".txt", None, send_body)
        if path == "/sitemap.xml":
            return self._send_bytes(self._sitemap().encode(), ".xml", None, send_body)
        file = self._file_for(path)
        if file is None:
            return self._send_status(HTTPStatus.NOT_FOUND, send_body)
        self._send_bytes(file.read_bytes(), file.suffix, file.stat().st_mtime, send_body)

    def _file_for(self, path: str) -> Path | None:
        if path.endswith("/"):
            path += "index.html"
        if path.lstrip("/") == paths.MANIFEST_NAME:
            return None
        file = (self.site.site_dir / path.lstrip("/")).resolve()
        if not file.is_relative_to(self.site.site_dir) or not file.is_file():
            return None
        return file

    def _origin(self) -> str:
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_address[1]}"
        return f"http://{host}"

    def _robots(self) -> str:
        return f"User-agent: *\nDisallow: /private/\n\nSitemap: {self._origin()}/sitemap.xml\n"

    def _sitemap(self) -> str:
        origin = self._origin()
        manifest = self.site.manifest
        urls = [m["path"] for m in manifest.movies] + manifest.articles
        entries = "".join(f"<url><loc>{xml_escape(origin + u)}</loc></url>\n" for u in urls)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</urlset>\n"
        )

    def _redirect(self, target: str, send_body: bool) -> None:
        if self._file_for(target) is None:
            return self._send_status(HTTPStatus.NOT_FOUND, send_body)
        body = f'<!DOCTYPE html><title>Moved</title><a href="{target}">Moved permanently</a>\n'.encode()
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", self._origin() + target)
        self._finish(body, "text/html; charset=utf-8", send_body)

    def _send_status(self, status: HTTPStatus, send_body: bool) -> None:
        body = f"<!DOCTYPE html><title>{status.value} {status.phrase}</title><h1>{status.phrase}</h1>\n".encode()
        self.send_response(status)
        self._finish(body, "text/html; charset=utf-8", send_body)

    def _send_bytes(self, body: bytes, suffix: str, mtime: float | None, send_body: bool) -> None:
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
        self._finish(body, _CONTENT_TYPES.get(suffix, "application/octet-stream"), send_body)

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
            self.wfile.write(body)
