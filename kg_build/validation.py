"""SHACL validation of a build's graph against shapes.ttl."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyshacl
from rdflib import RDF, Graph, Namespace

from kg_build.vocabulary import shapes_graph

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class ShaclReport:
    conforms: bool
    violations: int
    failures: list[tuple[str, str]]  # (source, reason) for the errors table, one per source
    violations_by_kind: dict[str, int] = field(default_factory=dict)  # constraint component -> count


def validate_graph(graph: Graph) -> ShaclReport:
    """Validate without inference (fast; class checks use the build's own rdf:type triples)."""
    conforms, results, _ = pyshacl.validate(
        graph, shacl_graph=shapes_graph(), inference="none", inplace=True, meta_shacl=False
    )
    reasons: dict[str, list[str]] = {}
    by_kind: dict[str, int] = {}
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        component = str(results.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1]
        if results.value(result, SH.resultSeverity) == SH.Violation:
            by_kind[component] = by_kind.get(component, 0) + 1
        message = results.value(result, SH.resultMessage)
        source = " ".join(str(term) for term in (focus, path, value) if term is not None)
        reasons.setdefault(source, []).append(f"SHACL {component}: {message}")
    failures = [(source, "; ".join(sorted(set(r)))) for source, r in sorted(reasons.items())]
    return ShaclReport(conforms=bool(conforms), violations=sum(by_kind.values()), failures=failures,
                       violations_by_kind=dict(sorted(by_kind.items())))
