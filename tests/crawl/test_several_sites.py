"""One crawl of several sites: each start URL's site is crawled, and a film met on two sites is one item."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

from crawl import CrawlConfig, crawl_movie_site
from warehouse import Warehouse

HEAT = {"@context": "https://schema.org", "@type": "Movie", "name": "Heat", "datePublished": "1995-12-15",
        "director": {"@type": "Person", "name": "Michael Mann"}, "sameAs": "https://www.imdb.com/title/tt0113277/"}
DATABASE = {
    "/": '<html><body><a href="/title/tt0113277/">Heat</a></body></html>',
    "/title/tt0113277/": f'<html><head><script type="application/ld+json">{json.dumps(HEAT)}</script></head><body></body></html>',
}
OLD_SITE = {  # no markup, no ids: the same Heat by title and year, and a film only this site has
    "/": '<html><body><a href="/films/heat.htm">Heat</a> <a href="/films/ronin.htm">Ronin</a></body></html>',
    "/films/heat.htm": "<html><head><title>Heat (1995)</title></head><body><h1>Heat</h1><table>"
                       "<tr><td>Director:</td><td>Michael Mann</td></tr><tr><td>Cast:</td><td>Al Pacino, Robert De Niro</td></tr>"
                       "</table></body></html>",
    "/films/ronin.htm": "<html><head><title>Ronin (1998)</title></head><body><h1>Ronin</h1><table>"
                        "<tr><td>Director:</td><td>John Frankenheimer</td></tr><tr><td>Cast:</td><td>Robert De Niro</td></tr>"
                        "</table></body></html>",
}


class _Pages(http.server.BaseHTTPRequestHandler):
    def __init__(self, pages: dict[str, str], *args: object) -> None:
        self.pages = pages
        super().__init__(*args)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = self.pages.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        data = (body or "not found").encode()
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None: ...


@contextlib.contextmanager
def served(pages: dict[str, str]) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Pages, pages))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_two_sites_in_one_crawl_merge_the_film_they_share(tmp_path: Path) -> None:
    warehouse = Warehouse(tmp_path / "w.duckdb", tmp_path / "blobs")
    with served(DATABASE) as database, served(OLD_SITE) as old_site:
        config = CrawlConfig(start_url=database, more_start_urls=(old_site,), work_dir=tmp_path / "work", use_http_cache=False)
        summary = crawl_movie_site(config, warehouse, "b1")
    assert summary.movies == 2 and summary.errors == 0, summary
    with warehouse.connect() as con:
        sources = dict(con.execute("SELECT movie_id, count(*) FROM movie_sources GROUP BY movie_id").fetchall())
    assert sources["tt0113277"] == 2  # the database page and the old site's page
    assert len(sources) == 2
