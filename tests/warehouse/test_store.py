"""The warehouse contract: schema, idempotent upserts, atomic transactions, blobs, builds."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pytest

from warehouse import upsert
from warehouse.builds import finish_build, latest_build, start_build


def _movie(movie_id: str, movielens_id: int | None, title: str = "Toy Story") -> dict:
    return {"movie_id": movie_id, "url": f"http://127.0.0.1/movies/{movie_id}.html", "title": title,
            "movielens_id": movielens_id, "build_id": "b1"}


def test_upsert_twice_keeps_one_row_per_key(warehouse) -> None:
    with warehouse.transaction() as con:
        upsert(con, "movies", [_movie("ml1", 1), _movie("ml2", 2)])
        upsert(con, "movies", [_movie("ml1", 1, title="Toy Story (re-crawled)")])
        rows = con.execute("SELECT movie_id, title FROM movies ORDER BY movie_id").fetchall()
    assert rows == [("ml1", "Toy Story (re-crawled)"), ("ml2", "Toy Story")]


def test_failed_transaction_leaves_stored_rows_intact(warehouse) -> None:
    with warehouse.transaction() as con:
        upsert(con, "movies", [_movie("ml1", 1)])
    with pytest.raises(RuntimeError, match="killed half-way"):
        with warehouse.transaction() as con:
            con.execute("DELETE FROM movies")
            upsert(con, "movies", [_movie("ml3", 3)])
            raise RuntimeError("killed half-way")
    with warehouse.connect() as con:
        assert con.execute("SELECT movie_id FROM movies").fetchall() == [("ml1",)]


def test_blob_store_names_bytes_by_content(warehouse) -> None:
    first = warehouse.blobs.put(b"poster bytes")
    again = warehouse.blobs.put(b"poster bytes")
    assert first == again == hashlib.sha256(b"poster bytes").hexdigest()
    assert warehouse.blobs.get(first) == b"poster bytes"
    assert len(list(warehouse.blobs.root.rglob("*"))) == 2  # one folder, one file


def test_latest_build_ignores_failed_and_running_builds(warehouse) -> None:
    good = start_build(warehouse, {"n_movies": 3}, "h1")
    finish_build(warehouse, good, "succeeded", {"triples": 10}, "exports/x")
    bad = start_build(warehouse, {"n_movies": 3}, "h2")
    finish_build(warehouse, bad, "failed", {}, None)
    start_build(warehouse, {"n_movies": 3}, "h3")
    assert latest_build(warehouse)["build_id"] == good


def test_warehouse_is_storage_only() -> None:
    """No stage above storage may be imported by it: warehouse/ -> kg_build/ -> warehouse/ was a cycle."""
    stages = {"crawl", "extract", "media", "interactions", "kg_build", "export", "train", "flows", "mmkg"}
    package = Path(__file__).resolve().parents[2] / "warehouse"
    imported = set()
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add((module.name, node.module.split(".")[0]))
            elif isinstance(node, ast.Import):
                imported |= {(module.name, alias.name.split(".")[0]) for alias in node.names}
    assert {(m, top) for m, top in imported if top in stages} == set()
