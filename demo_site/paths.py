"""The site's URL layout in one place (root-relative paths; files live at the same path)."""

from __future__ import annotations

LISTING_PAGE_SIZE = 20
MANIFEST_NAME = "site_manifest.json"


def movie_path(movie_id: str) -> str:
    return f"/movies/{movie_id}.html"


def old_movie_path(movie_id: str) -> str:
    """The pre-move address that answers 301 to :func:`movie_path`."""
    return f"/old{movie_path(movie_id)}"


def poster_path(movie_id: str) -> str:
    return f"/media/posters/{movie_id}.jpg"


def trailer_path(movie_id: str) -> str:
    return f"/media/trailers/{movie_id}.mp4"


def stream_path(movie_id: str) -> str:
    """The HLS playlist of a streamed trailer; its segments lie beside it."""
    return f"/media/streams/{movie_id}/index.m3u8"


def trailer_page_path(movie_id: str) -> str:
    return f"/trailers/{movie_id}.html"


def article_path(slug: str) -> str:
    return f"/wiki/{slug}.html"


def listing_path(page: int) -> str:
    """Listing page ``page`` (1-based): the first is ``/movies/index.html``."""
    return "/movies/index.html" if page == 1 else f"/movies/page-{page}.html"


# Other site styles, each under its own prefix (see docs/DEMO_SITE.md).
def db_title_path(key: str) -> str:
    """Database style: ``/db/title/tt0114709/`` (the IMDb id when the film has one)."""
    return f"/db/title/{key}/"


def db_chart_path(page: int) -> str:
    return "/db/chart" if page == 1 else f"/db/chart?page={page}"


def review_path(slug: str) -> str:
    return f"/reviews/{slug}.html"


def review_listing_path(page: int) -> str:
    return "/reviews/" if page == 1 else f"/reviews/page/{page}/"


def micro_film_path(number: int) -> str:
    return f"/catalogue/film.php?id={number}"


def micro_person_path(number: int) -> str:
    return f"/catalogue/person.php?id={number}"


def micro_listing_path(page: int) -> str:
    return f"/catalogue/list.php?page={page}"


def og_path(slug: str) -> str:
    return f"/watch/{slug}"


OG_INDEX = "/watch/"


def app_path(slug: str) -> str:
    return f"/app/movie/{slug}"


APP_INDEX = "/app/"


def legacy_path(number: int) -> str:
    return f"/old-site/film_{number}.htm"


LEGACY_INDEX = "/old-site/index.htm"


def old_skin_article_path(slug: str) -> str:
    """Older MediaWiki skin, reached through index.php as older wikis link their pages."""
    return f"/w/index.php?title={slug}"


def export_path(slug: str) -> str:
    """MediaWiki Special:Export XML of an article."""
    return f"/export/{slug}.xml"


ARTICLE_INDEX = "/wiki/List_of_films.html"


def file_of(site_path: str) -> str:
    """The file (relative to the site folder) that holds ``site_path``: a query becomes part
    of the name (``film.php?id=3`` -> ``film.php__id=3``), a folder path its ``index.html``."""
    path, _, query = site_path.lstrip("/").partition("?")
    if path.endswith("/") or not path:
        path += "index.html"
    return f"{path}__{query.replace('&', '__')}" if query else path
