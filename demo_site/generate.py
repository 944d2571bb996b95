"""Generate the whole site (pages of every style, posters, trailers, manifest) from the shared data.

A site is reused when its manifest's fingerprint matches: the fingerprint covers the
config values that shape the output, the input files' contents and this package's code,
so an unchanged site costs one hashing pass instead of hundreds of ffmpeg runs.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from crawl.identity import ExternalIds, item_id
from crawl.wikitext import read_film_articles
from demo_site import pages, paths, style_pages, wiki_pages
from demo_site.catalog import SiteMovie, select_movies
from demo_site.config import SiteConfig, SiteManifest
from demo_site.credits import read_media_credits
from demo_site.faults import FaultPlan, plan_faults
from demo_site.movielens import read_movielens
from demo_site.posters import pick_image, write_poster
from demo_site.styles import ARTICLE_STYLES, STYLE_FIELDS, FilmPage, plan_film_pages
from demo_site.trailers import is_streamed, make_trailer, plan_trailer

_TRAILER_WORKERS = 2
_GENERATED = ("movies", "wiki", "w", "export", "db", "reviews", "catalogue", "watch", "app", "old-site", "trailers",
              "media", "sitemaps", "index.html", "credits.html")
# MovieLens titles that are TV series, shown as TVSeries pages on the db style.
TV_SERIES = {100553: "Frozen Planet", 142115: "The Blue Planet", 26587: "Decalogue"}


def generate_site(config: SiteConfig) -> SiteManifest:
    """Write the site under ``config.out_dir`` and return its manifest (reused if unchanged)."""
    if config.n_movies < 1 or config.trailer_seconds <= 0:
        raise ValueError(f"n_movies must be >= 1 and trailer_seconds > 0, got {config.n_movies}, {config.trailer_seconds}")
    out_dir = Path(config.out_dir)
    fingerprint = site_fingerprint(config)
    existing = _load_existing(out_dir)
    if existing is not None and existing.fingerprint == fingerprint:
        return existing
    _clear(out_dir)

    data = Path(config.data_dir)
    articles = read_film_articles(data / "movies" / "wikipedia-films")
    movielens = read_movielens(data / "movies" / "ml-latest-small")
    movies = select_movies(articles, movielens, config.n_movies, config.seed)
    tv = [SiteMovie(f"ml{m.movie_id}", m.title, m.year, m, None) for m in movielens if m.movie_id in TV_SERIES]
    taken = {m.movie_id for m in movies}
    movies += [m for m in tv if m.movie_id not in taken]
    tv_ids = {m.movie_id for m in tv}
    film_pages = plan_film_pages(movies, tv_ids, config.seed)
    classic = [m for m in movies if any(p.movie_id == m.movie_id and p.style == "classic" for p in film_pages)]
    n_pages = max(1, math.ceil(len(classic) / paths.LISTING_PAGE_SIZE))
    db_paths = [p.path for p in film_pages if p.style == "db"]
    faults = plan_faults(classic, db_paths, n_pages, config.seed) if config.faults else FaultPlan()

    media_sources = _write_media(config, out_dir, movies) if config.media else {}
    if config.media and faults.truncated_trailer is not None:
        _truncate(_file(out_dir, paths.trailer_path(faults.truncated_trailer)))
    listing_page_of = _write_pages(out_dir, movies, film_pages, tv_ids, faults, n_pages)
    _write_exports(out_dir, data / "movies" / "wikipedia-films", movies, film_pages)
    credits = read_media_credits(data / "media" / "README.md")
    used = sorted({name for sources in media_sources.values() for name in sources})
    _write(out_dir, "/credits.html", pages.credits_page([(n, credits.get(n, "see the media README")) for n in used]))

    manifest = SiteManifest(
        fingerprint=fingerprint,
        config=_config_values(config),
        movies=[_manifest_row(m, faults, media_sources.get(m.movie_id, ("", "")), film_pages, m.movie_id in tv_ids)
                for m in movies],
        articles=[p.path for p in film_pages if p.style == "wiki"],
        listing_pages=[paths.listing_path(p) for p in range(1, n_pages + 1)],
        faults=faults.records(listing_page_of),
        film_pages=[p.row() for p in film_pages],
        legacy_charset_in_header=[p.path for p in film_pages if p.style == "legacy" and _charset_mode(p) == "header"],
    )
    manifest.save(out_dir)  # last, so an interrupted run is never mistaken for a finished site
    return manifest


def site_fingerprint(config: SiteConfig) -> str:
    """sha256 over the shaping config values, the input files and this package's code."""
    data = Path(config.data_dir)
    inputs = [
        *(data / "movies" / "ml-latest-small" / n for n in ("movies.csv", "links.csv", "ratings.csv")),
        *sorted((data / "movies" / "wikipedia-films").glob("*.xml")),
        data / "media" / "README.md",
        *sorted(p for p in (data / "media" / "images").iterdir() if p.is_file()),
        *sorted(p for p in (data / "media" / "audio").iterdir() if p.is_file()),
        *sorted(Path(__file__).parent.glob("*.py")),
        Path(__file__).parent.parent / "crawl" / "wikitext.py",
    ]
    digest = hashlib.sha256(json.dumps(_config_values(config), sort_keys=True).encode())
    for path in inputs:
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def expected_item_id(movie: SiteMovie, path: str) -> str:
    """The item id the crawl should give the film (``crawl.identity``): ``ml<id>`` when it is in MovieLens."""
    ml = movie.movielens
    ids = ExternalIds(ml.movie_id, ml.imdb_id, str(ml.tmdb_id) if ml and ml.tmdb_id else None) if ml else ExternalIds()
    return item_id(ids, movie.title, movie.year, path)


