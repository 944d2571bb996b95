"""External ids of a movie and the item id built from them.

A page names its film's ids in ``sameAs``, in its own URL (``/title/tt0114709/``) or in its
links to IMDb, TMDb or MovieLens. The item id is the strongest id a film has, so the same
film read on two sites is one item:

1. ``ml<movieId>`` when the film is linked to MovieLens (ratings are keyed by it);
2. else the IMDb id (``tt0114709``), else ``tmdb<id>``;
3. else ``film-<ASCII slug of the title>-<year>`` when the year is known (a title in another
   script has no ASCII slug: ``t`` and 12 hex of the sha1 of its normalised title stand in);
4. else ``page-<12 hex of sha1(url)>`` (the page itself is all we know).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MOVIELENS_RE = re.compile(r"movielens\.org/movies/(\d+)")
IMDB_TITLE_RE = re.compile(r"(?:imdb\.com/(?:[a-z]{2}/)?title/|^)(tt\d{7,9})\b")
IMDB_NAME_RE = re.compile(r"\b(nm\d{7,9})\b")
TMDB_RE = re.compile(r"themoviedb\.org/(?:movie|film)/(\d+)")
LEADING_ARTICLE_RE = re.compile(r"^(.*), (the|a|an|les|la|le|el|il|der|die|das)$", re.IGNORECASE)


@dataclass(frozen=True)
class ExternalIds:
    """Ids that identify a film across sites; None where unknown."""

    movielens_id: int | None = None
    imdb_id: str | None = None
    tmdb_id: str | None = None

    def merged(self, other: "ExternalIds") -> "ExternalIds":
        """Fill what this one lacks from ``other``."""
        return ExternalIds(
            self.movielens_id if self.movielens_id is not None else other.movielens_id,
            self.imdb_id or other.imdb_id,
            self.tmdb_id or other.tmdb_id,
        )


def ids_in_urls(urls: Iterable[str]) -> ExternalIds:
    """The first MovieLens, IMDb title and TMDb id found in any of the URLs."""
    movielens = imdb = tmdb = None
    for url in urls:
        if movielens is None and (match := MOVIELENS_RE.search(url)):
            movielens = int(match.group(1))
        if imdb is None and "/name/" not in url and (match := IMDB_TITLE_RE.search(url)):
            imdb = match.group(1)
        if tmdb is None and (match := TMDB_RE.search(url)):
            tmdb = match.group(1)
    return ExternalIds(movielens, imdb, tmdb)


def imdb_title_in_page_url(url: str) -> str | None:
    """``/title/tt0114709/`` style page addresses (IMDb and the many sites that copy it)."""
    match = re.search(r"/(tt\d{7,9})(?:[/?#.]|$)", url)
    return match.group(1) if match else None


def normalised_title(title: str) -> str:
    """Case-folded letters and digits of any script, without diacritics; "X, The" read as
    "The X"; "&" as "and". "Сталкер" and "千と千尋の神隠し" keep their letters: a key of
    ASCII only would be empty for them, and every such film of a year would share it."""
    text = "".join(c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c)).strip()
    if match := LEADING_ARTICLE_RE.match(text):
        text = f"{match.group(2)} {match.group(1)}"
    return re.sub(r"[\W_]", "", text.casefold().replace("&", "and"))


def item_id(ids: ExternalIds, title: str, year: int | None, url: str) -> str:
    """The item id by the rule in this module's docstring."""
    if ids.movielens_id is not None:
        return f"ml{ids.movielens_id}"
    if ids.imdb_id:
        return ids.imdb_id
    if ids.tmdb_id:
        return f"tmdb{ids.tmdb_id}"
    slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()).strip("-")
    if not slug and (key := normalised_title(title)):  # a title in another script: its key's hash
        slug = "t" + hashlib.sha1(key.encode()).hexdigest()[:12]
    if year is not None and slug:
        return f"film-{slug[:80]}-{year}"
    return "page-" + hashlib.sha1(url.encode()).hexdigest()[:12]
