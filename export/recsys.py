"""RecBole atomic files and MMRec files, written by DuckDB COPY from the export's own tables.

Both toolkits read tab-separated files with a header and no quoting, so text fields have
tabs and newlines flattened before writing. Both see the same ids: user tokens are the
export's user_idx, MMRec's itemID is the export's item_idx (items with interactions come
first, so MMRec's item count ``max(itemID) + 1`` is exactly the rows of its feature files),
and RecBole's item tokens are movie_ids so its ``.link`` can join them to KG entities.
Each ships its own dataset config, so the export's split is what the toolkit evaluates on.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np

from export.split import TEST, TRAIN, VALID
from warehouse.store import sql_string

TSV = "(FORMAT csv, HEADER true, DELIMITER '\t', QUOTE '', ESCAPE '')"
# RecBole's KG datasets break their id merge on a linked item without interactions or without a
# triple (KeyError in _merge_item_and_entity, found by loading), so `.item` lists the rated items
# and `.link` the rated items that are in the graph; the others stay plain KG entities.
SEEN = "WHERE item_idx IN (SELECT item_idx FROM inter)"
LINKED = SEEN + " AND item_idx IN (SELECT head_idx FROM kg UNION SELECT tail_idx FROM kg)"
BENCHMARK_PARTS = {"train": TRAIN, "valid": VALID, "test": TEST}

RECBOLE_CONFIG = """# RecBole 1.2.1 dataset config for this export: copy recbole/ to dataset/{name}/
# and pass this file (config_file_list) with dataset: {name}.
data_path: dataset/
USER_ID_FIELD: user_id
ITEM_ID_FIELD: item_id
RATING_FIELD: rating
TIME_FIELD: timestamp
HEAD_ENTITY_ID_FIELD: head_id
TAIL_ENTITY_ID_FIELD: tail_id
RELATION_ID_FIELD: relation_id
ENTITY_ID_FIELD: entity_id
load_col:
  inter: [user_id, item_id, rating, timestamp]
  kg: [head_id, relation_id, tail_id]
  link: [item_id, entity_id]
# The export's own per-user split ({name}.train/.valid/.test.inter), not a random one.
benchmark_filename: [train, valid, test]
"""

MMREC_CONFIG = """# MMRec dataset config for this export: copy mmrec/ to data/{name}/ and this file to
# src/configs/dataset/{name}.yaml.
USER_ID_FIELD: userID
ITEM_ID_FIELD: itemID
TIME_FIELD: timestamp
inter_file_name: '{name}.inter'
vision_feature_file: 'image_feat.npy'
text_feature_file: 'text_feat.npy'
user_graph_dict_file: 'user_graph_dict.npy'
field_separator: "\\t"
"""


def _flat(column: str) -> str:
    return f"regexp_replace(CAST({column} AS VARCHAR), '[\\t\\r\\n]+', ' ', 'g')"


def _copy(con: duckdb.DuckDBPyConnection, select: str, target: Path) -> None:
    con.execute(f"COPY ({select}) TO {sql_string(target.as_posix())} {TSV}")


def write_recbole_files(con: duckdb.DuckDBPyConnection, out_dir: Path, name: str = "mmkg") -> list[Path]:
    """`.inter` (all), `.train/.valid/.test.inter` (the split), `.item`, `.kg`, `.link` and `{name}.yaml`.

    The `.kg` is the export's kg table, i.e. the build's node-to-node triples (media edges
    included in the entity style); its tokens are movie_ids for items, node ids otherwise.
    `.item` holds the items with interactions (the items RecBole sees), `.link` those of them in the graph."""
    out_dir.mkdir(parents=True, exist_ok=True)
    inter = f"""SELECT x.user_idx AS "user_id:token", {_flat('i.movie_id')} AS "item_id:token",
                x.rating AS "rating:float", x.timestamp AS "timestamp:float"
                FROM inter x JOIN items i USING (item_idx) {{where}} ORDER BY x.user_idx, x.item_idx"""
    files = {
        "inter": inter.format(where=""),
        **{f"{part}.inter": inter.format(where=f"WHERE x.split = {code}") for part, code in BENCHMARK_PARTS.items()},
        "item": f"""SELECT {_flat('movie_id')} AS "item_id:token", {_flat('title')} AS "title:token_seq",
                    year AS "year:token", movielens_id AS "movielens_id:token", imdb_id AS "imdb_id:token"
                    FROM items {SEEN} ORDER BY item_idx""",
        "kg": f"""SELECT {_flat('h.token')} AS "head_id:token", {_flat('k.relation')} AS "relation_id:token",
                  {_flat('t.token')} AS "tail_id:token"
                  FROM kg k JOIN nodes h ON h.node_idx = k.head_idx JOIN nodes t ON t.node_idx = k.tail_idx
                  ORDER BY k.head_idx, k.relation, k.tail_idx""",
        "link": f"""SELECT {_flat('movie_id')} AS "item_id:token", {_flat('movie_id')} AS "entity_id:token"
                    FROM items {LINKED} ORDER BY item_idx""",
    }
    written = []
    for suffix, select in files.items():
        target = out_dir / f"{name}.{suffix}"
        _copy(con, select, target)
        written.append(target)
    config = out_dir / f"{name}.yaml"
    config.write_text(RECBOLE_CONFIG.format(name=name), encoding="utf-8")
    return [*written, config]


def write_mmrec_files(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    features: dict[str, np.ndarray],
    name: str = "mmkg",
) -> list[Path]:
    """MMRec's `.inter` (userID = user_idx, itemID = item_idx, x_label = the export's split) and one
    ``<modality>_feat.npy`` per entry of ``features`` (image, text, audio), cut to the items MMRec
    sees: rows 0 .. max(itemID), the items with interactions."""
    out_dir.mkdir(parents=True, exist_ok=True)
    inter = out_dir / f"{name}.inter"
    _copy(
        con,
        """SELECT user_idx AS userID, item_idx AS itemID, rating, timestamp, split AS x_label
           FROM inter ORDER BY user_idx, item_idx""",
        inter,
    )
    (n_seen,) = con.execute("SELECT coalesce(max(item_idx) + 1, 0) FROM inter").fetchall()[0]
    written = [inter]
    for modality, matrix in features.items():
        target = out_dir / f"{modality}_feat.npy"
        np.save(target, np.ascontiguousarray(matrix[: int(n_seen)], dtype=np.float32))
        written.append(target)
    config = out_dir / f"{name}.yaml"
    config.write_text(MMREC_CONFIG.format(name=name), encoding="utf-8")
    return [*written, config]
