"""A small movie site laid out like docs/DEMO_SITE.md, served on 127.0.0.1 for crawl tests.

Faults included: a 404 and a 500 link, a 301 from /old/…, duplicate links with ``?ref=``,
a detail page with malformed JSON-LD, a robots-disallowed link and an off-site link.
"""

from __future__ import annotations

import html
import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

MALFORMED_ID = "ml4"
TOY_STORY = {
    "@context": "https://schema.org", "@type": "Movie", "identifier": "ml1", "name": "Toy Story",
    "datePublished": "1995", "genre": ["Adventure", "Animation"],
    "director": [{"@type": "Person", "name": "John Lasseter", "sameAs": "https://www.imdb.com/name/nm0005124/"}],
    "actor": [{"@type": "Person", "name": "Tom Hanks"}, {"@type": "Person", "name": "Tim Allen"}],
    "author": [{"@type": "Person", "name": "Joss Whedon"}],
    "productionCompany": [{"@type": "Organization", "name": "Pixar Animation Studios"}],
    "countryOfOrigin": [{"@type": "Country", "name": "United States"}],
    "inLanguage": "English",
    "sameAs": ["https://movielens.org/movies/1", "https://www.imdb.com/title/tt0114709/",
               "https://www.themoviedb.org/movie/862"],
    "image": "/media/posters/ml1.jpg",
    "trailer": {"@type": "VideoObject", "name": "Toy Story (trailer)", "url": "/trailers/ml1.html",
                "contentUrl": "/media/trailers/ml1.mp4"},
    "description": "A cowboy doll is threatened by a new spaceman figure.",
    "subjectOf": {"@type": "Article", "url": "/wiki/Toy_Story.html"},
}

