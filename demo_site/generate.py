"""Generate the whole site (pages, posters, trailers, manifest) from the shared data.

A site is reused when its manifest's fingerprint matches: the fingerprint covers the
config values that shape the output, the input files' contents and this package's code,
so an unchanged site costs one hashing pass instead of ~200 ffmpeg runs.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from demo_site import pages, paths
from demo_site.catalog import SiteMovie, select_movies
from demo_site.config import SiteConfig, SiteManifest
from demo_site.credits import read_media_credits
from demo_site.faults import FaultPlan, plan_faults
from demo_site.movielens import read_movielens
from demo_site.posters import pick_image, write_poster
from demo_site.trailers import make_trailer, plan_trailer
from demo_site.wikipedia import read_film_articles

_TRAILER_WORKERS = 2
_GENERATED = ("movies", "wiki", "trailers", "media", "index.html", "credits.html")


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
    media = data / "media"
    images = sorted(p for p in (media / "images").iterdir() if p.is_file())
    audio = sorted(p for p in (media / "audio").iterdir() if p.is_file())
    articles = read_film_articles(data / "movies" / "wikipedia-films")
    movielens = read_movielens(data / "movies" / "ml-latest-small")
    movies = select_movies(articles, movielens, config.n_movies, config.seed)
    n_pages = math.ceil(len(movies) / paths.LISTING_PAGE_SIZE)
    faults = plan_faults(movies, n_pages, config.seed) if config.faults else FaultPlan()

    poster_sources = {m.movie_id: pick_image(images, config.seed, m.movie_id, _genres(m)) for m in movies}
    for movie in movies:
        write_poster(poster_sources[movie.movie_id], movie.title, _file(out_dir, paths.poster_path(movie.movie_id)),
                     _genres(movie), movie.year)
    jobs = [
        plan_trailer(
            m.movie_id,
            _file(out_dir, paths.poster_path(m.movie_id)),
            audio,
            config.seed,
            config.trailer_seconds,
            _file(out_dir, paths.trailer_path(m.movie_id)),
            _genres(m),
        )
        for m in movies
    ]
    with ThreadPoolExecutor(max_workers=_TRAILER_WORKERS) as pool:
        list(pool.map(make_trailer, jobs))
    if faults.truncated_trailer is not None:
        _truncate(_file(out_dir, paths.trailer_path(faults.truncated_trailer)))

    listing_page_of = _write_pages(out_dir, movies, faults, n_pages)
    credits = read_media_credits(media / "README.md")
    used = sorted({p.name for p in poster_sources.values()} | {j.audio.name for j in jobs})
    _write(out_dir, "/credits.html", pages.credits_page([(n, credits.get(n, "see the media README")) for n in used]))

    audio_of = {m.movie_id: job.audio.name for m, job in zip(movies, jobs)}
    manifest = SiteManifest(
        fingerprint=fingerprint,
        config=_config_values(config),
        movies=[_manifest_row(m, faults, poster_sources[m.movie_id].name, audio_of[m.movie_id]) for m in movies],
        articles=[paths.article_path(m.article.slug) for m in movies if m.article],
        listing_pages=[paths.listing_path(p) for p in range(1, n_pages + 1)],
        faults=faults.records(listing_page_of),
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
    ]
    digest = hashlib.sha256(json.dumps(_config_values(config), sort_keys=True).encode())
    for path in inputs:
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _config_values(config: SiteConfig) -> dict:
    return {
        "n_movies": config.n_movies,
        "seed": config.seed,
        "faults": config.faults,
        "trailer_seconds": config.trailer_seconds,
    }


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


def _write_pages(out_dir: Path, movies: list[SiteMovie], faults: FaultPlan, n_pages: int) -> dict[str, int]:
    """Write every HTML page; returns the listing page number of each movie."""
    listing_page_of = {}
    for page in range(1, n_pages + 1):
        chunk = movies[(page - 1) * paths.LISTING_PAGE_SIZE : page * paths.LISTING_PAGE_SIZE]
        listing_page_of.update({m.movie_id: page for m in chunk})
        _write(out_dir, paths.listing_path(page), pages.listing_page(chunk, page, n_pages, faults))
    for movie in movies:
        _write(out_dir, paths.movie_path(movie.movie_id), pages.detail_page(movie, movie.movie_id == faults.malformed_jsonld))
        _write(out_dir, paths.trailer_page_path(movie.movie_id), pages.trailer_page(movie))
        if movie.article is not None:
            _write(out_dir, paths.article_path(movie.article.slug), pages.article_page(movie))
    _write(out_dir, "/index.html", pages.home_page(len(movies), sum(1 for m in movies if m.article)))
    return listing_page_of


def _manifest_row(movie: SiteMovie, faults: FaultPlan, poster_source: str, audio_source: str) -> dict:
    ml = movie.movielens
    return {
        "movie_id": movie.movie_id,
        "path": paths.movie_path(movie.movie_id),
        "title": movie.title,
        "year": movie.year,
        "genres": list(ml.genres) if ml else [],
        "movielens_id": ml.movie_id if ml else None,
        "imdb_id": ml.imdb_id if ml else None,
        "tmdb_id": ml.tmdb_id if ml else None,
        "article_path": paths.article_path(movie.article.slug) if movie.article else None,
        "trailer_path": paths.trailer_path(movie.movie_id),
        "trailer_page_path": paths.trailer_page_path(movie.movie_id),
        "poster_path": paths.poster_path(movie.movie_id),
        "poster_source": poster_source,
        "audio_source": audio_source,
        "jsonld_ok": movie.movie_id != faults.malformed_jsonld,
    }


def _genres(movie: SiteMovie) -> tuple[str, ...]:
    """What the demo media are styled by (see posters.py / trailers.py)."""
    return movie.movielens.genres if movie.movielens else ()


def _file(out_dir: Path, site_path: str) -> Path:
    return out_dir / site_path.lstrip("/")


def _write(out_dir: Path, site_path: str, html: str) -> None:
    target = _file(out_dir, site_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")


def _truncate(path: Path) -> None:
    """Keep the first third of the file, like a download cut off mid-way."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
