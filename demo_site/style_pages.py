"""Film pages and indexes of the db, review, micro, og, app and legacy styles (see ``demo_site.styles``).

Each reproduces a markup pattern real movie sites use, with its traps: no ``identifier``,
writers and studios under ``creator``, ``actors`` in the plural, the record's
``dateCreated`` beside the release, escaped entities, ``itemprop`` on links, OpenGraph
only, a client-rendered shell with the film only in the app's state, and facts in an old
table in windows-1252.
"""

from __future__ import annotations

import json
from html import escape

from demo_site import paths
from demo_site.catalog import SiteMovie
from demo_site.pages import description, layout, things
from demo_site.seeded import seeded_int
from demo_site.styles import FilmPage

DB_SITE = "FilmBase"
REVIEW_SITE = "Reel Reviews"
MICRO_SITE = "Cinema Catalogue"
OG_SITE = "StreamHouse"
APP_SITE = "Watchlist"
LEGACY_SITE = "Old Movie DB"
LISTING_SIZE = 20


def db_page(movie: SiteMovie, page: FilmPage, is_tv: bool) -> str:
    """Database style: JSON-LD keyed by ``url``/``@id``, writers and the studio in ``creator``."""
    art, ml = movie.article, movie.movielens
    data = {
        "@context": "https://schema.org",
        "@type": "TVSeries" if is_tv else "Movie",
        "@id": page.path,
        "url": page.path,
        "name": movie.title,
        "datePublished": f"{movie.year}-06-01" if movie.year else None,
        "dateCreated": "2019-03-14T08:00:00Z",
        "genre": list(ml.genres) if ml else [],
        "director": [{"@type": "Person", "name": n, "url": f"/db/name/{_slug(n)}/"} for n in (art.directors if art else ())],
        "actor": [{"@type": "Person", "name": n, "url": f"/db/name/{_slug(n)}/"} for n in (art.starring if art else ())],
        "creator": things("Person", art.writers if art else ()) + things("Organization", art.studios if art else ()),
        "image": {"@type": "ImageObject", "url": paths.poster_path(movie.movie_id)},
        "trailer": {"@type": "VideoObject", "name": f"{movie.title} trailer",
                    "embedUrl": paths.trailer_page_path(movie.movie_id),
                    "thumbnailUrl": paths.poster_path(movie.movie_id)},
        "description": description(movie),
    }
    jsonld = json.dumps({k: v for k, v in data.items() if v}, ensure_ascii=False).replace("</", "<\\/")
    imdb = ml.imdb_id if ml else None
    head = f'<link rel="canonical" href="{page.path}"><script type="application/ld+json">{jsonld}</script>'
    body = f"""<section class="title-hero"><h1 data-testid="hero-title">{escape(movie.title)}</h1>
<ul class="meta"><li>{movie.year or ""}</li><li>{"TV Series" if is_tv else "Movie"}</li></ul>
<p data-testid="plot">{escape(description(movie))}</p>
{f'<p class="ids">IMDb: {imdb}</p>' if imdb else ""}</section>"""
    return layout(movie.title, body, head=head, site=DB_SITE)


def review_page(movie: SiteMovie, page: FilmPage) -> str:
    """Review style: the film is the review's ``itemReviewed`` inside an ``@graph``."""
    art, ml = movie.article, movie.movielens
    film = {
        "@type": "Movie",
        "name": escape(movie.title),  # double-escaped, as some CMSs write it
        "actors": [{"@type": "Person", "name": n} for n in (art.starring if art else ())],
        "director": {"@type": "Person", "name": art.directors[0]} if art and art.directors else None,
        "genre": ", ".join(ml.genres) if ml else None,
        "releasedEvent": [{"@type": "PublicationEvent", "startDate": f"{movie.year}-03-01", "location": "US"}] if movie.year else None,
        "dateCreated": "2021-10-02",
        "sameAs": f"https://www.themoviedb.org/movie/{ml.tmdb_id}" if ml and ml.tmdb_id else None,
        "image": paths.poster_path(movie.movie_id),
    }
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "@id": page.path, "name": f"Review: {movie.title}"},
            {"@type": "Review", "itemReviewed": {k: v for k, v in film.items() if v},
             "author": {"@type": "Person", "name": "Sam Critic"}, "datePublished": "2021-10-02",
             "reviewRating": {"@type": "Rating", "ratingValue": 4, "bestRating": 5}},
        ],
    }
    jsonld = json.dumps(graph, ensure_ascii=False).replace("</", "<\\/")
    cast = ", ".join(art.starring[:3]) if art and art.starring else "its cast"
    body = f"""<article class="review"><h1>Review: {escape(movie.title)}</h1>
<p class="byline">By Sam Critic</p>
<p>{escape(description(movie))}</p>
<p>Our critic found {escape(movie.title)} worth seeing for {escape(cast)}, and for the way it holds together
from the first scene to the last. It rewards a second viewing, and its pacing never drags.</p>
</article>"""
    return layout(f"Review: {movie.title}", body, head=f'<script type="application/ld+json">{jsonld}</script>', site=REVIEW_SITE)


