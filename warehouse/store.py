"""The warehouse handle every stage receives: one DuckDB file plus the blob store."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.blobs import BlobStore

SCHEMA_PATH = Path(__file__).with_name("schema.sql")
# DuckDB opens the file's database with the first connection and tears it down with the last;
# a thread opening while another closes gets a half-made database ("python_arrow_scan does
# not exist", catalog write-write conflicts on the schema), so opening and closing take turns.
_OPEN_CLOSE = threading.Lock()


class Warehouse:
    """Opens short-lived connections so stage subprocesses can take their turn at the file."""

    def __init__(self, db_path: Path, blobs_dir: Path) -> None:
        self.db_path = Path(db_path)
        self.blobs = BlobStore(blobs_dir)
        self._schema_applied = False

    @classmethod
    def from_settings(cls, settings: Any) -> "Warehouse":
        return cls(settings.warehouse_path, settings.blobs_dir)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Yield a connection with the schema in place; closed on exit.

        Always read-write: DuckDB refuses a read-only and a read-write connection to the
        same file inside one process, and stages run concurrently in one process.
        """
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        with _OPEN_CLOSE:
            con = duckdb.connect(str(self.db_path))
            if not self._schema_applied:
                con.execute(SCHEMA_PATH.read_text())
                self._schema_applied = True
        try:
            yield con
        finally:
            with _OPEN_CLOSE:
                con.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing writes: a stage killed half-way leaves the tables as they were."""
        with self.connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def record_error(self, build_id: str, stage: str, source: str, reason: str) -> None:
        """Store one error row; the build goes on."""
        with self.connect() as con:
            record_errors(con, build_id, stage, [(source, reason)])


def upsert(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, Any]] | pa.Table) -> int:
    """Insert-or-replace rows by column name (primary key decides); returns the row count."""
    arrow = rows if isinstance(rows, pa.Table) else pa.Table.from_pylist([dict(r) for r in rows])
    if arrow.num_rows == 0:
        return 0
    con.register("_upsert_rows", arrow)
    try:
        con.execute(f"INSERT OR REPLACE INTO {table} BY NAME SELECT * FROM _upsert_rows")
    finally:
        con.unregister("_upsert_rows")
    return arrow.num_rows


def sql_string(value: str) -> str:
    """``value`` as a SQL string literal: COPY targets cannot be bound as parameters."""
    return "'" + value.replace("'", "''") + "'"


def build_movie_count(con: duckdb.DuckDBPyConnection, build_id: str) -> int:
    """How many movies the build's crawl saw (``build_movies``): the build's snapshot."""
    return int(con.execute("SELECT count(*) FROM build_movies WHERE build_id = ?", [build_id]).fetchall()[0][0])


def require_build_movies(con: duckdb.DuckDBPyConnection, build_id: str, stage: str) -> int:
    """Refuse to build a snapshot of nothing: a stage run for a build whose crawl saw no movie."""
    count = build_movie_count(con, build_id)
    if count == 0:
        raise ValueError(
            f"{stage}: build {build_id} has no movies in build_movies "
            "(its crawl did not run, or found no movie page): nothing to build"
        )
    return count


def record_errors(
    con: duckdb.DuckDBPyConnection, build_id: str, stage: str, failures: Sequence[tuple[str, str]]
) -> int:
    """Upsert (source, reason) pairs as error rows of one stage."""
    return upsert(
        con,
        "errors",
        [{"build_id": build_id, "stage": stage, "source": s, "reason": r} for s, r in failures],
    )