def _config_values(config: SiteConfig) -> dict:
    return {
        "n_movies": config.n_movies,
        "seed": config.seed,
        "faults": config.faults,
        "trailer_seconds": config.trailer_seconds,
        "media": config.media,
    }


def _write_media(config: SiteConfig, out_dir: Path, movies: list[SiteMovie]) -> dict[str, tuple[str, str]]:
    """Posters and trailers of every film; returns movie id -> (poster source, audio source)."""
    media = Path(config.data_dir) / "media"
    images = sorted(p for p in (media / "images").iterdir() if p.is_file())
    audio = sorted(p for p in (media / "audio").iterdir() if p.is_file())
    poster_sources = {m.movie_id: pick_image(images, config.seed, m.movie_id, _genres(m)) for m in movies}
    for movie in movies:
        write_poster(poster_sources[movie.movie_id], movie.title, _file(out_dir, paths.poster_path(movie.movie_id)),
                     _genres(movie), movie.year)
    jobs = [
        plan_trailer(m.movie_id, _file(out_dir, paths.poster_path(m.movie_id)), audio, config.seed,
                     config.trailer_seconds, _file(out_dir, paths.trailer_path(m.movie_id)), _genres(m),
                     _file(out_dir, paths.stream_path(m.movie_id)) if is_streamed(m.movie_id) else None)
        for m in movies
    ]
    with ThreadPoolExecutor(max_workers=_TRAILER_WORKERS) as pool:
        list(pool.map(make_trailer, jobs))
    return {m.movie_id: (poster_sources[m.movie_id].name, job.audio.name) for m, job in zip(movies, jobs)}


def _load_existing(out_dir: Path) -> SiteManifest | None:
    try:
        return SiteManifest.load(out_dir)
    except (OSError, ValueError, TypeError):
        return None


def _clear(out_dir: Path) -> None:
    """Remove what an earlier generation wrote (only that: the folder may hold other files)."""
    (out_dir / paths.MANIFEST_NAME).unlink(missing_ok=True)
    for name in _GENERATED:
        target = out_dir / name
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)