def micro_page(movie: SiteMovie, page: FilmPage, person_numbers: dict[str, int]) -> str:
    """Microdata only; people are ``<a itemprop="director" href="person.php?id=…">Name</a>``."""
    art, ml = movie.article, movie.movielens

    def person_link(prop: str, name: str) -> str:
        return f'<a itemprop="{prop}" href="{paths.micro_person_path(person_numbers[name])}">{escape(name)}</a>'

    directors = ", ".join(person_link("director", n) for n in (art.directors if art else ()))
    actors = ", ".join(person_link("actor", n) for n in (art.starring if art else ()))
    genres = " ".join(f'<span itemprop="genre">{escape(g)}</span>' for g in (ml.genres if ml else ()))
    date = f'<meta itemprop="datePublished" content="{movie.year}-01-01">' if movie.year else ""
    body = f"""<div itemscope itemtype="http://schema.org/Movie">
<h1 itemprop="name">{escape(movie.title)}</h1>{date}
<link itemprop="image" href="{paths.poster_path(movie.movie_id)}">
<p>Year: {movie.year or "unknown"} | Genres: {genres}</p>
{f"<p>Directed by {directors}</p>" if directors else ""}
{f"<p>With {actors}</p>" if actors else ""}
<p itemprop="description">{escape(description(movie))}</p>
</div>"""
    return layout(movie.title, body, site=MICRO_SITE)


def micro_person_page(name: str, films: list[tuple[str, str]]) -> str:
    """A person page: a name and links to films, no film markup (a page the crawl must not count)."""
    items = "".join(f'<li><a href="{path}">{escape(title)}</a></li>' for path, title in films)
    body = f'<div itemscope itemtype="http://schema.org/Person"><h1 itemprop="name">{escape(name)}</h1><ul>{items}</ul></div>'
    return layout(name, body, site=MICRO_SITE)


def og_page(movie: SiteMovie, page: FilmPage) -> str:
    """OpenGraph only: title with the year, poster, video and description; plot in the body."""
    art, ml = movie.article, movie.movielens
    title = f"{movie.title} ({movie.year})" if movie.year else movie.title
    og_title = _dressed_og_title(movie, title, page.number)
    head = (
        f'<meta property="og:type" content="video.movie"><meta property="og:title" content="{escape(og_title)}">'
        f'<meta property="og:url" content="{page.path}"><meta property="og:image" content="{paths.poster_path(movie.movie_id)}">'
        f'<meta property="og:video" content="{paths.trailer_path(movie.movie_id)}"><meta property="og:video:type" content="video/mp4">'
        f'<meta property="og:description" content="{escape(description(movie))}">'
        f'<meta property="og:site_name" content="{OG_SITE}">'
    )
    plot = " ".join(art.plot[:2]) if art and art.plot else ""
    imdb = f'<p><a href="https://www.imdb.com/title/{ml.imdb_id}/">{escape(movie.title)} on IMDb</a></p>' if ml and ml.imdb_id else ""
    body = f"""<div class="player"><h1>{escape(movie.title)}</h1>
<p class="synopsis">{escape(description(movie))}</p>
{f'<div class="plot"><h2>Story</h2><p>{escape(plot)}</p></div>' if plot else ""}
{imdb}</div>"""
    return layout(title, body, head=head, site=OG_SITE)


def _dressed_og_title(movie: SiteMovie, title: str, number: int) -> str:
    """``og:title`` as streaming and database pages write it, by turns: plain, with a rating and
    genres after the year, or as a "Watch … Online" call."""
    genres = ", ".join(movie.movielens.genres[:3]) if movie.movielens else ""
    rating = 5 + seeded_int(0, "og-rating", movie.movie_id) % 45 / 10
    return (title, f"{title} ⭐ {rating:.1f} | {genres}" if genres else title, f"Watch {title} Online in HD")[number % 3]


