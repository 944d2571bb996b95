"""Sites that ask for a slower crawl: 429 with Retry-After, robots.txt Crawl-delay; over real HTTP."""

from __future__ import annotations

import http.server
import json
import threading
import time
from pathlib import Path

from crawl import CrawlConfig, crawl_movie_site
from crawl.middlewares import retry_after_seconds
from warehouse import Warehouse

FILM = {"@context": "https://schema.org", "@type": "Movie", "name": "Heat", "datePublished": "1995-12-15",
        "director": {"@type": "Person", "name": "Michael Mann"}}
PAGES = {
    "/": '<html><body><a href="/film/1">Heat</a> <a href="/film/2">Ronin</a></body></html>',
    "/film/1": f'<html><head><script type="application/ld+json">{json.dumps(FILM)}</script></head><body><h1>Heat</h1></body></html>',
    "/film/2": f'<html><head><script type="application/ld+json">{json.dumps({**FILM, "name": "Ronin", "datePublished": "1998"})}'
               '</script></head><body><h1>Ronin</h1></body></html>',
}
WAIT_S = 2
CRAWL_DELAY_S = 1


class _RateLimited(http.server.BaseHTTPRequestHandler):
    """Answers each film page's first request with 429 and ``Retry-After: 2``; logs (path, status, time)."""

    log: list[tuple[str, int, float]] = []
    limited: set[str] = set()

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/robots.txt" or self.path not in PAGES:
            self._answer(404, b"not found")
        elif self.path.startswith("/film/") and self.path not in self.limited:
            self.limited.add(self.path)
            self._answer(429, b"slow down", {"Retry-After": str(WAIT_S)})
        else:
            self._answer(200, PAGES[self.path].encode(), {"Content-Type": "text/html; charset=utf-8"})

    def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.log.append((self.path, status, time.monotonic()))
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None: ...


class _CrawlDelayed(_RateLimited):
    """No 429s; robots.txt asks every crawler for a one-second crawl delay."""

    log: list[tuple[str, int, float]] = []

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/robots.txt":
            self._answer(200, f"User-agent: *\nCrawl-delay: {CRAWL_DELAY_S}\nDisallow: /private/\n".encode(),
                         {"Content-Type": "text/plain"})
        elif self.path in PAGES:
            self._answer(200, PAGES[self.path].encode(), {"Content-Type": "text/html; charset=utf-8"})
        else:
            self._answer(404, b"not found")


def crawl(handler: type[http.server.BaseHTTPRequestHandler], tmp_path: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        config = CrawlConfig(start_url=f"http://127.0.0.1:{server.server_address[1]}/", work_dir=tmp_path / "work",
                             use_http_cache=False)
        return crawl_movie_site(config, Warehouse(tmp_path / "w.duckdb", tmp_path / "blobs"), "b1")
    finally:
        server.shutdown()
        server.server_close()


def test_a_429_with_retry_after_is_retried_after_the_wait_and_the_films_are_stored(tmp_path: Path) -> None:
    summary = crawl(_RateLimited, tmp_path)
    assert summary.movies == 2 and summary.errors == 0, summary
    for path in ("/film/1", "/film/2"):
        answers = [(status, at) for p, status, at in _RateLimited.log if p == path]
        assert [status for status, _ in answers] == [429, 200], answers
        assert answers[1][1] - answers[0][1] >= WAIT_S * 0.9, f"{path} retried {answers[1][1] - answers[0][1]:.2f} s after its 429"


def test_robots_crawl_delay_spaces_the_requests_to_the_site(tmp_path: Path) -> None:
    summary = crawl(_CrawlDelayed, tmp_path)
    assert summary.movies == 2 and summary.errors == 0, summary
    times = sorted(at for _, _, at in _CrawlDelayed.log)[1:]  # after the robots.txt that tells the delay
    assert len(times) == 5  # the start page, the spider's own robots.txt read, two films, /sitemap.xml
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert min(gaps) >= CRAWL_DELAY_S * 0.9, gaps


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds(b"Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None


def test_a_public_site_gets_two_requests_in_flight_and_a_local_one_eight() -> None:
    from crawl.stage import default_concurrency

    assert default_concurrency(("http://127.0.0.1:8642/",)) == default_concurrency(("http://10.0.0.5/films/",)) == 8
    assert default_concurrency(("https://www.imdb.com/chart/top/",)) == 2
    assert default_concurrency(("http://127.0.0.1:8642/", "https://en.wikipedia.org/wiki/Heat")) == 2
