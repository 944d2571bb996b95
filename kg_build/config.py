"""What a kg_build run is asked to do and what it reports back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Style = Literal["entity", "attribute"]


@dataclass(frozen=True)
class KGConfig:
    """``style``: entity-based (media are nodes) or attribute-based (media are movie literals),
    the two MMKG styles of the MKGCN paper. Relations below ``min_confidence`` are left out."""

    style: Style = "entity"
    min_confidence: float = 0.5
    validate: bool = True


@dataclass(frozen=True)
class KGSummary:
    """Table-1 style statistics of one build's graph.

    ``entities`` counts distinct non-literal nodes (items + entities + media nodes),
    ``relations`` the distinct predicates that link two such nodes. ``shacl_conforms`` is
    None when validation was switched off.
    """

    build_id: str
    style: Style
    entities: int
    relations: int
    triples: int
    item_nodes: int
    entity_nodes: int
    media_nodes: dict[str, int] = field(default_factory=dict)
    literal_triples: int = 0
    relations_below_confidence: int = 0
    errors: int = 0
    shacl_conforms: bool | None = None
    shacl_violations: int = 0
    seconds: float = 0.0