def _write_pages(
    out_dir: Path, movies: list[SiteMovie], film_pages: list[FilmPage], tv_ids: set[str], faults: FaultPlan, n_pages: int
) -> dict[str, int]:
    """Write every HTML page of every style; returns the classic listing page of each movie."""
    by_id = {m.movie_id: m for m in movies}
    titles = {m.movie_id: f"{m.title} ({m.year})" if m.year else m.title for m in movies}
    people = _micro_people(film_pages, by_id)
    person_numbers = {name: n for n, name in enumerate(sorted(people), start=1)}
    article_of = {p.movie_id: p.path for p in film_pages if p.style in ("wiki", "wiki-old")}
    export_of = {p.movie_id: p.path for p in film_pages if p.style == "export"}
    for page in film_pages:
        if page.style != "export":
            links = {"article_path": article_of.get(page.movie_id), "export_path": export_of.get(page.movie_id)}
            html = _film_page(page, by_id[page.movie_id], tv_ids, faults, person_numbers, links)
            _write(out_dir, page.path, html if page.path != faults.challenge else _challenge_page())
    first_page = {}
    for page in film_pages:
        first_page.setdefault(page.movie_id, page.path)
    for movie in movies:
        _write(out_dir, paths.trailer_page_path(movie.movie_id), pages.trailer_page(movie, first_page[movie.movie_id]))
    for name, films in people.items():
        _write(out_dir, paths.micro_person_path(person_numbers[name]), style_pages.micro_person_page(name, films))

    classic = [by_id[p.movie_id] for p in film_pages if p.style == "classic"]
    listing_page_of = {}
    for page in range(1, n_pages + 1):
        chunk = classic[(page - 1) * paths.LISTING_PAGE_SIZE : page * paths.LISTING_PAGE_SIZE]
        listing_page_of.update({m.movie_id: page for m in chunk})
        _write(out_dir, paths.listing_path(page), pages.listing_page(chunk, page, n_pages, faults))
    _write_paged(out_dir, [p for p in film_pages if p.style == "db"], titles, paths.db_chart_path, style_pages.db_chart)
    _write_paged(out_dir, [p for p in film_pages if p.style == "review"], titles, paths.review_listing_path, style_pages.review_listing)
    _write_paged(out_dir, [p for p in film_pages if p.style == "micro"], titles, paths.micro_listing_path, style_pages.micro_listing)
    _write(out_dir, paths.OG_INDEX, style_pages.simple_index(
        [p for p in film_pages if p.style == "og"], titles, "Watch now", style_pages.OG_SITE))
    _write(out_dir, paths.APP_INDEX, style_pages.simple_index(
        [p for p in film_pages if p.style == "app"], titles, "Browse", style_pages.APP_SITE))
    _write(out_dir, paths.LEGACY_INDEX, style_pages.simple_index(
        [p for p in film_pages if p.style == "legacy"], titles, "All films", style_pages.LEGACY_SITE))
    _write(out_dir, paths.ARTICLE_INDEX, wiki_pages.list_of_films(
        [p for p in film_pages if p.style in ("wiki", "wiki-old")], titles))
    _write(out_dir, "/index.html", pages.home_page(len(movies), sum(1 for m in movies if m.article)))
    return listing_page_of


def _film_page(page: FilmPage, movie: SiteMovie, tv_ids: set[str], faults: FaultPlan,
               person_numbers: dict[str, int], links: dict[str, str | None]) -> str | bytes:
    """The page of one style; ``links`` holds the film's article and export paths (or None)."""
    if page.style == "classic":
        return pages.detail_page(movie, movie.movie_id == faults.malformed_jsonld, links["article_path"])
    if page.style == "db":
        return style_pages.db_page(movie, page, movie.movie_id in tv_ids)
    if page.style == "review":
        return style_pages.review_page(movie, page)
    if page.style == "micro":
        return style_pages.micro_page(movie, page, person_numbers)
    if page.style == "og":
        return style_pages.og_page(movie, page)
    if page.style == "app":
        return style_pages.app_page(movie, page)
    if page.style == "legacy":
        return style_pages.legacy_page(movie, page, charset_in_page=_charset_mode(page) == "page")
    return wiki_pages.article_page(movie, page.style, links["export_path"])


def _charset_mode(page: FilmPage) -> str:
    """Legacy pages declare windows-1252 in the page, only in the HTTP header, or nowhere."""
    return ("page", "header", "none")[page.number % 3]


