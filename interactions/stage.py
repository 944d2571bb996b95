"""User-item interactions: MovieLens ratings linked to the movies of one build.

``interactions`` is a cache keyed by (user_id, movie_id): a build refreshes the rows of the
movies its crawl saw (``build_movies``) from its ratings file and leaves every other row
alone, so a movie that vanishes from the site keeps its rows for the day it comes back,
and an unchanged rating is never rewritten. A build's interactions are the rows whose
movie is in that build's ``build_movies``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from warehouse.store import Warehouse, require_build_movies

STAGE = "interactions"

_RATED = """
CREATE OR REPLACE TEMP TABLE rated AS
SELECT r.userId AS user_id, m.movie_id, r.rating, make_timestamp(r.timestamp::BIGINT * 1000000) AS rated_at
FROM read_csv($ratings_csv, header = true,
              columns = {'userId': 'INTEGER', 'movieId': 'INTEGER', 'rating': 'DOUBLE', 'timestamp': 'BIGINT'}) AS r
JOIN movies AS m ON m.movielens_id = r.movieId
SEMI JOIN build_movies AS b ON b.movie_id = m.movie_id AND b.build_id = $build_id
"""
# Rows of this build's movies that its ratings file no longer has.
_DELETE_WITHDRAWN = """
DELETE FROM interactions i
WHERE i.movie_id IN (SELECT movie_id FROM build_movies WHERE build_id = $build_id)
  AND NOT EXISTS (SELECT 1 FROM rated r WHERE r.user_id = i.user_id AND r.movie_id = i.movie_id)
"""
# New or changed ratings only: an unchanged row keeps the build_id that first wrote it.
_UPSERT_CHANGED = """
INSERT OR REPLACE INTO interactions BY NAME
SELECT r.*, $build_id AS build_id FROM rated r
WHERE NOT EXISTS (SELECT 1 FROM interactions i
                  WHERE i.user_id = r.user_id AND i.movie_id = r.movie_id
                    AND i.rating = r.rating AND i.rated_at = r.rated_at)
"""
_COUNTS = """
SELECT count(*), count(DISTINCT i.user_id), count(DISTINCT i.movie_id)
FROM interactions i SEMI JOIN build_movies b ON b.movie_id = i.movie_id AND b.build_id = $build_id
"""


@dataclass(frozen=True)
class InteractionsConfig:
    ratings_csv: Path  # MovieLens ratings.csv: userId,movieId,rating,timestamp


@dataclass(frozen=True)
class InteractionsSummary:
    interactions: int  # of this build's movies
    users: int
    movies_with_interactions: int
    movies_without_interactions: int
    rows_written: int  # new or changed ratings stored by this run
    rows_deleted: int  # ratings of this build's movies that the ratings file no longer has
    seconds: float


def load_interactions(config: InteractionsConfig, warehouse: Warehouse, build_id: str) -> InteractionsSummary:
    """Refresh the interactions of the build's movies (joined on the MovieLens id the page gave)."""
    if not config.ratings_csv.is_file():
        raise FileNotFoundError(f"ratings file not found: {config.ratings_csv}")
    started = time.perf_counter()
    params = {"build_id": build_id, "ratings_csv": str(config.ratings_csv)}
    with warehouse.transaction() as con:
        movies = require_build_movies(con, build_id, STAGE)
        con.execute(_RATED, params)
        (deleted,) = con.execute(_DELETE_WITHDRAWN, {"build_id": build_id}).fetchall()[0]
        (written,) = con.execute(_UPSERT_CHANGED, {"build_id": build_id}).fetchall()[0]
        interactions, users, linked = con.execute(_COUNTS, {"build_id": build_id}).fetchall()[0]
        con.execute("DROP TABLE rated")
    return InteractionsSummary(
        interactions=interactions,
        users=users,
        movies_with_interactions=linked,
        movies_without_interactions=movies - linked,
        rows_written=int(written),
        rows_deleted=int(deleted),
        seconds=time.perf_counter() - started,
    )
