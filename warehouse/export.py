"""Export a build from the warehouse into training shards: the researcher's contract.

Everything a model needs lands in ``exports/<build_id>/`` (Parquet tables, safetensors
features, N-Triples and Turtle, RecBole and MMRec files, manifest, dataset card). The directory is
written under a temporary name and renamed at the end, so a killed export leaves either
the previous export or none, never half of one.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
from safetensors.numpy import save_file

from warehouse.blobs import sha256_file
from warehouse.dataset_card import render_dataset_card
from warehouse.export_features import build_feature_matrices, pooled_poster_features, read_feature_rows
from warehouse.export_recsys import write_mmrec_files, write_recbole_files
from warehouse.export_split import assign_splits
from warehouse.export_text import read_item_texts, text_features, write_graph_turtle
from warehouse.store import Warehouse, record_errors, sql_string

STAGE = "warehouse"


@dataclass(frozen=True)
class ExportConfig:
    exports_dir: Path
    min_rating: float = 0.0  # interactions below this rating are left out (implicit feedback threshold)
    split_seed: int = 7  # seed of the per-user train/val/test split stored with the interactions


@dataclass(frozen=True)
class ExportSummary:
    export_dir: Path
    counts: dict[str, int] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    seconds: float = 0.0
    errors: int = 0


ITEMS_SQL = """
SELECT CAST(row_number() OVER (ORDER BY movie_id) - 1 AS BIGINT) AS item_idx,
       movie_id, title, year, movielens_id, imdb_id
FROM movies ORDER BY movie_id
"""

INTERACTIONS_SQL = """
WITH items AS (SELECT movie_id, CAST(row_number() OVER (ORDER BY movie_id) - 1 AS BIGINT) AS item_idx FROM movies),
kept AS (SELECT i.user_id, it.item_idx, i.rating, i.rated_at
         FROM interactions i JOIN items it USING (movie_id) WHERE i.rating >= ?)
SELECT CAST(dense_rank() OVER (ORDER BY user_id) - 1 AS BIGINT) AS user_idx, item_idx, user_id,
       rating, CAST(epoch(rated_at) AS DOUBLE) AS timestamp
FROM kept ORDER BY user_idx, item_idx
"""

ORPHAN_INTERACTIONS_SQL = """
SELECT movie_id, count(*) FROM interactions WHERE movie_id NOT IN (SELECT movie_id FROM movies)
GROUP BY movie_id ORDER BY movie_id
"""

ENTITIES_SQL = """
SELECT CAST(row_number() OVER (ORDER BY entity_id) - 1 AS BIGINT) AS entity_idx,
       CAST(row_number() OVER (ORDER BY entity_id) - 1 + (SELECT count(*) FROM movies) AS BIGINT) AS node_idx,
       entity_id, kind, name, imdb_id, wikidata_id
FROM entities ORDER BY entity_id
"""

# One edge per (movie, relation, entity) whatever the number of extractors that found it.
KG_SQL = """
WITH items AS (SELECT movie_id, row_number() OVER (ORDER BY movie_id) - 1 AS item_idx FROM movies),
ents AS (SELECT entity_id, row_number() OVER (ORDER BY entity_id) - 1 + (SELECT count(*) FROM movies) AS node_idx
         FROM entities)
SELECT DISTINCT CAST(it.item_idx AS BIGINT) AS head_idx, r.relation, CAST(e.node_idx AS BIGINT) AS tail_idx
FROM relations r JOIN items it USING (movie_id) JOIN ents e USING (entity_id)
ORDER BY head_idx, relation, tail_idx
"""

DANGLING_RELATIONS_SQL = """
SELECT movie_id || ' ' || relation || ' ' || entity_id AS source,
       CASE WHEN movie_id NOT IN (SELECT movie_id FROM movies) THEN 'relation names unknown movie ' || movie_id
            ELSE 'relation names unknown entity ' || entity_id END AS reason
FROM relations
WHERE movie_id NOT IN (SELECT movie_id FROM movies) OR entity_id NOT IN (SELECT entity_id FROM entities)
GROUP BY ALL ORDER BY source
"""

GRAPH_NT_SQL = """
COPY (SELECT subject || ' ' || predicate || ' ' || object || ' .' FROM triples WHERE build_id = $build_id
      ORDER BY subject, predicate, object)
