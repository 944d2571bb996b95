"""Relation names of the extract stage, checked against the ontology (the one place that lists them).

Graph relations are those ``kg_build/ontology.ttl`` declares; the stage writes only those,
so the graph never receives a relation it would reject.
"""

from __future__ import annotations

from rdflib import OWL, RDF

from kg_build.vocabulary import MMKG, ontology_graph, vocabulary

GRAPH_RELATIONS = frozenset(vocabulary().relation_properties)


def _graph(name: str) -> str:
    if name not in GRAPH_RELATIONS:
        raise LookupError(f"relation {name!r} is not in the ontology ({sorted(GRAPH_RELATIONS)})")
    return name


def _movie_literal(name: str) -> str:
    """A movie's datatype property of the ontology (a literal such as its year, not an edge)."""
    if (MMKG[name], RDF.type, OWL.DatatypeProperty) not in ontology_graph():
        raise LookupError(f"{name!r} is not a datatype property of the ontology")
    return name


DIRECTED_BY = _graph("directed_by")
WRITTEN_BY = _graph("written_by")
STARRING = _graph("starring")
PRODUCED_BY = _graph("produced_by")
MADE_BY = _graph("made_by")
HAS_GENRE = _graph("has_genre")
PRODUCED_IN = _graph("produced_in")
IN_LANGUAGE = _graph("in_language")
MUSIC_BY = _graph("music_by")
CINEMATOGRAPHY_BY = _graph("cinematography_by")
EDITED_BY = _graph("edited_by")
DISTRIBUTED_BY = _graph("distributed_by")
BASED_ON = _graph("based_on")
# The release year read from text is the movie's ``mmkg:year`` literal (``movies.year``), not an
# edge: the stage fills it only where the structured fields gave none (``extract/stage.py``).
RELEASE_YEAR = _movie_literal("year")

PERSON_CREDITS = (DIRECTED_BY, WRITTEN_BY, STARRING, PRODUCED_BY, MUSIC_BY, CINEMATOGRAPHY_BY, EDITED_BY)
