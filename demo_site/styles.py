"""Which site style shows which film: the plan of every film page of the site.

Real movie sites differ in layout, markup and ids, so the site shows its films in several
styles generated from the same data, each under its own prefix:

| style | looks like | markup |
|---|---|---|
| classic | a small film site | JSON-LD with ``identifier``, ``sameAs`` to MovieLens/IMDb/TMDb |
| db | a film database (``/db/title/tt…/``) | JSON-LD without ``identifier``; writers in ``creator`` |
| review | a review site | JSON-LD ``@graph`` with the film as ``itemReviewed``, ``actors``, ``releasedEvent`` |
| micro | an older catalogue (``film.php?id=``) | microdata only, ``itemprop`` on links to person pages |
| og | a streaming page | OpenGraph ``video.movie`` only, plot in the body |
| app | a client-rendered app (``/app/movie/N-slug``) | none in the HTML: the film in the state the app embeds (Next.js ``__NEXT_DATA__`` with TMDB's shape, ``window.__INITIAL_STATE__``, or App Router flight rows) |
| legacy | a 2000s European HTML site in windows-1252 | none: facts in a table labelled in English, German, French or Spanish, title in ``<title>`` |
| wiki / wiki-old | Wikipedia, current and older skin | infobox, lead, Plot, Cast |
| export | MediaWiki Special:Export | XML with wikitext |

Article films always have a classic page (whose ``subjectOf`` names the article) and a wiki
page in one of the two skins, alternately; every third one also has its Special:Export XML.
The other films take the page styles in turn (from a seeded start), and every third one a
second style too, so the crawl must merge the same film met on two sites. TV series appear
on the db style.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

from demo_site import paths
from demo_site.catalog import SiteMovie
from demo_site.seeded import seeded_int

PAGE_STYLES = ("classic", "db", "review", "micro", "og", "app", "legacy")
ARTICLE_STYLES = ("wiki", "wiki-old", "export")  # pages with the article's own title
# Facts each style states on a film page (beside title and year), for measuring the crawl.
STYLE_FIELDS = {
    "classic": ("genre", "director", "actor", "author", "producer", "productionCompany", "countryOfOrigin", "inLanguage"),
    "db": ("genre", "director", "actor", "author", "productionCompany"),
    "review": ("genre", "director", "actor"),
    "micro": ("genre", "director", "actor"),
    "og": (),
    "app": ("genre", "director", "actor", "author", "producer", "productionCompany"),
    "legacy": ("genre", "director", "actor"),
    "wiki": ("director", "actor", "author", "producer", "productionCompany", "countryOfOrigin", "inLanguage"),
    "wiki-old": ("director", "actor", "author", "producer", "productionCompany", "countryOfOrigin", "inLanguage"),
    "export": ("director", "actor", "author", "producer", "productionCompany", "countryOfOrigin", "inLanguage"),
}
STYLE_METHOD = {
    "classic": "json-ld", "db": "json-ld", "review": "json-ld", "micro": "microdata", "og": "opengraph", "app": "app-state",
    "legacy": "html", "wiki": "mediawiki", "wiki-old": "mediawiki", "export": "mediawiki",
}


@dataclass(frozen=True)
class FilmPage:
    """One page that shows one film: its style, path and the film's number on the site."""

    style: str
    path: str
    movie_id: str
    number: int  # 1-based position of the film on the site (ids of the query-string styles)

    @property
    def method(self) -> str:
        return STYLE_METHOD[self.style]

    def row(self) -> dict:
        return asdict(self) | {"method": self.method}


def plan_film_pages(movies: list[SiteMovie], tv_ids: set[str], seed: int) -> list[FilmPage]:
    """Every film page of the site, in a stable order (by film, then style)."""
    pages: list[FilmPage] = []
    turns = {"article": 0, "film": 0}
    for number, movie in enumerate(movies, start=1):
        group = "article" if movie.article is not None else "film"
        styles = styles_of(movie, movie.movie_id in tv_ids, turns[group], seed)
        turns[group] += 1
        pages += [FilmPage(style, page_path(style, movie, number), movie.movie_id, number) for style in styles]
    return pages


def styles_of(movie: SiteMovie, is_tv: bool, turn: int, seed: int) -> tuple[str, ...]:
    """Styles of a film, given its turn among the article films or among the others: the
    styles go round in a seeded order, so even a small site has every style."""
    if is_tv:
        return ("db",)
    offset = seeded_int(seed, "styles") % len(PAGE_STYLES)
    if movie.article is not None:
        skin = ("wiki", "wiki-old")[(turn + offset) % 2]
        return ("classic", skin, "export") if turn % 3 == 0 else ("classic", skin)
    first = PAGE_STYLES[(turn + offset) % len(PAGE_STYLES)]
    if movie.year is None or turn % 3 != 1:
        return (first,)
    return (first, PAGE_STYLES[(turn + offset + 2) % len(PAGE_STYLES)])


def page_path(style: str, movie: SiteMovie, number: int) -> str:
    slug = film_slug(movie)
    if style == "classic":
        return paths.movie_path(movie.movie_id)
    if style == "db":
        return paths.db_title_path(movie.movielens.imdb_id if movie.movielens and movie.movielens.imdb_id else movie.movie_id)
    if style == "review":
        return paths.review_path(slug)
    if style == "micro":
        return paths.micro_film_path(number)
    if style == "og":
        return paths.og_path(f"{slug}-{number}")
    if style == "app":
        return paths.app_path(f"{number}-{slug}")
    if style == "legacy":
        return paths.legacy_path(number)
    assert movie.article is not None, f"{style} pages are for article films"
    if style == "wiki":
        return paths.article_path(movie.article.slug)
    if style == "wiki-old":
        return paths.old_skin_article_path(movie.article.slug)
    return paths.export_path(movie.article.slug)


def film_slug(movie: SiteMovie) -> str:
    """``toy-story-1995``: lower-case ASCII words of the title, and the year."""
    ascii_title = unicodedata.normalize("NFKD", movie.title).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_title).strip("-") or "film"
    return f"{words}-{movie.year}" if movie.year else words
