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

from rdflib import RDF

from export.dataset_card import SourcesUsed, render_dataset_card
from export.features import (
    build_feature_matrices, pooled_logmel_features, pooled_poster_features, read_feature_rows,
)
from export.recsys import write_mmrec_files, write_recbole_files
from export.split import assign_splits
from export.text import read_item_texts, text_features, write_graph_turtle
from kg_build.vocabulary import MMKG, RESOURCE_BASE, nt, vocabulary
from mmkg.settings import Settings
from warehouse.blobs import sha256_file
from warehouse.store import Warehouse, record_errors, require_build_movies, sql_string

STAGE = "export"


@dataclass(frozen=True)
class ExportConfig:
    exports_dir: Path
    min_rating: float = 0.0  # interactions below this rating are left out (implicit feedback threshold)
    split_seed: int = 7  # seed of the per-user train/val/test split stored with the interactions
    data_dir: Path | None = None  # the source data's READMEs (media attributions); None: MMKG_DATA

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_rating <= 5.0:
            raise ValueError(f"min_rating must be within [0, 5] (MovieLens stars), not {self.min_rating}")


@dataclass(frozen=True)
class ExportSummary:
    export_dir: Path
    counts: dict[str, int] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    seconds: float = 0.0
    errors: int = 0


# The build's snapshot: its movies (build_movies), their interactions and the triples it
# assembled. Items with interactions come first, so MMRec's item range is a prefix of item_idx.
_SNAPSHOT_SQL = """
CREATE OR REPLACE TEMP TABLE x_movies AS
SELECT m.* FROM movies m SEMI JOIN build_movies b ON b.movie_id = m.movie_id AND b.build_id = $build_id;
CREATE OR REPLACE TEMP TABLE x_rated AS
SELECT i.user_id, i.movie_id, i.rating, CAST(epoch(i.rated_at) AS DOUBLE) AS timestamp
FROM interactions i SEMI JOIN x_movies m ON m.movie_id = i.movie_id WHERE i.rating >= $min_rating;
CREATE OR REPLACE TEMP TABLE x_items AS
WITH n AS (SELECT movie_id, count(*) AS n FROM x_rated GROUP BY movie_id)
SELECT CAST(row_number() OVER (ORDER BY n.n IS NULL, m.movie_id) - 1 AS BIGINT) AS item_idx,
       m.movie_id, m.title, m.year, m.movielens_id, m.imdb_id, CAST(coalesce(n.n, 0) AS BIGINT) AS interactions
FROM x_movies m LEFT JOIN n USING (movie_id);
CREATE OR REPLACE TEMP TABLE x_inter AS
SELECT CAST(dense_rank() OVER (ORDER BY r.user_id) - 1 AS BIGINT) AS user_idx, i.item_idx, r.user_id,
       r.rating, r.timestamp
FROM x_rated r JOIN x_items i USING (movie_id);
CREATE OR REPLACE TEMP TABLE x_typed AS
SELECT subject AS node, object AS class,
       url_decode(substr(subject, length($node_prefix) + 1, length(subject) - length($node_prefix) - 1)) AS node_id,
       regexp_extract(object, '[#/]([^#/>]*)>$', 1) AS kind
FROM triples WHERE build_id = $build_id AND predicate = $rdf_type AND starts_with(subject, $node_prefix)
QUALIFY row_number() OVER (PARTITION BY subject ORDER BY object) = 1;
CREATE OR REPLACE TEMP TABLE x_entities AS
SELECT CAST(row_number() OVER (ORDER BY t.node_id) - 1 AS BIGINT) AS entity_idx,
       CAST(row_number() OVER (ORDER BY t.node_id) - 1 + (SELECT count(*) FROM x_items) AS BIGINT) AS node_idx,
       t.node_id AS entity_id, t.kind, e.name, e.imdb_id, e.wikidata_id, t.node
FROM x_typed t LEFT JOIN entities e ON e.entity_id = t.node_id WHERE t.class <> $movie_class;
CREATE OR REPLACE TEMP TABLE x_nodes AS
SELECT t.node, i.item_idx AS node_idx, i.movie_id AS token
FROM x_typed t JOIN x_items i ON i.movie_id = substr(t.node_id, strpos(t.node_id, '/') + 1)
WHERE t.class = $movie_class
UNION ALL SELECT node, node_idx, entity_id FROM x_entities;
CREATE OR REPLACE TEMP TABLE x_edges AS
SELECT tr.subject, tr.predicate, tr.object, n.relation, h.node_idx AS head_idx, t.node_idx AS tail_idx,
       tr.extractor, tr.confidence
FROM triples tr JOIN x_edge_names n USING (predicate)
LEFT JOIN x_nodes h ON h.node = tr.subject LEFT JOIN x_nodes t ON t.node = tr.object
WHERE tr.build_id = $build_id AND NOT tr.object_is_literal;
"""

