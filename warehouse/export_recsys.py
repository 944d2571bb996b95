"""RecBole atomic files and MMRec files, written by DuckDB COPY from the export's own tables.

Both toolkits read tab-separated files with a header and no quoting, so text fields
have tabs and newlines flattened before writing.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np

from warehouse.store import sql_string

TSV = "(FORMAT csv, HEADER true, DELIMITER '\t', QUOTE '', ESCAPE '')"


def _flat(column: str) -> str:
    return f"regexp_replace(CAST({column} AS VARCHAR), '[\\t\\r\\n]+', ' ', 'g')"


def _copy(con: duckdb.DuckDBPyConnection, select: str, target: Path) -> None:
    con.execute(f"COPY ({select}) TO {sql_string(target.as_posix())} {TSV}")


def write_recbole_files(con: duckdb.DuckDBPyConnection, out_dir: Path, name: str = "mmkg") -> list[Path]:
    """`.inter`, `.item`, `.kg`, `.link`; items are linked to their KG node by their movie_id."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "inter": f"""SELECT x.user_id AS "user_id:token", {_flat('i.movie_id')} AS "item_id:token",
                     x.rating AS "rating:float", x.timestamp AS "timestamp:float"
                     FROM inter x JOIN items i USING (item_idx) ORDER BY x.user_idx, x.item_idx""",
        "item": f"""SELECT {_flat('movie_id')} AS "item_id:token", {_flat('title')} AS "title:token_seq",
                    year AS "year:token", movielens_id AS "movielens_id:token", imdb_id AS "imdb_id:token"
                    FROM items ORDER BY item_idx""",
        "kg": f"""SELECT {_flat('i.movie_id')} AS "head_id:token", {_flat('k.relation')} AS "relation_id:token",
                  {_flat('e.entity_id')} AS "tail_id:token"
                  FROM kg k JOIN items i ON i.item_idx = k.head_idx JOIN entities e ON e.node_idx = k.tail_idx
                  ORDER BY k.head_idx, k.relation, k.tail_idx""",
        "link": f"""SELECT {_flat('movie_id')} AS "item_id:token", {_flat('movie_id')} AS "entity_id:token"
                    FROM items ORDER BY item_idx""",
    }
    written = []
    for suffix, select in files.items():
        target = out_dir / f"{name}.{suffix}"
        _copy(con, select, target)
        written.append(target)
    return written


def write_mmrec_files(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    image_feat: np.ndarray,
    text_feat: np.ndarray | None = None,
    name: str = "mmkg",
) -> list[Path]:
    """MMRec's `.inter` (userID, itemID as indices, x_label = the export's split), image_feat.npy and
    text_feat.npy (both row i = itemID i)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    inter = out_dir / f"{name}.inter"
    _copy(
        con,
        """SELECT user_idx AS userID, item_idx AS itemID, rating, timestamp, split AS x_label
           FROM inter ORDER BY user_idx, item_idx""",
        inter,
    )
    image = out_dir / "image_feat.npy"
    np.save(image, image_feat.astype(np.float32))
    written = [inter, image]
    if text_feat is not None:
        text = out_dir / "text_feat.npy"
        np.save(text, text_feat.astype(np.float32))
        written.append(text)
    return written
