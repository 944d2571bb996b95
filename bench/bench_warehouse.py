"""Warehouse write path: Arrow bulk upsert (what stages use) vs row-by-row INSERT (baseline).

Prints rows/s of both and their ratio, measured in the same run on the same table.
Usage: .venv/bin/python bench/bench_warehouse.py [--rows 20000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from warehouse import Warehouse, upsert  # noqa: E402


def _rows(n: int, build_id: str) -> list[dict]:
    return [
        {"movie_id": f"ml{i}", "relation": "starring", "entity_id": f"person/p{i % 997}",
         "extractor": "structured", "source_url": f"http://127.0.0.1/movies/ml{i}.html",
         "confidence": 1.0, "evidence": None, "build_id": build_id}
        for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows to write (default: %(default)s)")
    args = parser.parse_args()
    rows = _rows(args.rows, "bench")
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Warehouse(Path(tmp) / "w.duckdb", Path(tmp) / "blobs")
        baseline_rows = rows[: max(1, args.rows // 10)]  # row-by-row is slow; time a tenth and scale
        with warehouse.transaction() as con:
            started = time.perf_counter()
            for row in baseline_rows:
                con.execute(
                    "INSERT OR REPLACE INTO relations VALUES (?, ?, ?, ?, ?, ?, ?, ?)", list(row.values())
                )
            baseline = len(baseline_rows) / (time.perf_counter() - started)
            con.execute("DELETE FROM relations")
        with warehouse.transaction() as con:
            started = time.perf_counter()
            upsert(con, "relations", rows)
            bulk = len(rows) / (time.perf_counter() - started)
        with warehouse.transaction() as con:
            started = time.perf_counter()
            upsert(con, "relations", rows)  # every key exists: the idempotent re-run
            rerun = len(rows) / (time.perf_counter() - started)
    print(f"row-by-row INSERT (baseline): {baseline:12,.0f} rows/s")
    print(f"Arrow bulk upsert, new rows:  {bulk:12,.0f} rows/s  ratio {bulk / baseline:8.1f}x")
    print(f"Arrow bulk upsert, re-run:    {rerun:12,.0f} rows/s  ratio {rerun / baseline:8.1f}x")


if __name__ == "__main__":
    main()
