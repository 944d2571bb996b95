"""Choose the movies of the site: Wikipedia films matched to MovieLens, then the most rated.

Matching keeps a film's MovieLens id (``ml<movieId>``) so the site's people, ratings and
external ids all meet on one item; unmatched films become ``wp-<slug>``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from demo_site.movielens import MovieLensMovie
from demo_site.seeded import seeded_int
from crawl.identity import normalised_title
from crawl.wikitext import FilmArticle


@dataclass(frozen=True)
class SiteMovie:
    """One movie of the site, with the sources its page is made from."""

    movie_id: str
    title: str
    year: int | None
    movielens: MovieLensMovie | None
    article: FilmArticle | None


def match_articles(
    articles: list[FilmArticle], movies: list[MovieLensMovie]
) -> dict[str, MovieLensMovie]:
    """Article title -> MovieLens movie, by normalised title and year (±1 year if unique)."""
    by_key: dict[tuple[str, int | None], list[MovieLensMovie]] = {}
    for movie in movies:
        for name in _title_variants(movie.title):
            by_key.setdefault((name, movie.year), []).append(movie)
    matches = {}
    for article in articles:
        name = normalised_title(article.display_title)
        exact = by_key.get((name, article.year), [])
        if len(exact) == 1:
            matches[article.title] = exact[0]
        elif article.year is not None and not exact:
            near = by_key.get((name, article.year - 1), []) + by_key.get((name, article.year + 1), [])
            if len(near) == 1:
                matches[article.title] = near[0]
    return matches


def _title_variants(title: str) -> set[str]:
    """The title and its main part: "Star Wars: Episode V - The Empire Strikes Back" also
    answers to "The Empire Strikes Back", "Dr. Strangelove or: How I ..." to "Dr. Strangelove"
    and "Lupin III: The Castle Of Cagliostro" to "The Castle Of Cagliostro"."""
    variants = {
        title,
        title.rsplit(" - ", 1)[-1],
        title.split(": ", 1)[-1],
        re.split(r" or:|:", title, maxsplit=1)[0],
    }
    return {normalised_title(v) for v in variants if v.strip()}


def select_movies(
    articles: list[FilmArticle], movies: list[MovieLensMovie], n_movies: int, seed: int
) -> list[SiteMovie]:
    """Article films first, then the most rated MovieLens movies, ``n_movies`` in all.

    ``movies`` must be ordered most rated first. A site smaller than the article set gets
    about a third article films (at least one matched to MovieLens) so it still has people
    and ratings.
    """
    matches = match_articles(articles, movies)
    chosen = _choose_articles(articles, matches, n_movies, seed)
    site = [_article_movie(a, matches.get(a.title)) for a in chosen]
    taken = {m.movielens.movie_id for m in site if m.movielens}
    for movie in movies:
        if len(site) >= n_movies:
            break
        if movie.movie_id not in taken:
            site.append(SiteMovie(f"ml{movie.movie_id}", movie.title, movie.year, movie, None))
    return site[:n_movies]


def _choose_articles(
    articles: list[FilmArticle], matches: dict[str, MovieLensMovie], n_movies: int, seed: int
) -> list[FilmArticle]:
    if n_movies >= len(articles):
        return list(articles)
    wanted = max(1, round(n_movies / 3))
    matched = sorted((a for a in articles if a.title in matches), key=lambda a: -matches[a.title].rating_count)
    unmatched = sorted((a for a in articles if a.title not in matches), key=lambda a: seeded_int(seed, a.title))
    n_matched = min(len(matched), max(1, wanted // 2))
    chosen = matched[:n_matched] + unmatched[: wanted - n_matched]
    chosen += matched[n_matched : n_matched + wanted - len(chosen)]
    chosen_titles = {a.title for a in chosen}
    return [a for a in articles if a.title in chosen_titles]


def _article_movie(article: FilmArticle, movie: MovieLensMovie | None) -> SiteMovie:
    if movie is not None:
        return SiteMovie(f"ml{movie.movie_id}", movie.title, movie.year, movie, article)
    slug = re.sub(r"[^a-z0-9]+", "-", _ascii_lower(article.title)).strip("-")
    return SiteMovie(f"wp-{slug}", article.display_title, article.year, None, article)


def _ascii_lower(title: str) -> str:
    """Lower-case ASCII with word breaks kept, for readable ids."""
    return unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
