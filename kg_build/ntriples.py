"""A build's triples as N-Triples: each stored row already is one line's three terms."""

from __future__ import annotations

import os
from pathlib import Path

from rdflib import Graph

from warehouse import Warehouse

_LINES = """
SELECT subject || ' ' || predicate || ' ' || object || ' .' AS line
FROM triples WHERE build_id = $build_id ORDER BY subject, predicate, object
"""


def write_ntriples(warehouse: Warehouse, build_id: str, path: Path | str) -> int:
    """Write the build's graph to ``path`` with DuckDB COPY (sorted, so builds diff well);
    returns the number of triples. The file appears only once complete."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    quoted_path = "'" + str(partial).replace("'", "''") + "'"
    # A one-column CSV without quoting or escaping writes each line exactly as stored.
    copy = f"COPY ({_LINES}) TO {quoted_path} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER chr(1))"
    with warehouse.connect() as con:
        count = con.execute(copy, {"build_id": build_id}).fetchall()[0][0]
    os.replace(partial, target)
    return int(count)


def load_graph(warehouse: Warehouse, build_id: str) -> Graph:
    """The build's triples as an rdflib Graph (for validation, tests and small exports)."""
    with warehouse.connect() as con:
        lines = [row[0] for row in con.execute(_LINES, {"build_id": build_id}).fetchall()]
    graph = Graph()
    if lines:
        graph.parse(data="\n".join(lines), format="nt")
    return graph