def _micro_people(film_pages: list[FilmPage], by_id: dict[str, SiteMovie]) -> dict[str, list[tuple[str, str]]]:
    """Person name -> (film page, title) of the micro style's films they made."""
    people: dict[str, list[tuple[str, str]]] = {}
    for page in film_pages:
        art = by_id[page.movie_id].article
        if page.style == "micro" and art is not None:
            for name in (*art.directors, *art.starring):
                people.setdefault(name, []).append((page.path, by_id[page.movie_id].title))
    return people


def _write_paged(out_dir: Path, film_pages: list[FilmPage], titles: dict[str, str],
                 path_of: Callable[[int], str], render: Callable[..., str]) -> None:
    n_pages = max(1, math.ceil(len(film_pages) / style_pages.LISTING_SIZE))
    for page in range(1, n_pages + 1):
        chunk = film_pages[(page - 1) * style_pages.LISTING_SIZE : page * style_pages.LISTING_SIZE]
        _write(out_dir, path_of(page), render(chunk, titles, page, n_pages))


EXPORT_HEAD = (b'<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" xml:lang="en">\n'
               b"<siteinfo><sitename>Wikipedia</sitename><dbname>enwiki</dbname></siteinfo>\n")


def _write_exports(out_dir: Path, folder: Path, movies: list[SiteMovie], film_pages: list[FilmPage]) -> None:
    """Special:Export documents: the shared data's own page XML inside the ``<mediawiki>`` root."""
    by_id = {m.movie_id: m for m in movies}
    for page in film_pages:
        article = by_id[page.movie_id].article
        if page.style == "export" and article is not None:
            body = (folder / article.file_name).read_bytes()
            if not body.lstrip().startswith(b"<mediawiki"):
                body = EXPORT_HEAD + body + b"\n</mediawiki>\n"
            _write(out_dir, page.path, body)


def _challenge_page() -> str:
    return """<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>
<div id="challenge-running">Checking if the site connection is secure</div>
<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1"></script></body></html>
"""


def _manifest_row(movie: SiteMovie, faults: FaultPlan, sources: tuple[str, str], film_pages: list[FilmPage], is_tv: bool) -> dict:
    ml = movie.movielens
    own = [p for p in film_pages if p.movie_id == movie.movie_id]
    art = movie.article
    facts = {
        "genre": list(ml.genres) if ml else [], "director": list(art.directors) if art else [],
        "actor": list(art.starring) if art else [], "author": list(art.writers) if art else [],
        "producer": list(art.producers) if art else [], "productionCompany": list(art.studios) if art else [],
        "countryOfOrigin": list(art.countries) if art else [], "inLanguage": list(art.languages) if art else [],
    }
    return {
        "movie_id": movie.movie_id,
        "item_id": expected_item_id(movie, own[0].path),
        "kind": "TVSeries" if is_tv else "Movie",
        "path": own[0].path,
        "pages": [{"style": p.style, "path": p.path, "method": p.method, "fields": list(STYLE_FIELDS[p.style]),
                   "title": art.display_title if art and p.style in ARTICLE_STYLES else movie.title} for p in own],
        "title": movie.title,
        "year": movie.year,
        "genres": list(ml.genres) if ml else [],
        "facts": facts,
        "movielens_id": ml.movie_id if ml else None,
        "imdb_id": ml.imdb_id if ml else None,
        "tmdb_id": ml.tmdb_id if ml else None,
        "article_path": paths.article_path(movie.article.slug) if movie.article else None,
        "trailer_path": paths.trailer_path(movie.movie_id),
        "trailer_page_path": paths.trailer_page_path(movie.movie_id),
        "poster_path": paths.poster_path(movie.movie_id),
        "poster_source": sources[0],
        "audio_source": sources[1],
        "jsonld_ok": movie.movie_id != faults.malformed_jsonld,
    }


def _genres(movie: SiteMovie) -> tuple[str, ...]:
    """What the demo media are styled by (see posters.py / trailers.py)."""
    return movie.movielens.genres if movie.movielens else ()


def _file(out_dir: Path, site_path: str) -> Path:
    return out_dir / paths.file_of(site_path)


def _write(out_dir: Path, site_path: str, content: str | bytes) -> None:
    target = _file(out_dir, site_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")


def _truncate(path: Path) -> None:
    """Keep the first third of the file, like a download cut off mid-way."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