def app_page(movie: SiteMovie, page: FilmPage) -> str:
    """A client-rendered app: an empty shell whose film is only in the embedded state, by turns
    Next.js ``__NEXT_DATA__`` with a TMDB-API movie (crew by job, credits inside the movie), a
    Redux-style ``window.__INITIAL_STATE__`` with its own names and the credits beside it, and
    the same TMDB movie streamed as App Router flight rows (``self.__next_f.push``)."""
    art, ml = movie.article, movie.movielens
    genres = list(ml.genres) if ml else []
    people = {"directors": art.directors, "writers": art.writers, "producers": art.producers,
              "cast": art.starring, "studios": art.studios} if art else {}
    variant = page.number % 3
    if variant in (0, 2):
        crew = [{"job": job, "name": name} for job, key in (("Director", "directors"), ("Screenplay", "writers"),
                                                            ("Producer", "producers")) for name in people.get(key, ())]
        film = {"id": page.number, "title": movie.title, "release_date": f"{movie.year}-06-01" if movie.year else None,
                "genres": [{"id": n, "name": g} for n, g in enumerate(genres)], "overview": description(movie),
                "imdb_id": ml.imdb_id if ml else None, "posterUrl": paths.poster_path(movie.movie_id),
                "trailerUrl": paths.trailer_path(movie.movie_id),
                "production_companies": [{"name": s} for s in people.get("studios", ())],
                "credits": {"cast": [{"name": n, "character": ""} for n in people.get("cast", ())], "crew": crew}}
        if variant == 0:
            state = {"props": {"pageProps": {"movie": film, "locale": "en"}}, "page": "/movie/[id]", "buildId": "demo"}
            script = f'<script id="__NEXT_DATA__" type="application/json">{_script_json(state)}</script>'
        else:
            script = _flight_scripts(film)
    else:
        details = {"name": movie.title, "year": movie.year, "genre": genres, "synopsis": description(movie),
                   "imdbId": ml.imdb_id if ml else None, "posterUrl": paths.poster_path(movie.movie_id),
                   "trailer": {"url": paths.trailer_page_path(movie.movie_id), "type": "Trailer"},
                   "productionCompanies": list(people.get("studios", ()))}
        credits = {key: list(people.get(key, ())) for key in ("directors", "writers", "producers")}
        credits["cast"] = [{"name": n} for n in people.get("cast", ())]
        state = {"session": {"user": None}, "title": {"details": details, "credits": credits}}
        script = f"<script>window.__INITIAL_STATE__ = {_script_json(state)};</script>"
    body = f'<div id="__next"><div class="spinner" aria-busy="true">Loading…</div></div>{script}'
    return layout(APP_SITE, body, site=APP_SITE)


def _flight_scripts(film: dict) -> str:
    """The App Router's stream: flight rows (a hint, a client module, the film as its own row,
    the page element pointing at it by "$3") pushed as string chunks of inline scripts."""
    rows = ['1:HL["/_next/static/css/app.css","style"]', '2:I[5613,["613","static/chunks/613.js"],"MoviePage"]',
            "3:" + json.dumps(film, ensure_ascii=False), '0:["$","$L2",null,{"movie":"$3"}]']
    payload = "\n".join(rows) + "\n"
    chunks = [payload[i:i + 400] for i in range(0, len(payload), 400)]
    return ("<script>(self.__next_f=self.__next_f||[]).push([0])</script>"
            + "".join(f"<script>self.__next_f.push({_script_json([1, chunk])})</script>" for chunk in chunks))


def _script_json(value: dict | list) -> str:
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


# A European film site labels its facts in the reader's language: one language per page.
LEGACY_LABELS = {
    "en": ("Year:", "Director:", "Cast:", "Genre:", "Trailer"),
    "de": ("Jahr:", "Regie:", "Darsteller:", "Genre:", "Trailer"),
    "fr": ("Année :", "Réalisation :", "Avec :", "Genre :", "Bande-annonce"),
    "es": ("Año:", "Dirección:", "Reparto:", "Género:", "Tráiler"),
}
# A lazy-loading script swaps this placeholder for ``data-original`` in the browser.
LEGACY_PLACEHOLDER = "/img/spacer.gif"


# How the legacy site's <title> dresses a film, in the page's language.
LEGACY_TITLES = {
    "en": "{title} ({year}) - {site}", "de": "{title} ({year}) online ansehen | {site}",
    "fr": "{title} - film {year} - {site}", "es": "Ver {title} ({year}) online | {site}",
}


