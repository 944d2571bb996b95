"""The kg_build stage: warehouse rows → one build's RDF triples, checked with SHACL."""

from __future__ import annotations

import time

from kg_build.assembly import STAGE, assemble
from kg_build.config import KGConfig, KGSummary
from kg_build.ntriples import load_graph
from kg_build.statistics import graph_statistics
from kg_build.validation import validate_graph
from kg_build.vocabulary import vocabulary
from warehouse import Warehouse, record_errors, require_build_movies


def build_triples(config: KGConfig, warehouse: Warehouse, build_id: str) -> KGSummary:
    """Replace the triples of ``build_id`` (entity- or attribute-based style) and validate them.

    Only the movies the build's crawl saw (``build_movies``) and their relations and media
    are read, so the graph is a snapshot of that build's inputs.

    A graph that breaks the shapes does not raise: the summary says so and each violation
    becomes an error row, so the flow decides whether to publish the build.
    """
    started = time.perf_counter()
    vocab = vocabulary()
    with warehouse.connect() as con:
        require_build_movies(con, build_id, STAGE)
    with warehouse.transaction() as con:
        assemble(con, vocab, build_id, config.style, config.min_confidence)
        stats = graph_statistics(con, vocab, build_id)
        below_confidence = con.execute(
            "SELECT count(*) FROM kg_relations WHERE problem IS NULL AND confidence < $min_confidence",
            {"min_confidence": config.min_confidence},
        ).fetchall()[0][0]

    conforms: bool | None = None
    violations, by_kind = 0, {}
    if config.validate:
        report = validate_graph(load_graph(warehouse, build_id))
        conforms, violations, by_kind = report.conforms, report.violations, report.violations_by_kind
        if report.failures:
            with warehouse.transaction() as con:
                record_errors(con, build_id, STAGE, report.failures)

    with warehouse.connect() as con:
        errors = con.execute(
            "SELECT count(*) FROM errors WHERE build_id = $build_id AND stage = $stage",
            {"build_id": build_id, "stage": STAGE},
        ).fetchall()[0][0]

    return KGSummary(
        build_id=build_id,
        style=config.style,
        entities=stats.entities,
        relations=stats.relations,
        triples=stats.triples,
        item_nodes=stats.item_nodes,
        entity_nodes=stats.entity_nodes,
        media_nodes=stats.media_nodes,
        literal_triples=stats.literal_triples,
        relations_below_confidence=below_confidence,
        errors=errors,
        shacl_conforms=conforms,
        shacl_violations=violations,
        shacl_violations_by_kind=by_kind,
        seconds=round(time.perf_counter() - started, 3),
    )
