"""The ontology's terms as the SQL assembly needs them, read from ontology.ttl.

The ontology file is the one place that says which class an entity kind is and which
property a relation name is; this module only reads those facts back out of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef

ONTOLOGY_PATH = Path(__file__).with_name("ontology.ttl")
SHAPES_PATH = Path(__file__).with_name("shapes.ttl")

MMKG = Namespace("https://w3id.org/mmkg/ontology#")
RESOURCE_BASE = "https://w3id.org/mmkg/resource/"
IMDB_TITLE_BASE = "https://www.imdb.com/title/"
IMDB_NAME_BASE = "https://www.imdb.com/name/"
WIKIDATA_BASE = "http://www.wikidata.org/entity/"


@dataclass(frozen=True)
class MediaTerms:
    """Everything one media kind (trailer | poster | audio) maps to."""

    kind: str
    node_class: URIRef
    link_property: URIRef
    feature_property: URIRef

    @property
    def link_name(self) -> str:
        """The edge's relation name in the training files (has_trailer, has_poster, has_audio)."""
        return f"has_{self.kind}"


@dataclass(frozen=True)
class Vocabulary:
    relation_properties: dict[str, URIRef]
    entity_classes: dict[str, URIRef]
    media: dict[str, MediaTerms]

    @property
    def edge_names(self) -> dict[URIRef, str]:
        """Every node-to-node property of the graph -> its relation name in the training files."""
        names = {prop: name for name, prop in self.relation_properties.items()}
        names |= {m.link_property: m.link_name for m in self.media.values()}
        return names


def nt(term: URIRef) -> str:
    """An IRI as an N-Triples term."""
    return f"<{term}>"


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    return Graph().parse(SHAPES_PATH, format="turtle")


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """Relation-name → property, kind → class, media kind → (class, link, feature)."""
    g = ontology_graph()
    annotated = {subject: str(value) for subject, value in g.subject_objects(MMKG.warehouseValue)}
    media_root = MMKG.MediaAsset
    relation_properties: dict[str, URIRef] = {}
    entity_classes: dict[str, URIRef] = {}
    media: dict[str, MediaTerms] = {}
    for term, value in annotated.items():
        if (term, RDF.type, OWL.ObjectProperty) in g:
            relation_properties[value] = term
        elif (term, RDFS.subClassOf, media_root) in g:
            media[value] = MediaTerms(
                kind=value,
                node_class=term,
                link_property=_single(g.subjects(RDFS.range, term), f"link property of {term}"),
                feature_property=_single(g.subjects(MMKG.featureOf, term), f"feature property of {term}"),
            )
        elif (term, RDF.type, OWL.Class) in g:
            entity_classes[value] = term
    return Vocabulary(relation_properties, entity_classes, media)


def _single(terms, what: str) -> URIRef:
    found = list(terms)
    if len(found) != 1:
        raise ValueError(f"ontology.ttl must define exactly one {what}, found {len(found)}")
    return found[0]