ITEMS_SQL = "SELECT item_idx, movie_id, title, year, movielens_id, imdb_id FROM x_items ORDER BY item_idx"
INTERACTIONS_SQL = "SELECT user_idx, item_idx, user_id, rating, timestamp FROM x_inter ORDER BY user_idx, item_idx"
USERS_SQL = "SELECT DISTINCT user_idx, user_id FROM x_inter ORDER BY user_idx"
ENTITIES_SQL = "SELECT entity_idx, node_idx, entity_id, kind, name, imdb_id, wikidata_id FROM x_entities ORDER BY entity_idx"
NODES_SQL = "SELECT node_idx, token FROM x_nodes ORDER BY node_idx"
# The training graph: every node-to-node triple of the build, with its relation name.
KG_SQL = """
SELECT head_idx, relation, tail_idx, extractor, confidence FROM x_edges
WHERE head_idx IS NOT NULL AND tail_idx IS NOT NULL ORDER BY head_idx, relation, tail_idx
"""
UNTYPED_EDGES_SQL = """
SELECT subject || ' ' || predicate || ' ' || object, 'edge to or from a node without rdf:type in the build''s triples'
FROM x_edges WHERE head_idx IS NULL OR tail_idx IS NULL ORDER BY ALL
"""
# What the build took from each source, for the dataset card's licence section.
SOURCES_SQL = """
SELECT (SELECT count(*) FROM x_movies WHERE movielens_id IS NOT NULL),
       (SELECT count(*) FROM x_rated),
       (SELECT count(DISTINCT movie_id) FROM (
            SELECT movie_id FROM documents WHERE kind = 'article'
            UNION ALL SELECT movie_id FROM movie_sources WHERE method = 'mediawiki') SEMI JOIN x_movies USING (movie_id)),
       (SELECT coalesce(map(list(kind), list(n)), MAP {}) FROM (
            SELECT kind, count(*) AS n FROM media_assets SEMI JOIN x_movies USING (movie_id)
            WHERE status = 'ok' GROUP BY kind ORDER BY kind)),
       (SELECT list(DISTINCT regexp_extract(coalesce(media_url, source_url), '^[a-z]+://([^/]+)', 1) ORDER BY 1)
        FROM media_assets SEMI JOIN x_movies USING (movie_id) WHERE status = 'ok')
"""
# The latest earlier published build, and the items that left or joined since.
CHANGES_SQL = """
WITH prev AS (SELECT max(build_id) AS build_id FROM builds WHERE status = 'succeeded' AND build_id < $build_id)
SELECT (SELECT build_id FROM prev),
       (SELECT coalesce(list(movie_id ORDER BY movie_id), []) FROM build_movies
        WHERE build_id = (SELECT build_id FROM prev) AND movie_id NOT IN (SELECT movie_id FROM x_movies)),
       (SELECT coalesce(list(movie_id ORDER BY movie_id), []) FROM x_movies
        WHERE (SELECT build_id FROM prev) IS NOT NULL
          AND movie_id NOT IN (SELECT movie_id FROM build_movies WHERE build_id = (SELECT build_id FROM prev)))
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
    users: pa.Table
    entities: pa.Table
    nodes: pa.Table
    kg: pa.Table
    feature_rows: list[tuple[str, str, str]]
    item_texts: list[str]
    n_triples: int
    sources: SourcesUsed
    changes: dict
    failures: list[tuple[str, str]]


def _edge_names() -> pa.Table:
    names = vocabulary().edge_names
    return pa.table({"predicate": [nt(p) for p in names], "relation": list(names.values())})


def _read_snapshot(con: duckdb.DuckDBPyConnection, config: ExportConfig, build_id: str, graph_nt: Path) -> _Snapshot:
    require_build_movies(con, build_id, STAGE)
    con.register("x_edge_names", _edge_names())
    params = {"build_id": build_id, "min_rating": config.min_rating, "node_prefix": "<" + RESOURCE_BASE,
              "rdf_type": nt(RDF.type), "movie_class": nt(MMKG.Movie)}
    for statement in filter(str.strip, _SNAPSHOT_SQL.split(";\n")):
        con.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement})
    failures = [tuple(row) for row in con.execute(UNTYPED_EDGES_SQL).fetchall()]
    con.execute(GRAPH_NT_SQL.format(target=sql_string(graph_nt.as_posix())), {"build_id": build_id})
    write_graph_turtle(con, build_id, graph_nt.with_name("graph.ttl"))
    (n_triples,) = con.execute("SELECT count(*) FROM triples WHERE build_id = ?", [build_id]).fetchall()[0]
    movielens_items, ratings, wikipedia_items, media, media_hosts = con.execute(SOURCES_SQL).fetchall()[0]
    previous, gone, new = con.execute(CHANGES_SQL, {"build_id": build_id}).fetchall()[0]
    return _Snapshot(
        items=con.sql(ITEMS_SQL).to_arrow_table(),
        interactions=con.sql(INTERACTIONS_SQL).to_arrow_table(),
        users=con.sql(USERS_SQL).to_arrow_table(),
        entities=con.sql(ENTITIES_SQL).to_arrow_table(),
        nodes=con.sql(NODES_SQL).to_arrow_table(),
        kg=con.sql(KG_SQL).to_arrow_table(),
        feature_rows=read_feature_rows(con),
        item_texts=read_item_texts(con),
        n_triples=int(n_triples),
        sources=SourcesUsed(movielens_items=int(movielens_items), ratings=int(ratings),
                            wikipedia_items=int(wikipedia_items), media={str(k): int(v) for k, v in dict(media).items()},
                            media_hosts=tuple(media_hosts or ())),
        changes={"previous_build": previous, "items_gone": list(gone or []), "items_new": list(new or [])},
        failures=failures,
    )


def _write_tables(snap: _Snapshot, interactions: pa.Table, out: Path) -> duckdb.DuckDBPyConnection:
    """Parquet tables via DuckDB COPY; returns the in-memory connection holding them for later COPYs."""
    mem = duckdb.connect()
    tables = {"items": snap.items, "inter": interactions, "users": snap.users, "entities": snap.entities,
              "nodes": snap.nodes, "kg": snap.kg}
    for name, table in tables.items():
        mem.register(name, table)
    for file_name, table in {
        "items.parquet": "items",
        "interactions.parquet": "inter",
        "users.parquet": "users",
        "entities.parquet": "entities",
        "kg.parquet": "kg",
    }.items():
        mem.execute(f"COPY (SELECT * FROM {table}) TO {sql_string((out / file_name).as_posix())} (FORMAT parquet)")
    return mem


def _manifest(out: Path, build_id: str, created_at: str, counts: dict, changes: dict) -> dict:
    files = {
        path.relative_to(out).as_posix(): {"sha256": sha256_file(path), "bytes": path.stat().st_size}
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.name != "manifest.json"
    }
    return {"build_id": build_id, "created_at": created_at, "files": files, "counts": counts,
            "changes_since_previous_build": changes}


def _open_permissions(root: Path) -> None:
    """A dataset is for sharing: folders 0755, files 0644 (mkdtemp makes its folder 0700)."""
    root.chmod(0o755)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


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
    """Write ``exports/<build_id>/`` from the build's snapshot; bad rows become error rows."""
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
        write_mmrec_files(mem, tmp / "mmrec", {
            "image": pooled_poster_features(features.tensors["poster"]),
            "text": text_feat,
            "audio": pooled_logmel_features(features.tensors["logmel"]),
        })
        mem.close()

        counts = {
            "users": snap.users.num_rows,
            "items": snap.items.num_rows,
            "items_with_interactions": int(np.unique(snap.interactions.column("item_idx").to_numpy()).size),
            "interactions": interactions.num_rows,
            "entities": snap.entities.num_rows,
            "kg_edges": snap.kg.num_rows,
            "triples": snap.n_triples,
            "feature_coverage": features.coverage(),
            "items_with_text": int(has_text.sum()),
            "items_gone": len(snap.changes["items_gone"]),
            "items_new": len(snap.changes["items_new"]),
        }
        data_dir = config.data_dir if config.data_dir is not None else Settings.from_env().data_dir
        card = render_dataset_card(build_id, created_at, counts, snap.sources, data_dir)
        (tmp / "README.md").write_text(card, encoding="utf-8")
        manifest = _manifest(tmp, build_id, created_at, counts, snap.changes)
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        _open_permissions(tmp)
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
