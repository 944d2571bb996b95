"""HTML of every page: detail pages with schema.org JSON-LD, listings, articles, trailers.

Pages are plain HTML5 with root-relative links, shaped like real movie sites so the crawler
and extractors meet the same markup they would in the wild.
"""

from __future__ import annotations

import json
from html import escape
from urllib.parse import quote

from demo_site import paths
from demo_site.catalog import SiteMovie
from demo_site.faults import (
    ALIAS_PREFIX, CHAIN_PREFIX, ERROR_PATH, LOOP_PATHS, MISSING_PATH, NON_HTML_PATH, OVERSIZED_PATH, FaultPlan,
)
from demo_site.trailers import is_streamed
from crawl.wikitext import FilmArticle

SITE_NAME = "MMKG demo movies"
_MOVIELENS_CREDIT = (
    'Movie titles, genres and ratings from <a href="https://grouplens.org/datasets/movielens/">MovieLens</a> '
    "(GroupLens Research, ml-latest-small): F. Maxwell Harper and Joseph A. Konstan. 2015. "
    "The MovieLens Datasets: History and Context. ACM Transactions on Interactive Intelligent Systems "
    '(TiiS) 5, 4: 19:1&#8211;19:19. <a href="https://doi.org/10.1145/2827872">doi:10.1145/2827872</a>. '
    'Posters, trailers and sounds: see <a href="/credits.html">media credits</a>.'
)
INFOBOX_ROWS = (
    ("Directed by", "directors"),
    ("Written by", "writers"),
    ("Produced by", "producers"),
    ("Starring", "starring"),
    ("Production companies", "studios"),
    ("Country", "countries"),
    ("Language", "languages"),
)


def wikipedia_url(article: FilmArticle) -> str:
    return "https://en.wikipedia.org/wiki/" + quote(article.title.replace(" ", "_"), safe="()_,!'.:-")


def description(movie: SiteMovie) -> str:
    """The article's first lead paragraph, or a sentence made only from MovieLens facts."""
    if movie.article is not None and movie.article.lead:
        return movie.article.lead[0]
    genres = [g.lower() for g in movie.movielens.genres] if movie.movielens else []
    kind = " ".join(x for x in (str(movie.year) if movie.year else "", _join_words(genres)) if x)
    article = "an" if kind.startswith(("a", "e", "i", "o", "u", "18", "11", "8")) else "a"
    return f"{movie.title} is {article} {kind} film." if kind else f"{movie.title} is a film."


def movie_jsonld(movie: SiteMovie, article_path: str | None = None) -> dict:
    """schema.org ``Movie`` of a detail page; keys without a value are left out."""
    art, ml = movie.article, movie.movielens
    same_as = []
    if ml is not None:
        same_as.append(f"https://movielens.org/movies/{ml.movie_id}")
        if ml.imdb_id:
            same_as.append(f"https://www.imdb.com/title/{ml.imdb_id}/")
        if ml.tmdb_id is not None:
            same_as.append(f"https://www.themoviedb.org/movie/{ml.tmdb_id}")
    languages = list(art.languages) if art else []
    data = {
        "@context": "https://schema.org",
        "@type": "Movie",
        "identifier": movie.movie_id,
        "name": movie.title,
        "datePublished": str(movie.year) if movie.year else None,
        "genre": list(ml.genres) if ml else [],
        "director": things("Person", art.directors if art else ()),
        "actor": things("Person", art.starring if art else ()),
        "author": things("Person", art.writers if art else ()),
        "producer": things("Person", art.producers if art else ()),
        "productionCompany": things("Organization", art.studios if art else ()),
        "countryOfOrigin": things("Country", art.countries if art else ()),
        "inLanguage": languages[0] if len(languages) == 1 else languages,
        "sameAs": same_as,
        "image": paths.poster_path(movie.movie_id),
        "trailer": {
            "@type": "VideoObject",
            "name": f"{movie.title} (trailer)",
            "url": paths.trailer_page_path(movie.movie_id),
            "contentUrl": paths.trailer_path(movie.movie_id),
        },
        "description": description(movie),
        "subjectOf": {"@type": "Article", "url": article_path} if article_path else None,
    }
    return {key: value for key, value in data.items() if value}