ARTICLE_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Toy Story - Wikipedia</title></head><body>
<h1 id="firstHeading">Toy Story</h1>
<div id="content">
<table class="infobox"><tbody>
<tr><th colspan="2">Toy Story</th></tr>
<tr><th>Directed by</th><td><a href="/wiki/John_Lasseter.html">John Lasseter</a></td></tr>
<tr><th>Screenplay by</th><td>Joss Whedon<br>Andrew Stanton</td></tr>
<tr><th>Starring</th><td><ul><li>Tom Hanks</li><li>Tim Allen</li><li>Don Rickles</li></ul></td></tr>
<tr><th>Production company</th><td>Pixar Animation Studios</td></tr>
<tr><th>Country</th><td>United States</td></tr>
<tr><th>Language</th><td>English</td></tr>
<tr><th>Budget</th><td>$30 million</td></tr>
</tbody></table>
<p><b>Toy Story</b> is a 1995 American animated comedy film directed by John Lasseter.[1]</p>
<h2>Plot</h2>
<p>Woody, a pull-string cowboy doll, leads a group of toys.</p>
<p>Buzz Lightyear arrives &amp; Woody feels replaced.</p>
<h2>Cast</h2>
<ul><li>Tom Hanks as Woody</li><li>Tim Allen as Buzz Lightyear</li></ul>
<h2>Reception</h2>
<p>Critics praised the film.</p>
</div>
<footer><p>Text from Wikipedia, licensed under CC BY-SA 4.0.</p></footer>
</body></html>
"""


def movie_jsonld(index: int) -> dict[str, Any]:
    """A MovieLens-only movie (no people), as the site generator writes it."""
    return {
        "@context": "https://schema.org", "@type": "Movie", "identifier": f"ml{index}",
        "name": f"Movie {index}", "datePublished": str(1950 + index % 70),
        "genre": ["Drama", "Comedy"] if index % 2 else ["Thriller"],
        "sameAs": [f"https://movielens.org/movies/{index}", f"https://www.imdb.com/title/tt{index:07d}/",
                   f"https://www.themoviedb.org/movie/{1000 + index}"],
        "image": f"/media/posters/ml{index}.jpg",
        "trailer": {"@type": "VideoObject", "url": f"/trailers/ml{index}.html"},
        "description": f"The story of movie number {index}.",
    }


def detail_page(jsonld: dict[str, Any] | str) -> str:
    """A detail page; a ``str`` is written into the script element as is (for broken JSON)."""
    data = jsonld if isinstance(jsonld, dict) else {"name": "Broken Movie", "description": "Its markup is broken."}
    script = jsonld if isinstance(jsonld, str) else json.dumps(jsonld, indent=1)
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(data['name'])}</title>\n"
        f"<script type=\"application/ld+json\">\n{script}\n</script></head>\n<body>"
        f"<h1>{html.escape(data['name'])}</h1>\n"
        f"<p class=\"description\">{html.escape(data.get('description', ''))}</p>\n"
        "<a href=\"/movies/index.html\">All movies</a></body></html>\n"
    )


MALFORMED_JSONLD = '{"@context": "https://schema.org",\n "@type": "Movie"\n "identifier": "ml4", "name": "Broken Movie"}'


def listing_page(links: list[str], next_href: str | None) -> str:
    items = "\n".join(f'<li><a class="movie-link" href="{href}">{href}</a></li>' for href in links)
    nxt = f'<a rel="next" href="{next_href}">Next</a>' if next_href else ""
    return f"<!DOCTYPE html>\n<html><body><h1>Movies</h1><ul>\n{items}\n</ul>{nxt}</body></html>\n"


@dataclass
class FixtureSite:
    """Where the site lives and what its server has seen."""

    root: Path
    base_url: str = ""
    requests: Counter[str] = field(default_factory=Counter)
    conditional: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base_url + path


def write_small_site(root: Path) -> list[str]:
    """The test site: 3 good detail pages, 1 malformed, an article, 2 listing pages; returns sitemap paths."""
    movies: dict[str, dict[str, Any] | str] = {
        "ml1": TOY_STORY, "ml2": movie_jsonld(2), "ml3": movie_jsonld(3), MALFORMED_ID: MALFORMED_JSONLD,
    }
    for movie_id, jsonld in movies.items():
        _write(root / "movies" / f"{movie_id}.html", detail_page(jsonld))
    _write(root / "wiki" / "Toy_Story.html", ARTICLE_HTML)
    _write(root / "private" / "secret.html", detail_page(movie_jsonld(99)))
    _write(root / "movies" / "index.html", listing_page(
        ["/movies/ml1.html", "/movies/ml2.html", "/movies/ml2.html?ref=list", f"/movies/{MALFORMED_ID}.html",
         "/movies/missing.html", "/movies/fail.html"], "/movies/page-2.html"))
    _write(root / "movies" / "page-2.html", listing_page(
        ["/movies/ml3.html?ref=list#top", "/old/movies/ml1.html", "/private/secret.html",
         "http://example.com/movies/elsewhere.html"], None))
    return [f"/movies/{m}.html" for m in movies] + ["/wiki/Toy_Story.html", "/movies/ml2.html?ref=sitemap"]


def write_generated_site(root: Path, n_movies: int) -> list[str]:
    """A site of ``n_movies`` MovieLens-only detail pages, 20 per listing page; returns sitemap paths."""
    paths = [f"/movies/ml{i}.html" for i in range(1, n_movies + 1)]
    for i, path in enumerate(paths, start=1):
        _write(root / path.lstrip("/"), detail_page(movie_jsonld(i)))
    pages = [paths[i:i + 20] for i in range(0, len(paths), 20)]
    for n, links in enumerate(pages, start=1):
        name = "index.html" if n == 1 else f"page-{n}.html"
        nxt = f"/movies/page-{n + 1}.html" if n < len(pages) else None
        _write(root / "movies" / name, listing_page(links, nxt))
    return paths


def write_robots_and_sitemap(site: FixtureSite, sitemap_paths: list[str]) -> None:
    """Written once the port is known: both carry absolute URLs."""
    locs = "\n".join(f"<url><loc>{html.escape(site.url(p))}</loc></url>" for p in sitemap_paths)
    _write(site.root / "sitemap.xml",
           '<?xml version="1.0" encoding="UTF-8"?>\n'
           f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{locs}\n</urlset>\n')
    _write(site.root / "robots.txt",
           f"User-agent: *\nDisallow: /private/\n\nSitemap: {site.url('/sitemap.xml')}\n")


class FaultyHandler(SimpleHTTPRequestHandler):
    """Static files, plus a 500 for /movies/fail.html and 301 from /old/… to the path without it."""

    site: FixtureSite

    def do_GET(self) -> None:
        with self.site.lock:
            self.site.requests[self.path] += 1
            if self.headers.get("If-Modified-Since") or self.headers.get("If-None-Match"):
                self.site.conditional[self.path] += 1
        if self.path == "/movies/fail.html":
            self.send_error(500, "Internal Server Error")
        elif self.path.startswith("/old/"):
            self.send_response(301)
            self.send_header("Location", self.path[len("/old"):])
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request log line on stderr."""


@contextmanager
def serve(root: Path) -> Iterator[FixtureSite]:
    """Serve ``root`` on 127.0.0.1 at a free port in a background thread."""
    site = FixtureSite(root=root)
    handler = type("Handler", (FaultyHandler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
