"""The media stage's database I/O: movies in; earlier assets and features; rows out per movie.

Rows are written as movies finish, each batch (the movies done since the last write) in
its own transaction, so a stage killed for memory or time keeps every movie it finished.
"""

from __future__ import annotations

from dataclasses import dataclass

from media.conditional import Origin, Validators
from media.features import EXTRACTORS
from media.revalidation import FeatureIndex, KnownFeature, Previous, StoredAsset
from media.rows import MovieRows
from warehouse import Warehouse, record_errors, upsert

STAGE = "media"


@dataclass(frozen=True)
class MediaMovie:
    movie_id: str
    trailer_url: str | None
    poster_url: str | None


def read_movies(warehouse: Warehouse, build_id: str) -> list[MediaMovie]:
    """The movies of this build's crawl (``build_movies``): a build never touches other movies' assets."""
    with warehouse.connect() as con:
        rows = con.execute(
            "SELECT m.movie_id, m.trailer_url, m.poster_url FROM movies m"
            " JOIN build_movies b ON b.movie_id = m.movie_id AND b.build_id = ? ORDER BY m.movie_id",
            [build_id],
        ).fetchall()
    return [MediaMovie(*row) for row in rows]


def read_previous(warehouse: Warehouse) -> Previous:
    """Features (of the current extractors), audio tracks and revalidatable assets of earlier runs."""
    with warehouse.connect() as con:
        features = con.execute(
            "SELECT content_sha256, feature, blob_sha256, shape FROM media_features"
            " WHERE (feature, extractor) IN (SELECT * FROM (VALUES "
            + ", ".join("(?, ?)" for _ in EXTRACTORS) + "))",
            [v for pair in EXTRACTORS.items() for v in pair],
        ).fetchall()
        audio = con.execute(
            "SELECT t.content_sha256, a.content_sha256, a.duration_s FROM media_assets t"
            " JOIN media_assets a ON a.movie_id = t.movie_id AND a.kind = 'audio' AND a.status = 'ok'"
            " WHERE t.kind = 'trailer' AND t.status = 'ok'"
        ).fetchall()
        assets = con.execute(
            "SELECT movie_id, kind, source_url, content_sha256, mime, width, height, duration_s,"
            " media_url, etag, last_modified, page_etag, page_last_modified FROM media_assets"
            " WHERE status = 'ok' AND kind IN ('trailer', 'poster') AND media_url IS NOT NULL"
        ).fetchall()
    return Previous(
        assets={
            (movie_id, kind): StoredAsset(
                source_url, sha, mime, width, height, duration,
                Origin(media_url, Validators(etag, modified), Validators(page_etag, page_modified)),
            )
            for movie_id, kind, source_url, sha, mime, width, height, duration,
            media_url, etag, modified, page_etag, page_modified in assets
        },
        audio_of_trailer={trailer: (sha, duration) for trailer, sha, duration in audio},
        features=FeatureIndex({(sha, feat): KnownFeature(blob, shape) for sha, feat, blob, shape in features}),
    )


def write_movies(warehouse: Warehouse, batch: list[MovieRows]) -> None:
    """Finished movies' assets, features and errors, all or nothing."""
    if not batch:
        return
    with warehouse.transaction() as con:
        upsert(con, "media_assets", [row for rows in batch for row in rows.assets.values()])
        upsert(con, "media_features", [row for rows in batch for row in rows.features])
        record_errors(con, batch[0].build_id, STAGE, sorted(e for rows in batch for e in rows.errors.items()))
