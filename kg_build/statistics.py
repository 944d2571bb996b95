"""Table-1 statistics of a build's graph, counted in SQL over the stored triples."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
from rdflib import RDF

from kg_build.vocabulary import MMKG, RESOURCE_BASE, Vocabulary, nt


@dataclass(frozen=True)
class GraphStatistics:
    triples: int
    literal_triples: int
    relations: int
    item_nodes: int
    entity_nodes: int
    media_nodes: dict[str, int]

    @property
    def entities(self) -> int:
        """Items, entities and media nodes together, as the paper's Table 1 counts entities."""
        return self.item_nodes + self.entity_nodes + sum(self.media_nodes.values())


def graph_statistics(con: duckdb.DuckDBPyConnection, vocab: Vocabulary, build_id: str) -> GraphStatistics:
    """Count nodes by their rdf:type; a relation is a predicate whose object is one of our nodes."""
    triples, literal_triples, relations = con.execute(
        """
        SELECT count(*), count(*) FILTER (WHERE object_is_literal),
               count(DISTINCT predicate) FILTER (WHERE NOT object_is_literal AND starts_with(object, $node_prefix))
        FROM triples WHERE build_id = $build_id
        """,
        {"build_id": build_id, "node_prefix": "<" + RESOURCE_BASE},
    ).fetchall()[0]
    typed = dict(
        con.execute(
            """
            SELECT object, count(DISTINCT subject) FROM triples
            WHERE build_id = $build_id AND predicate = $rdf_type GROUP BY object
            """,
            {"build_id": build_id, "rdf_type": nt(RDF.type)},
        ).fetchall()
    )
    return GraphStatistics(
        triples=triples,
        literal_triples=literal_triples,
        relations=relations,
        item_nodes=typed.get(nt(MMKG.Movie), 0),
        entity_nodes=sum(typed.get(nt(c), 0) for c in vocab.entity_classes.values()),
        media_nodes={kind: typed.get(nt(m.node_class), 0) for kind, m in sorted(vocab.media.items())},
    )
