"""Text documents -> mentions and credited people/companies, resolved against the known entities."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span

from extract.cast_list import CastLine
from extract.names import name_key
from extract.relation_rules import EXTRACTOR, found_relations
from extract.relations import BASED_ON, DISTRIBUTED_BY, IN_LANGUAGE, MADE_BY, PRODUCED_IN, RELEASE_YEAR, STARRING
from extract.resolver import EntityResolver

MENTION_LABELS = {"PERSON"}
# Entity kind of what a relation points to; everything else points to a Person.
NON_PERSON_KINDS = {MADE_BY: "Company", DISTRIBUTED_BY: "Company", PRODUCED_IN: "Country", IN_LANGUAGE: "Language",
                    BASED_ON: "Work"}


@dataclass
class TextFindings:
    """Rows read from the documents of one run, ready to upsert."""

    mentions: list[dict[str, Any]] = field(default_factory=list)
    relations: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    # every rule that credited a (movie, relation, entity), not only the kept one (``billing``)
    rules_seen: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)

    def add_relation(self, row: dict[str, Any]) -> None:
        """Keep the most confident evidence when several sentences credit the same entity."""
        key = (row["movie_id"], row["relation"], row["entity_id"])
        self.rules_seen.setdefault(key, set()).add(row["rule"])
        old = self.relations.get(key)
        if old is None or row["confidence"] > old["confidence"]:
            self.relations[key] = {**row, "qualifier": row.get("qualifier") or (old or {}).get("qualifier")}
        elif row.get("qualifier") and not old.get("qualifier"):
            old["qualifier"] = row["qualifier"]

    def merge(self, other: "TextFindings") -> None:
        """Add the findings of one document read on its own."""
        self.mentions += other.mentions
        for row in other.relations.values():
            self.add_relation(row)
        for key, rules in other.rules_seen.items():
            self.rules_seen.setdefault(key, set()).update(rules)


def _without_article(span: Span) -> str:
    """"the Experimental Cinema of the Philippines" -> "Experimental Cinema of the Philippines": a
    lowercase article the NER model took in is the sentence's, not the name's ("The Third Floor" keeps it)."""
    return span[1:].text if len(span) > 1 and span[0].lower_ == "the" and span[0].is_lower else span.text


def _is_mention(ent: Span) -> bool:
    return ent.label_ in MENTION_LABELS or bool(ent.ent_id_)


def _full_name_in_doc(ent: Span, people: list[Span]) -> Span | None:
    """The one longer PERSON mention of the same document that ends with ``ent``'s words."""
    words = tuple(name_key(ent.text).split())
    if not words:
        return None
    matches = {name_key(p.text) for p in people
               if len(name_key(p.text).split()) > len(words) and tuple(name_key(p.text).split()[-len(words):]) == words}
    if len(matches) != 1:
        return None
    key = matches.pop()
    return next(p for p in people if name_key(p.text) == key)


def _resolve_person(ent: Span, resolver: EntityResolver, context: set[str], people: list[Span]) -> str | None:
    """Known id, then the movie's people, then a full name of the same document; a name
    nobody knows becomes a new entity unless it is a lone word another name could own."""
    if ent.ent_id_:
        return ent.ent_id_
    eid = resolver.resolve("Person", ent.text, context)
    if eid is not None:
        return eid
    if len(ent) == 1 or len(name_key(ent.text).split()) == 1:
        full = _full_name_in_doc(ent, people)
        if full is not None:
            return full.ent_id_ or resolver.resolve("Person", full.text, context) or resolver.register("Person", full.text)
        if resolver.resolve_trailing("Person", ent.text, context) or not ent[0].is_title:
            return None
    return resolver.register("Person", ent.text)


def read_document(
    doc: Doc, document: dict[str, Any], resolver: EntityResolver, findings: TextFindings,
    min_confidence: float, build_id: str,
) -> None:
    """Add one parsed document's mentions and relations to ``findings``."""
    movie_id, url, offset = document["movie_id"], document["url"], document.get("offset", 0)
    context = resolver.people_of(movie_id)
    people = [ent for ent in doc.ents if ent.label_ == "PERSON"]
    resolved: dict[tuple[int, int], str | None] = {}
    for found in found_relations(doc):
        if found.confidence < min_confidence:
            continue
        span = (found.person.start, found.person.end)
        kind = NON_PERSON_KINDS.get(found.relation)
        if found.relation == RELEASE_YEAR:  # a literal, no node: kept as a "year" mention (``stage.fill_years``)
            eid = found.value or found.person.text
            findings.mentions.append({
                "doc_url": url, "start_char": offset + found.person.start_char, "end_char": offset + found.person.end_char,
                "surface": eid, "label": RELEASE_YEAR, "entity_id": None, "build_id": build_id,
            })
        elif kind is not None:
            name = found.value or _without_article(found.person)
            eid = resolver.resolve(kind, name) or resolver.register(kind, name)
        else:
            eid = resolved.get(span) or _resolve_person(found.person, resolver, context, people)
            resolved[span] = eid
            if eid is not None and len(name_key(found.person.text).split()) > 1:
                context.add(eid)
                resolver.attach(movie_id, eid)
        if eid is None:
            continue
        findings.add_relation({
            "movie_id": movie_id, "relation": found.relation, "entity_id": eid, "extractor": EXTRACTOR,
            "source_url": url, "confidence": found.confidence, "evidence": found.evidence,
            "qualifier": found.qualifier, "build_id": build_id, "rule": found.rule,
        })
    for ent in doc.ents:
        if not _is_mention(ent):
            continue
        eid = None
        if ent.label_ == "PERSON":  # a mention names a node only when it resolves; it creates none
            eid = resolved.get((ent.start, ent.end)) or ent.ent_id_ or resolver.resolve("Person", ent.text, context)
        if eid is not None:
            resolver.add_alias(eid, ent.text)
        findings.mentions.append({
            "doc_url": url, "start_char": offset + ent.start_char, "end_char": offset + ent.end_char, "surface": ent.text,
            "label": ent.label_, "entity_id": eid, "build_id": build_id,
        })


def read_cast_list(
    credits: Iterable[tuple[CastLine, str, float]], document: dict[str, Any], resolver: EntityResolver,
    findings: TextFindings, min_confidence: float, build_id: str,
) -> None:
    """Add the names of one cast list (``RelationRules.cast_credits``) as mentions and starring rows."""
    movie_id, url, offset = document["movie_id"], document["url"], document.get("offset", 0)
    context = resolver.people_of(movie_id)
    for line, rule, confidence in credits:
        eid = resolver.resolve("Person", line.name, context) or resolver.register("Person", line.name)
        if eid is None:
            continue
        resolver.add_alias(eid, line.name)
        findings.mentions.append({
            "doc_url": url, "start_char": offset + line.start, "end_char": offset + line.end, "surface": line.name,
            "label": "PERSON", "entity_id": eid, "build_id": build_id,
        })
        if confidence < min_confidence:
            continue
        context.add(eid)
        resolver.attach(movie_id, eid)
        findings.add_relation({
            "movie_id": movie_id, "relation": STARRING, "entity_id": eid, "extractor": EXTRACTOR,
            "source_url": url, "confidence": confidence, "evidence": line.evidence,
            "qualifier": line.character, "build_id": build_id, "rule": rule,
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
        findings.merge(found)
    return findings, failures
