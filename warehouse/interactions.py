"""User-item interactions: MovieLens ratings linked to the movies the crawl found."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from warehouse.store import Warehouse


@dataclass(frozen=True)
class InteractionsConfig:
    ratings_csv: Path  # MovieLens ratings.csv: userId,movieId,rating,timestamp


@dataclass(frozen=True)
class InteractionsSummary:
    interactions: int
    users: int
    movies_with_interactions: int
    movies_without_interactions: int
    seconds: float


def load_interactions(config: InteractionsConfig, warehouse: Warehouse, build_id: str) -> InteractionsSummary:
    """Upsert the ratings of crawled movies (joined on the MovieLens id the page gave)."""
    if not config.ratings_csv.is_file():
        raise FileNotFoundError(f"ratings file not found: {config.ratings_csv}")
    started = time.perf_counter()
    with warehouse.transaction() as con:
        con.execute(
            """
            INSERT OR REPLACE INTO interactions BY NAME
            SELECT r.userId AS user_id, m.movie_id, r.rating,
                   make_timestamp(r.timestamp::BIGINT * 1000000) AS rated_at, ? AS build_id
            FROM read_csv(?, header = true,
                          columns = {'userId': 'INTEGER', 'movieId': 'INTEGER',
                                     'rating': 'DOUBLE', 'timestamp': 'BIGINT'}) AS r
            JOIN movies AS m ON m.movielens_id = r.movieId
            """,
            [build_id, str(config.ratings_csv)],
        )
        interactions, users, linked = con.execute(
            "SELECT count(*), count(DISTINCT user_id), count(DISTINCT movie_id) FROM interactions"
        ).fetchall()[0]
        (movies,) = con.execute("SELECT count(*) FROM movies").fetchall()[0]
    return InteractionsSummary(
        interactions=interactions,
        users=users,
        movies_with_interactions=linked,
        movies_without_interactions=movies - linked,
        seconds=time.perf_counter() - started,
    )
