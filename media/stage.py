"""The media stage: every movie's trailer, audio track and poster, fetched, featurised, stored.

Each movie is processed by per-asset functions that return its rows (``media.rows``); this
module runs them in a bounded pool (decoding happens in ffmpeg child processes, each with the
asset's wall-time budget), writes each movie's rows as soon as it is done, and fails the
stage when an enabled modality had media to fetch and none of it succeeded.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from functools import partial

from media.config import MediaConfig, MediaSummary
from media.context import RunContext
from media.errors import MediaCoverageError, MediaError, OptedOut
from media.features import FeatureStore
from media.poster_pipeline import poster_rows
from media.revalidation import Previous
from media.rows import MovieRows
from media.store import MediaMovie, read_movies, read_previous, write_movies
from media.trailer_pipeline import trailer_rows
from media.urls import escape_url, work_folder_name
from warehouse import Warehouse


# Runs a function over batches of the movies elsewhere (the flow's task runner) and yields
# each batch's results as soon as that batch is done.
MovieBatches = Callable[[Callable[[list[MediaMovie]], list[MovieRows]], list[MediaMovie]], Iterable[list[MovieRows]]]


def _batch_rows(ctx: RunContext, movies: list[MediaMovie]) -> list[MovieRows]:
    return [rows for done in _pooled(ctx, movies) for rows in done]


def fetch_media(config: MediaConfig, warehouse: Warehouse, build_id: str,
                movie_batches: MovieBatches | None = None) -> MediaSummary:
    """Fetch and featurise every movie's media; bad media become rows, a dead modality an error.

    ``movie_batches``: where the movies are processed (default: this stage's own thread pool);
    either way each finished batch is written here, by this one writer.
    """
    started = time.perf_counter()
    movies = [movie for movie in read_movies(warehouse, build_id) if any(_wanted(movie, config.kinds))]
    previous = Previous() if config.refresh else read_previous(warehouse)
    ctx = RunContext(config, warehouse.blobs, build_id, previous,
                     FeatureStore(warehouse.blobs, previous.features, build_id, config.refresh))
    statuses: Counter[tuple[str, str]] = Counter()
    counts: Counter[str] = Counter()
    first_reason: dict[str, str] = {}
    for batch in movie_batches(partial(_batch_rows, ctx), movies) if movie_batches else _pooled(ctx, movies):
        write_movies(warehouse, batch)
        for rows in batch:
            _tally(rows, statuses, counts, first_reason)
    summary = MediaSummary(
        assets=_nested(statuses),
        coverage=_coverage(statuses, config.kinds),
        features_computed=counts["computed"],
        features_reused=counts["reused"],
        assets_not_modified=counts["not_modified"],
        errors=counts["errors"],
        seconds=round(time.perf_counter() - started, 3),
    )
    _require_coverage(summary, config, first_reason)
    return summary


def _pooled(ctx: RunContext, movies: list[MediaMovie]) -> Iterable[list[MovieRows]]:
    """The movies in this stage's own bounded pool: everything finished since the last write
    goes in one transaction, so writes stay few when movies are quick (304s) and a finished
    movie waits at most one write."""
    with ThreadPoolExecutor(max_workers=ctx.config.workers, thread_name_prefix="media") as pool:
        pending = {pool.submit(movie_rows, ctx, movie) for movie in movies}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield [future.result() for future in done]


def _tally(rows: MovieRows, statuses: Counter[tuple[str, str]], counts: Counter[str],
           first_reason: dict[str, str]) -> None:
    """Add one movie's rows to the run's counts (kept by the caller's thread only)."""
    statuses.update((row["kind"], row["status"]) for row in rows.assets.values())
    for row in rows.assets.values():
        if row["status"] == "failed":
            first_reason.setdefault(row["kind"], rows.errors.get(row["source_url"], ""))
    counts.update(computed=rows.computed, reused=rows.reused, not_modified=rows.not_modified,
                  errors=len(rows.errors))


def movie_rows(ctx: RunContext, movie: MediaMovie) -> MovieRows:
    """All rows of one movie; anything a bad asset raises becomes an error row, never an exception."""
    rows = MovieRows(movie.movie_id, ctx.build_id)
    work = ctx.config.work_dir / work_folder_name(f"{ctx.build_id}/{movie.movie_id}")
    kinds = ctx.config.kinds
    wants_trailer, wants_poster = _wanted(movie, kinds)
    try:
        if wants_trailer:
            trailer_kinds = ("trailer", "audio") if "audio" in kinds else ("trailer",)
            _guard(rows, trailer_kinds, movie.trailer_url, lambda url: trailer_rows(ctx, rows, url, work))
        if wants_poster:
            _guard(rows, ("poster",), movie.poster_url, lambda url: poster_rows(ctx, rows, url))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def _wanted(movie: MediaMovie, kinds: tuple[str, ...]) -> tuple[bool, bool]:
    """(trailer, poster): which of the movie's assets this run fetches; a movie with neither is
    not handed out at all, so a build without media kinds does not walk every movie."""
    return bool(movie.trailer_url and "trailer" in kinds), bool(movie.poster_url and "poster" in kinds)


def _guard(rows: MovieRows, kinds: tuple[str, ...], raw_url: str, work: Callable[[str], None]) -> None:
    """Run one asset's pipeline on the escaped URL; its failure is recorded, the other assets go on."""
    url = raw_url
    try:
        url = escape_url(raw_url)
        work(url)
    except OptedOut as exc:
        rows.unusable(kinds, url, str(exc), status="skipped")
    except MediaError as exc:
        rows.unusable(kinds, url, str(exc))
    except Exception as exc:  # a file that breaks a library must not stop the build
        rows.unusable(kinds, url, f"unexpected {type(exc).__name__}: {exc}")


def _nested(statuses: Counter[tuple[str, str]]) -> dict[str, dict[str, int]]:
    summary: dict[str, dict[str, int]] = {}
    for (kind, status), n in sorted(statuses.items()):
        summary.setdefault(kind, {})[status] = n
    return summary


def _coverage(statuses: Counter[tuple[str, str]], kinds: tuple[str, ...]) -> dict[str, float]:
    """ok / attempted per enabled kind (opt-out skips are not attempts); 0.0 when none was attempted."""
    coverage = {}
    for kind in sorted(kinds):
        attempted = statuses[(kind, "ok")] + statuses[(kind, "failed")]
        coverage[kind] = round(statuses[(kind, "ok")] / attempted, 6) if attempted else 0.0
    return coverage


def _require_coverage(summary: MediaSummary, config: MediaConfig, first_reason: dict[str, str]) -> None:
    """Raise when an enabled kind had assets to fetch and not one succeeded (rows are already stored)."""
    dead = [
        kind for kind in sorted(config.kinds)
        if summary.assets.get(kind, {}).get("failed", 0) and not summary.assets.get(kind, {}).get("ok", 0)
    ]
    if dead:
        detail = "; ".join(f"{kind}: 0 of {summary.assets[kind]['failed']} ok, e.g. {first_reason.get(kind, '?')}"
                           for kind in dead)
        raise MediaCoverageError(
            f"media: no {', '.join(dead)} succeeded ({detail}); fix the cause or leave the kind out of"
            f" MediaConfig.kinds", summary)
