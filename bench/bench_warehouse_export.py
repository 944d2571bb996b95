"""Benchmark the export of one build: every training format written from the build's snapshot,
against the floor of a plain DuckDB COPY of the same build's tables to Parquet (same run, same data).

Synthetic build from bench_kg_build's generator (5,000 movies, ~50,000 relations, media with
real .npy feature blobs) plus 600 users' ratings, kg_build run first as in a real build.
Run: .venv/bin/python bench/bench_warehouse_export.py [--movies 5000]
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_kg_build  # noqa: E402
from export import ExportConfig, export_build  # noqa: E402
from kg_build import KGConfig, build_triples  # noqa: E402
from warehouse import Warehouse, upsert  # noqa: E402
from warehouse.store import sql_string  # noqa: E402

BUILD = "bench"
N_USERS = 600


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _fill(warehouse: Warehouse, rng: random.Random) -> dict[str, int]:
    tables = bench_kg_build.synthetic_rows(rng)
    np_rng = np.random.default_rng(0)
    shapes = {"keyframes": (4, 16, 16, 3), "poster": (16, 16, 3), "logmel": (32, 48)}
    features = tables["media_features"].to_pylist()
    for row in features:  # real arrays behind every feature row, as the media stage leaves them
        shape = shapes[row["feature"]]
        array = np_rng.integers(0, 255, shape, dtype=np.uint8) if row["feature"] != "logmel" else \
            np_rng.standard_normal(shape).astype(np.float16)
        row["blob_sha256"] = warehouse.blobs.put(_npy(array))
    tables["media_features"] = pa.Table.from_pylist(features)
    movie_ids = tables["movies"].column("movie_id").to_pylist()
    ratings = [{"user_id": u, "movie_id": m, "rating": float(rng.randint(1, 10)) / 2,
                "rated_at": "2020-01-01 00:00:00", "build_id": BUILD}
               for u in range(1, N_USERS + 1) for m in rng.sample(movie_ids, 40)]
    with warehouse.transaction() as con:
        for name, table in tables.items():
            upsert(con, name, table)
        upsert(con, "interactions", ratings)
        upsert(con, "build_movies", pa.table({"build_id": [BUILD] * len(movie_ids), "movie_id": movie_ids}))
    return {"movies": len(movie_ids), "interactions": len(ratings)}


def _raw_dump(warehouse: Warehouse, out: Path) -> None:
    """The floor: the build's own rows copied to Parquet as they are, no index, no format."""
    out.mkdir()
    queries = {
        "movies": "SELECT m.* FROM movies m SEMI JOIN build_movies b ON b.movie_id = m.movie_id AND b.build_id = 'bench'",
        "interactions": "SELECT i.* FROM interactions i SEMI JOIN build_movies b ON b.movie_id = i.movie_id",
        "triples": "SELECT * FROM triples WHERE build_id = 'bench'",
    }
    with warehouse.connect() as con:
        for name, query in queries.items():
            con.execute(f"COPY ({query}) TO {sql_string(str(out / f'{name}.parquet'))} (FORMAT parquet)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movies", type=int, default=bench_kg_build.N_MOVIES)
    args = parser.parse_args()
    bench_kg_build.N_MOVIES = args.movies
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        warehouse = Warehouse(root / "bench.duckdb", root / "blobs")
        sizes = _fill(warehouse, random.Random(7))
        build_triples(KGConfig(validate=False), warehouse, BUILD)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        _raw_dump(warehouse, root / "raw")
        t_raw = time.perf_counter() - started
        started = time.perf_counter()
        summary = export_build(ExportConfig(exports_dir=root / "exports"), warehouse, BUILD)
        t_export = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = summary.counts
    print(f"input: {sizes['movies']:,} movies, {sizes['interactions']:,} interactions, "
          f"{counts['triples']:,} triples, {counts['kg_edges']:,} kg edges, {counts['entities']:,} non-item nodes")
    print(f"raw COPY of the build's rows (baseline): {t_raw:6.2f} s")
    print(f"export_build (every format):             {t_export:6.2f} s = {t_export / t_raw:.1f}x the baseline, "
          f"{counts['triples'] / t_export:,.0f} triples/s")
    print(f"peak RSS: {rss_after:,.0f} MiB (before the export: {rss_before:,.0f} MiB)")


if __name__ == "__main__":
    main()
