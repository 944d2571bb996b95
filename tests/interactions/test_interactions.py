"""The interactions stage on a real warehouse and the real MovieLens ratings file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from interactions import InteractionsConfig, load_interactions
from warehouse import upsert


def _movie(movie_id: str, movielens_id: int | None, title: str = "Toy Story") -> dict:
    return {"movie_id": movie_id, "url": f"http://127.0.0.1/movies/{movie_id}.html", "title": title,
            "movielens_id": movielens_id, "build_id": "b1"}


def _crawled(warehouse, build_id: str, movie_ids: list[str]) -> None:
    with warehouse.transaction() as con:
        upsert(con, "build_movies", [{"build_id": build_id, "movie_id": m} for m in movie_ids])


@pytest.fixture()
def ratings(shared_data: Path) -> Path:
    return shared_data / "movies" / "ml-latest-small" / "ratings.csv"


def test_interactions_link_real_ratings_to_crawled_movies(warehouse, ratings) -> None:
    with warehouse.transaction() as con:
        upsert(con, "movies", [_movie("ml1", 1), _movie("ml2", 2, "Jumanji"), _movie("wp-x", None, "Actrius")])
    _crawled(warehouse, "b1", ["ml1", "ml2", "wp-x"])
    summary = load_interactions(InteractionsConfig(ratings_csv=ratings), warehouse, "b1")
    again = load_interactions(InteractionsConfig(ratings_csv=ratings), warehouse, "b1")
    # ml-latest-small: movie 1 has 215 ratings, movie 2 has 110.
    assert summary.interactions == again.interactions == summary.rows_written == 215 + 110
    assert again.rows_written == again.rows_deleted == 0  # idempotent: nothing rewritten
    assert summary.movies_with_interactions == 2 and summary.movies_without_interactions == 1
    with warehouse.connect() as con:
        (first,) = con.execute("SELECT min(rated_at) FROM interactions").fetchall()[0]
    assert isinstance(first, datetime) and first.year >= 1996


def test_a_build_counts_and_refreshes_only_its_own_movies(warehouse, ratings, tmp_path) -> None:
    with warehouse.transaction() as con:
        upsert(con, "movies", [_movie("ml1", 1), _movie("ml2", 2, "Jumanji")])
    _crawled(warehouse, "big", ["ml1", "ml2"])
    _crawled(warehouse, "small", ["ml2"])
    load_interactions(InteractionsConfig(ratings_csv=ratings), warehouse, "big")
    # a ratings file in which movie 2 lost all but two ratings and one of those changed
    lines = ratings.read_text().splitlines()
    kept = [line for line in lines[1:] if line.split(",")[1] == "2"][:2]
    user, movie, _, stamp = kept[0].split(",")
    edited = tmp_path / "ratings.csv"
    edited.write_text("\n".join([lines[0], f"{user},{movie},0.5,{stamp}", kept[1]]) + "\n")
    small = load_interactions(InteractionsConfig(ratings_csv=edited), warehouse, "small")
    assert small.interactions == 2 and small.users == 2 and small.movies_with_interactions == 1
    assert small.rows_written == 1 and small.rows_deleted == 110 - 2
    with warehouse.connect() as con:
        per_movie = dict(con.execute("SELECT movie_id, count(*) FROM interactions GROUP BY ALL").fetchall())
    assert per_movie == {"ml1": 215, "ml2": 2}  # ml1 is not in the small build: left as it was


def test_missing_ratings_file_is_a_clear_error(warehouse, tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="ratings file not found"):
        load_interactions(InteractionsConfig(ratings_csv=tmp_path / "nope.csv"), warehouse, "b1")


def test_a_build_without_crawled_movies_is_refused(warehouse, ratings) -> None:
    with pytest.raises(ValueError, match="no movies in build_movies"):
        load_interactions(InteractionsConfig(ratings_csv=ratings), warehouse, "b1")
