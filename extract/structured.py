"""Structured fields (JSON-LD, infobox) become relations as they are: the page states them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from extract.resolver import EntityResolver

STRUCTURED = "structured"

# movie_attributes.attribute -> (relation, entity kind)
ATTRIBUTE_RELATIONS: dict[str, tuple[str, str]] = {
    "director": ("directed_by", "Person"),
    "actor": ("starring", "Person"),
    "author": ("written_by", "Person"),
    "producer": ("produced_by", "Person"),
    "productionCompany": ("made_by", "Company"),
    "musicBy": ("music_by", "Person"),
    "cinematographer": ("cinematography_by", "Person"),
    "editor": ("edited_by", "Person"),
    "distributor": ("distributed_by", "Company"),
    "basedOn": ("based_on", "Work"),
    "genre": ("has_genre", "Genre"),
    "countryOfOrigin": ("produced_in", "Country"),
    "inLanguage": ("in_language", "Language"),
}


def structured_relations(
    attributes: Iterable[dict[str, Any]], resolver: EntityResolver, build_id: str
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Relation rows (confidence 1.0) for every usable attribute, and (source, reason) failures.

    People are registered with their movie so that a bare surname in that movie's text can
    later resolve to them.
    """
    relations: list[dict[str, Any]] = []
    failures: list[tuple[str, str]] = []
    for row in attributes:
        source = f"{row['source_url']}#{row['attribute']}={row['value']}"
        mapping = ATTRIBUTE_RELATIONS.get(row["attribute"])
        if mapping is None:
            failures.append((source, f"unknown attribute {row['attribute']!r} of movie {row['movie_id']}"))
            continue
        relation, kind = mapping
        movie_context = row["movie_id"] if kind == "Person" else None
        eid = resolver.register(kind, row["value"], movie_context, row.get("external_id"))
        if eid is None:
            failures.append((source, f"{row['attribute']} value {row['value']!r} has no letters or digits to name an entity"))
            continue
        relations.append({
            "movie_id": row["movie_id"], "relation": relation, "entity_id": eid, "extractor": STRUCTURED,
            "source_url": row["source_url"], "confidence": 1.0,
            "evidence": f"{row['attribute']}: {row['value']}", "build_id": build_id,
        })
    return relations, failures
