"""Text documents -> mentions and credited people, resolved against the known entities."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span

from extract.relation_rules import EXTRACTOR, found_relations
from extract.resolver import EntityResolver

MENTION_LABELS = {"PERSON"}


@dataclass
class TextFindings:
    """Rows read from the documents of one run, ready to upsert."""

    mentions: list[dict[str, Any]] = field(default_factory=list)
    relations: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)

    def add_relation(self, row: dict[str, Any]) -> None:
        """Keep the most confident evidence when several sentences credit the same person."""
        key = (row["movie_id"], row["relation"], row["entity_id"])
        if key not in self.relations or row["confidence"] > self.relations[key]["confidence"]:
            self.relations[key] = row


def _is_mention(ent: Span) -> bool:
    return ent.label_ in MENTION_LABELS or bool(ent.ent_id_)


def _resolve_person(ent: Span, resolver: EntityResolver, context: set[str]) -> str | None:
    if ent.ent_id_:
        return ent.ent_id_
    return resolver.resolve("Person", ent.text, context)


def read_document(
    doc: Doc, document: dict[str, Any], resolver: EntityResolver, findings: TextFindings,
    min_confidence: float, build_id: str,
) -> None:
    """Add one parsed document's mentions and relations to ``findings``.

    Full names resolve first; they join the movie's people as context for the bare surnames.
    A credited person nobody knew yet becomes a new entity when the name has two or more
    words (a lone unknown surname is too ambiguous to name a node).
    """
    movie_id, url = document["movie_id"], document["url"]
    context = resolver.people_of(movie_id)
    people = [ent for ent in doc.ents if ent.label_ == "PERSON"]
    resolved: dict[tuple[int, int], str | None] = {}
    for ent in sorted(people, key=lambda e: -len(e)):
        eid = _resolve_person(ent, resolver, context)
        resolved[(ent.start, ent.end)] = eid
        if eid is not None and len(ent) > 1:
            context.add(eid)
    for found in found_relations(doc):
        if found.confidence < min_confidence:
            continue
        span = (found.person.start, found.person.end)
        eid = resolved.get(span) or _resolve_person(found.person, resolver, context)
        if eid is None and len(found.person) > 1:
            eid = resolver.register("Person", found.person.text)
        if eid is None:
            continue
        resolved[span] = eid
        findings.add_relation({
            "movie_id": movie_id, "relation": found.relation, "entity_id": eid, "extractor": EXTRACTOR,
            "source_url": url, "confidence": found.confidence, "evidence": found.evidence, "build_id": build_id,
        })
    for ent in doc.ents:
        if not _is_mention(ent):
            continue
        eid = resolved.get((ent.start, ent.end)) if ent.label_ == "PERSON" else None
        if eid is not None:
            resolver.add_alias(eid, ent.text)
        findings.mentions.append({
            "doc_url": url, "start_char": ent.start_char, "end_char": ent.end_char, "surface": ent.text,
            "label": ent.label_, "entity_id": eid, "build_id": build_id,
        })


def read_documents(
    docs: Iterable[Doc], documents: list[dict[str, Any]], resolver: EntityResolver,
    min_confidence: float, build_id: str,
) -> tuple[TextFindings, list[tuple[str, str]]]:
    """Mentions and relations of parsed documents (in the order of ``documents``), and the
    (url, reason) of documents that could not be read: one odd text must not stop the rest.

    Each document is read into its own findings first, so one that fails half-way adds no rows.
    """
    findings = TextFindings()
    failures: list[tuple[str, str]] = []
    for doc, document in zip(docs, documents, strict=True):
        found = TextFindings()
        try:
            read_document(doc, document, resolver, found, min_confidence, build_id)
        except Exception as exc:  # noqa: BLE001 - recorded as an error row, the run goes on
            failures.append((document["url"], f"relation reading failed: {type(exc).__name__}: {exc}"))
            continue
        findings.mentions += found.mentions
        for row in found.relations.values():
            findings.add_relation(row)
    return findings, failures
