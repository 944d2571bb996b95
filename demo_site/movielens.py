"""Read MovieLens ``ml-latest-small`` into movie records with their popularity.

Arrow reads the CSVs and counts the 100k ratings; only the joined result becomes Python
objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

_TITLE_YEAR = re.compile(r"^(?P<title>.*?)\s*\((?P<year>\d{4})(?:[-–]\d{0,4})?\)\s*$")
_ALT_TITLE = re.compile(r"\s*\([^)]*\)\s*$")
_ARTICLE_SUFFIX = re.compile(r"^(?P<body>.+), (?P<article>The|A|An|Les|La|Le|L'|Il|El|Das|Der|Die)$")


@dataclass(frozen=True)
class MovieLensMovie:
    """One MovieLens movie with its title in reading order ("The Matrix")."""

    movie_id: int
    title: str
    year: int | None
    genres: tuple[str, ...]
    imdb_id: str | None
    tmdb_id: int | None
    rating_count: int


def read_movielens(folder: Path) -> list[MovieLensMovie]:
    """All movies of ``folder`` (movies.csv + links.csv + ratings.csv), most rated first.

    Ties are broken by movie id, so the order is the same on every run.
    """
    movies = pacsv.read_csv(folder / "movies.csv", convert_options=_types(movieId=pa.int64(), title=pa.string()))
    links = pacsv.read_csv(
        folder / "links.csv",
        convert_options=_types(movieId=pa.int64(), imdbId=pa.string(), tmdbId=pa.int64()),
    )
    ratings = pacsv.read_csv(folder / "ratings.csv", convert_options=pacsv.ConvertOptions(include_columns=["movieId"]))
    counts = ratings.group_by("movieId").aggregate([("movieId", "count")]).rename_columns(["movieId", "rating_count"])
    table = movies.join(links, "movieId", join_type="left outer").join(counts, "movieId", join_type="left outer")
    table = table.append_column("n", pc.fill_null(table["rating_count"], 0)).sort_by(
        [("n", "descending"), ("movieId", "ascending")]
    )
    return [_movie(row) for row in table.to_pylist()]


def _types(**columns: pa.DataType) -> pacsv.ConvertOptions:
    return pacsv.ConvertOptions(column_types=columns)


def _movie(row: dict) -> MovieLensMovie:
    title, year = split_title(row["title"])
    genres = tuple(g for g in (row["genres"] or "").split("|") if g and g != "(no genres listed)")
    imdb = row["imdbId"]
    return MovieLensMovie(
        movie_id=row["movieId"],
        title=title,
        year=year,
        genres=genres,
        imdb_id=f"tt{int(imdb):07d}" if imdb else None,
        tmdb_id=row["tmdbId"],
        rating_count=row["n"],
    )


def split_title(raw: str) -> tuple[str, int | None]:
    """``"Matrix, The (1999)"`` -> ``("The Matrix", 1999)``; alternative titles are dropped."""
    match = _TITLE_YEAR.match(raw.strip())
    title, year = (match.group("title"), int(match.group("year"))) if match else (raw.strip(), None)
    title = _ALT_TITLE.sub("", title) or title
    suffix = _ARTICLE_SUFFIX.match(title)
    if suffix:
        article = suffix.group("article")
        title = f"{article}{'' if article.endswith(chr(39)) else ' '}{suffix.group('body')}"
    return title, year