def _legacy_page_title(movie: SiteMovie, language: str) -> str:
    if not movie.year:
        return f"{movie.title} - {LEGACY_SITE}"
    return LEGACY_TITLES[language].format(title=movie.title, year=movie.year, site=LEGACY_SITE)


def legacy_page(movie: SiteMovie, page: FilmPage, charset_in_page: bool) -> bytes:
    """2000s HTML in windows-1252: facts in a table labelled in English, German, French or
    Spanish, no markup; charset in the page or only in the header. The poster is lazy-loaded
    (a placeholder in ``src``) and the trailer is a plain link to the video file."""
    art, ml = movie.article, movie.movielens
    language = tuple(LEGACY_LABELS)[seeded_int(0, "legacy-language", page.number) % len(LEGACY_LABELS)]
    year_label, director_label, cast_label, genre_label, trailer_label = LEGACY_LABELS[language]
    rows = [(year_label, str(movie.year) if movie.year else "")]
    if art and art.directors:
        rows.append((director_label, ", ".join(art.directors)))
    if art and art.starring:
        rows.append((cast_label, ", ".join(art.starring)))
    if ml and ml.genres:
        rows.append((genre_label, " / ".join(ml.genres)))
    table = "".join(f'<tr><td class="lbl"><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>' for k, v in rows if v)
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">' if charset_in_page else ""
    html = f"""<html lang="{language}"><head>{meta}<title>{escape(_legacy_page_title(movie, language))}</title></head>
<body bgcolor="#ffffff"><font face="Verdana"><a href="/">Home</a> | <a href="{paths.LEGACY_INDEX}">All films</a><br>
<center><font size="+2">{escape(movie.title)}</font></center>
<table border="0" cellpadding="2"><tr><td class="film-poster" rowspan="{len(rows) + 1}" valign="top"><img class="lazy" src="{LEGACY_PLACEHOLDER}" data-original="{paths.poster_path(movie.movie_id)}" width="150" height="220" alt="{escape(movie.title)}"></td></tr>{table}</table>
<p>{escape(description(movie))}</p>
<p><a href="{paths.trailer_path(movie.movie_id)}">{escape(trailer_label)}</a> (MPEG-4)</p>
<p><i>Copyright 2003 {LEGACY_SITE}.</i></p></font></body></html>"""
    return html.encode("cp1252", errors="xmlcharrefreplace")


def db_chart(pages: list[FilmPage], titles: dict[str, str], page: int, n_pages: int) -> str:
    """Numbered pages (1 2 3 …) without ``rel=next``."""
    items = "".join(f'<li><a href="{p.path}">{escape(titles[p.movie_id])}</a></li>' for p in pages)
    numbers = " ".join(f'<a href="{paths.db_chart_path(n)}">{n}</a>' for n in range(1, n_pages + 1))
    return layout(f"Chart page {page}", f'<h1>Top titles</h1><ol class="chart">{items}</ol><p class="pages">{numbers}</p>', site=DB_SITE)


def review_listing(pages: list[FilmPage], titles: dict[str, str], page: int, n_pages: int) -> str:
    """Pagination only as ``<link rel="next">`` in the head, as many CMSs emit it."""
    items = "".join(f'<h2><a href="{p.path}">Review: {escape(titles[p.movie_id])}</a></h2>' for p in pages)
    head = f'<link rel="next" href="{paths.review_listing_path(page + 1)}">' if page < n_pages else ""
    return layout(f"Reviews, page {page}", f"<h1>Latest reviews</h1>{items}", head=head, site=REVIEW_SITE)


def micro_listing(pages: list[FilmPage], titles: dict[str, str], page: int, n_pages: int) -> str:
    items = "".join(f'<tr><td><a href="{p.path}">{escape(titles[p.movie_id])}</a></td></tr>' for p in pages)
    nav = f'<a href="{paths.micro_listing_path(page + 1)}">More films &raquo;</a>' if page < n_pages else ""
    return layout(f"Catalogue page {page}", f"<h1>Catalogue</h1><table>{items}</table><p>{nav}</p>", site=MICRO_SITE)


def simple_index(pages: list[FilmPage], titles: dict[str, str], heading: str, site: str) -> str:
    items = "".join(f'<li><a href="{p.path}">{escape(titles[p.movie_id])}</a></li>' for p in pages)
    return layout(heading, f"<h1>{escape(heading)}</h1><ul>{items}</ul>", site=site)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