def detail_page(movie: SiteMovie, malformed_jsonld: bool, article_path: str | None = None) -> str:
    """``/movies/<id>.html``; ``malformed_jsonld`` cuts the JSON in half (a site fault)."""
    jsonld = json.dumps(movie_jsonld(movie, article_path), ensure_ascii=False, indent=1).replace("</", "<\\/")
    if malformed_jsonld:
        jsonld = jsonld[: len(jsonld) // 2]
    art = movie.article
    facts = []
    if movie.year:
        facts.append(f'<dt>Year</dt><dd class="year">{movie.year}</dd>')
    if movie.movielens and movie.movielens.genres:
        facts.append(f'<dt>Genres</dt><dd class="genres">{escape(", ".join(movie.movielens.genres))}</dd>')
    for label, field in INFOBOX_ROWS[:4] if art else ():
        names = getattr(art, field)
        if names:
            facts.append(f"<dt>{label}</dt><dd>{escape(', '.join(names))}</dd>")
    links = [f'<a class="trailer-link" href="{paths.trailer_page_path(movie.movie_id)}">Watch the trailer</a>']
    if article_path:
        links.append(f'<a class="article-link" href="{article_path}">Read the article</a>')
    body = f"""<article class="movie" id="{escape(movie.movie_id)}">
<h1>{escape(movie.title)}</h1>
<img class="poster" src="{paths.poster_path(movie.movie_id)}" alt="Poster of {escape(movie.title)}" width="200" height="300">
<dl class="facts">{"".join(facts)}</dl>
<p class="description">{escape(description(movie))}</p>
<p class="links">{" | ".join(links)}</p>
</article>"""
    head = f'<link rel="canonical" href="{paths.movie_path(movie.movie_id)}">\n<script type="application/ld+json">\n{jsonld}\n</script>'
    return layout(movie.title, body, head=head, wikipedia=art if art and art.lead else None)


def listing_page(
    movies: list[SiteMovie], page: int, n_pages: int, faults: FaultPlan
) -> str:
    """A page of 20 movie links, with the faults planned for it and ``rel`` navigation."""
    items = []
    for movie in movies:
        label = escape(f"{movie.title} ({movie.year})" if movie.year else movie.title)
        href = paths.old_movie_path(movie.movie_id) if movie.movie_id in faults.redirected else paths.movie_path(movie.movie_id)
        if movie.movie_id == faults.redirect_chain:
            href = CHAIN_PREFIX + paths.old_movie_path(movie.movie_id)
        items.append(f'<li><a class="movie-link" href="{href}">{label}</a></li>')
        if movie.movie_id in faults.duplicated:
            items.append(f'<li class="featured"><a class="movie-link" href="{paths.movie_path(movie.movie_id)}?ref=list">{label} (featured)</a></li>')
        if movie.movie_id == faults.canonical_alias:
            items.append(f'<li class="featured"><a href="{ALIAS_PREFIX}{movie.movie_id}">{label} (also here)</a></li>')
    if faults.missing_on_page == page:
        items.append(f'<li><a class="movie-link" href="{MISSING_PATH}">Removed title</a></li>')
    if faults.error_on_page == page:
        items.append(f'<li><a class="movie-link" href="{ERROR_PATH}">Unavailable title</a></li>')
    if faults.site_wide and page == 1:
        items += [f'<li><a href="{LOOP_PATHS[0]}">Moved title</a></li>', f'<li><a href="{OVERSIZED_PATH}">Complete filmography</a></li>',
                  f'<li><a href="{NON_HTML_PATH}">All titles (download)</a></li>']
    nav = []
    if page > 1:
        nav.append(f'<a rel="prev" href="{paths.listing_path(page - 1)}">Previous page</a>')
    if page < n_pages:
        nav.append(f'<a rel="next" href="{paths.listing_path(page + 1)}">Next page</a>')
    body = f"""<h1>Movies, page {page} of {n_pages}</h1>
<ul class="movies">
{chr(10).join(items)}
</ul>
<nav class="pagination">{" ".join(nav)}</nav>"""
    head = "".join(f'<link rel="{a}" href="{paths.listing_path(p)}">' for a, p in (("prev", page - 1), ("next", page + 1)) if 1 <= p <= n_pages)
    return layout(f"Movies, page {page}", body, head=head)


def trailer_page(movie: SiteMovie, film_path: str) -> str:
    """``/trailers/<id>.html``: an ``og:video`` and a ``<video>`` element, as video sites have;
    for a streamed trailer both name its HLS playlist."""
    title = f"{movie.title} (trailer)"
    streamed = is_streamed(movie.movie_id)
    video = paths.stream_path(movie.movie_id) if streamed else paths.trailer_path(movie.movie_id)
    video_type = "application/x-mpegURL" if streamed else "video/mp4"
    head = (
        f'<meta property="og:title" content="{escape(title)}">'
        '<meta property="og:type" content="video.other">'
        f'<meta property="og:video" content="{video}">'
        f'<meta property="og:video:type" content="{video_type}">'
        f'<meta property="og:image" content="{paths.poster_path(movie.movie_id)}">'
    )
    body = f"""<h1>{escape(title)}</h1>
<video controls width="160" height="120" poster="{paths.poster_path(movie.movie_id)}">
<source src="{video}" type="{video_type}">
</video>
<p><a href="{film_path}">{escape(movie.title)}</a></p>"""
    return layout(title, body, head=head)


HOME_LINKS = (
    ("Browse all movies", paths.listing_path(1)), ("FilmBase chart", paths.db_chart_path(1)),
    ("Reel Reviews", paths.review_listing_path(1)), ("Cinema Catalogue", paths.micro_listing_path(1)),
    ("StreamHouse", paths.OG_INDEX), ("Watchlist", paths.APP_INDEX), ("Old Movie DB", paths.LEGACY_INDEX), ("List of films", paths.ARTICLE_INDEX),
    ("Credits", "/credits.html"),
)


def home_page(n_movies: int, n_articles: int) -> str:
    """The portal: one link to the index of each site style."""
    links = " | ".join(f'<a href="{href}">{escape(label)}</a>' for label, href in HOME_LINKS)
    body = f"""<h1>{SITE_NAME}</h1>
<p>{n_movies} movies and {n_articles} articles.</p>
<p>{links}</p>"""
    return layout(SITE_NAME, body)


def credits_page(media_used: list[tuple[str, str]]) -> str:
    """Licences and attributions of the data and of every media file the site uses."""
    rows = "".join(f"<tr><td>{escape(name)}</td><td>{escape(credit)}</td></tr>" for name, credit in media_used)
    body = f"""<h1>Credits</h1>
<h2>Movie data</h2>
<p>{_MOVIELENS_CREDIT}</p>
<p>Article texts are from English Wikipedia, by Wikipedia contributors, under
<a href="https://creativecommons.org/licenses/by-sa/4.0/">CC BY-SA</a>; each article page links its source.</p>
<h2>Media</h2>
<p>Posters and trailers are made from these images and sound clips (public domain, CC0 or CC BY, as listed).</p>
<table class="credits"><tr><th>File</th><th>Licence and attribution</th></tr>{rows}</table>"""
    return layout("Credits", body)


def layout(title: str, body: str, head: str = "", wikipedia: FilmArticle | None = None, site: str = SITE_NAME) -> str:
    """A page of the site: the header links home and to every style's film index."""
    footer = [f'<p class="attribution movielens">{_MOVIELENS_CREDIT}</p>']
    if wikipedia is not None:
        footer.append(
            f'<p class="attribution wikipedia">Text from the Wikipedia article '
            f'<a href="{escape(wikipedia_url(wikipedia))}">{escape(wikipedia.title)}</a>, by Wikipedia contributors, '
            '<a href="https://creativecommons.org/licenses/by-sa/4.0/">CC BY-SA</a>.</p>'
        )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} - {escape(site)}</title>
{head}
</head>
<body>
<header><a href="/index.html">{escape(site)}</a> | <a href="{paths.listing_path(1)}">All movies</a></header>
<main>
{body}
</main>
<footer>
{chr(10).join(footer)}
</footer>
</body>
</html>
"""


def things(kind: str, names: tuple[str, ...]) -> list[dict]:
    return [{"@type": kind, "name": name} for name in names]


def _join_words(words: list[str]) -> str:
    """["action", "crime", "thriller"] -> "action, crime and thriller"."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
