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


def trailer_page_path(movie_id: str) -> str:
    return f"/trailers/{movie_id}.html"


def article_path(slug: str) -> str:
    return f"/wiki/{slug}.html"


def listing_path(page: int) -> str:
    """Listing page ``page`` (1-based): the first is ``/movies/index.html``."""
    return "/movies/index.html" if page == 1 else f"/movies/page-{page}.html"
