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

    def __post_init__(self) -> None:
        if self.style not in ("entity", "attribute"):
            raise ValueError(f"style must be 'entity' or 'attribute', not {self.style!r}")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be within [0, 1], not {self.min_confidence}")


@dataclass(frozen=True)
class KGSummary:
    """Table-1 style statistics of one build's graph.

    ``entities`` counts distinct non-literal nodes (items + entities + media nodes),
    ``relations`` the distinct predicates that link two such nodes. ``shacl_conforms`` is
    None when validation was switched off; ``shacl_violations`` counts the SHACL results of
    severity Violation (``shacl_violations_by_kind`` per constraint component), so a gate
    can fail the build above a threshold.
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
    shacl_violations_by_kind: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