TO {target} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x01')
"""


@dataclass
class _Snapshot:
    """Everything the export reads, taken in one short warehouse connection."""

    items: pa.Table
    interactions: pa.Table
    entities: pa.Table
    kg: pa.Table
    feature_rows: list[tuple[str, str, str]]
    item_texts: list[str]
    n_triples: int
    failures: list[tuple[str, str]]


def _read_snapshot(con: duckdb.DuckDBPyConnection, config: ExportConfig, build_id: str, graph_nt: Path) -> _Snapshot:
    failures = [
        (f"interactions:{movie_id}", f"{count} interactions name movie {movie_id}, which is not in movies")
        for movie_id, count in con.execute(ORPHAN_INTERACTIONS_SQL).fetchall()
    ]
    failures += [tuple(row) for row in con.execute(DANGLING_RELATIONS_SQL).fetchall()]
    con.execute(GRAPH_NT_SQL.format(target=sql_string(graph_nt.as_posix())), {"build_id": build_id})
    (n_triples,) = con.execute("SELECT count(*) FROM triples WHERE build_id = ?", [build_id]).fetchall()[0]
    return _Snapshot(
        items=con.sql(ITEMS_SQL).to_arrow_table(),
        interactions=con.sql(INTERACTIONS_SQL, params=[config.min_rating]).to_arrow_table(),
        entities=con.sql(ENTITIES_SQL).to_arrow_table(),
        kg=con.sql(KG_SQL).to_arrow_table(),
        feature_rows=read_feature_rows(con),
        item_texts=read_item_texts(con),
        n_triples=int(n_triples),
        failures=failures,
    )


def _write_tables(snap: _Snapshot, interactions: pa.Table, out: Path) -> duckdb.DuckDBPyConnection:
    """Parquet tables via DuckDB COPY; returns the in-memory connection holding them for later COPYs."""
    mem = duckdb.connect()
    for name, table in {"items": snap.items, "inter": interactions, "entities": snap.entities, "kg": snap.kg}.items():
        mem.register(name, table)
    for file_name, table in {
        "items.parquet": "items",
        "interactions.parquet": "inter",
        "entities.parquet": "entities",
        "kg.parquet": "kg",
    }.items():
        mem.execute(f"COPY (SELECT * FROM {table}) TO {sql_string((out / file_name).as_posix())} (FORMAT parquet)")
    return mem


def _manifest(out: Path, build_id: str, created_at: str, counts: dict) -> dict:
    files = {
        path.relative_to(out).as_posix(): {"sha256": sha256_file(path), "bytes": path.stat().st_size}
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.name != "manifest.json"
    }
    return {"build_id": build_id, "created_at": created_at, "files": files, "counts": counts}


def _publish(tmp: Path, target: Path) -> None:
    """Swap the finished temp dir into place; an older export of the same build is replaced whole."""
    old = None
    if target.exists():
        old = target.with_name(f".old-{target.name}-{time.time_ns()}")
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def export_build(config: ExportConfig, warehouse: Warehouse, build_id: str) -> ExportSummary:
    """Write ``exports/<build_id>/`` from the warehouse tables; bad rows become error rows."""
    started = time.perf_counter()
    created_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    exports_dir = Path(config.exports_dir)
    exports_dir.mkdir(parents=True, exist_ok=True)
    target = exports_dir / build_id
    tmp = Path(tempfile.mkdtemp(dir=exports_dir, prefix=f".tmp-{build_id}-"))
    try:
        with warehouse.connect() as con:
            snap = _read_snapshot(con, config, build_id, tmp / "graph.nt")

        user_idx = snap.interactions.column("user_idx").to_numpy()
        splits = assign_splits(user_idx, seed=config.split_seed)
        interactions = snap.interactions.append_column("split", pa.array(splits, type=pa.int8()))

        mem = _write_tables(snap, interactions, tmp)
        item_index = dict(zip(snap.items.column("movie_id").to_pylist(), range(snap.items.num_rows)))
        features = build_feature_matrices(snap.feature_rows, item_index, warehouse.blobs)
        text_feat, has_text = text_features(snap.item_texts)
        features.tensors["text"] = text_feat
        features.tensors["has_text"] = has_text
        save_file(features.tensors, str(tmp / "features.safetensors"), metadata={"build_id": build_id})
        write_recbole_files(mem, tmp / "recbole")
        write_mmrec_files(mem, tmp / "mmrec", pooled_poster_features(features.tensors["poster"]), text_feat)
        mem.close()
        write_graph_turtle(tmp / "graph.nt", tmp / "graph.ttl")

        counts = {
            "users": int(len(np.unique(user_idx))),
            "items": snap.items.num_rows,
            "interactions": interactions.num_rows,
            "entities": snap.entities.num_rows,
            "kg_edges": snap.kg.num_rows,
            "triples": snap.n_triples,
            "feature_coverage": features.coverage(),
            "items_with_text": int(has_text.sum()),
        }
        (tmp / "README.md").write_text(render_dataset_card(build_id, created_at, counts), encoding="utf-8")
        manifest = _manifest(tmp, build_id, created_at, counts)
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        _publish(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

    failures = snap.failures + features.failures
    with warehouse.transaction() as con:
        record_errors(con, build_id, STAGE, failures)
        con.execute("UPDATE builds SET export_dir = ? WHERE build_id = ?", [str(target), build_id])

    flat_counts = {k: v for k, v in counts.items() if isinstance(v, int)}
    flat_counts.update({f"items_with_{k}": v for k, v in counts["feature_coverage"].items()})
    return ExportSummary(
        export_dir=target,
        counts=flat_counts,
        files=tuple(sorted(manifest["files"]) + ["manifest.json"]),
        seconds=time.perf_counter() - started,
        errors=len(failures),
    )
