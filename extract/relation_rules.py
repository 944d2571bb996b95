"""Relation rules over the dependency parse: which people a film text credits, and how.

Registered as the spaCy component ``mmkg_relation_rules_v1``; it stores its findings on
``doc._.mmkg_relations`` so the stage can resolve the people and attach them to the movie.
"""

from __future__ import annotations

import configparser
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

RULES_NAME = "mmkg_relation_rules_v1"
EXTRACTOR = "spacy-rules-v1"
CONFIG_PATH = Path(__file__).with_name("extract.cfg")

CREDIT_VERBS = {"direct": "directed_by", "write": "written_by", "pen": "written_by", "script": "written_by"}
STAR_WORDS = {"star", "stars", "starred", "starring", "co-star", "co-stars", "co-starred", "co-starring"}
ROLE_NOUNS = {
    "director": "directed_by", "filmmaker": "directed_by", "co-director": "directed_by",
    "writer": "written_by", "screenwriter": "written_by", "scriptwriter": "written_by",
    "co-writer": "written_by",
}
WRITING_NOUNS = {"screenplay", "script", "teleplay"}
WORK_NOUNS = {"film", "movie", "picture", "documentary", "feature", "drama", "comedy", "thriller"}
# Objects that make "X directed/wrote <object>" a credit for this film, not a plot event.
CREDIT_OBJECTS = WORK_NOUNS | WRITING_NOUNS | {"it", "story", "dialogue", "dialogues", "lyrics"}
# Tokens that may sit between coordinated credit verbs: "written, directed and co-produced by".
_VERB_LIST_GLUE = {",", "and", "co", "-", "as", "well"}


@dataclass(frozen=True)
class FoundRelation:
    """One credit read from text: ``person`` (a span of the doc) holds ``relation`` to the film."""

    relation: str
    person: Span
    confidence: float
    rule: str

    @property
    def evidence(self) -> str:
        return self.person.sent.text.strip()


def load_confidences(path: Path = CONFIG_PATH) -> dict[str, float]:
    """Rule name -> confidence, from the ``[confidence]`` section of ``extract.cfg``."""
    parser = configparser.ConfigParser(inline_comment_prefixes=("#",))
    parser.read(path, encoding="utf-8")
    return {rule: parser.getfloat("confidence", rule) for rule in parser["confidence"]}


def _first_conjunct(token: Token) -> Token:
    """Climb ``conj`` links: in "X, Y and Z" every name takes the role of X."""
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    return token


def _credit_relations(verb: Token) -> set[str]:
    """Relations of a credit verb and the verbs listed with it ("written, directed and produced")."""
    verbs = {verb}
    top = _first_conjunct(verb)
    verbs |= {top} | {t for t in top.subtree if t.dep_ == "conj" and _first_conjunct(t) is top and t.pos_ == "VERB"}
    left = verb.i - 1
    while left >= verb.sent.start and (verb.doc[left].lower_ in _VERB_LIST_GLUE or verb.doc[left].lemma_ in CREDIT_VERBS):
        verbs.add(verb.doc[left])
        left -= 1
    return {CREDIT_VERBS[v.lemma_] for v in verbs if v.lemma_ in CREDIT_VERBS}


def _has_own_subject(verb: Token) -> bool:
    return any(child.dep_ in ("nsubj", "nsubjpass") for child in verb.children)


def _subject_relations(verb: Token) -> set[str]:
    """"X wrote and directed the film": credit verbs sharing X as subject, with a film-like object."""
    verbs = [verb] + [t for t in verb.subtree if t.dep_ == "conj" and _first_conjunct(t) is verb and not _has_own_subject(t)]
    found = set()
    for v in verbs:
        objects = [c for c in v.children if c.dep_ == "dobj"]
        if v.lemma_ in CREDIT_VERBS and all(o.lower_ in CREDIT_OBJECTS or o.lemma_ in CREDIT_OBJECTS for o in objects):
            found.add(CREDIT_VERBS[v.lemma_])
        if v.lower_ in STAR_WORDS and any(c.dep_ == "prep" and c.lower_ in ("as", "in", "alongside", "opposite") for c in v.children):
            found.add("starring")
    return found


def relations_of(person: Span, confidences: dict[str, float]) -> list[FoundRelation]:
    """Every rule that credits ``person``; a name in a list inherits the list head's role."""
    found: list[tuple[str, str]] = []
    root = person.root
    head_of_list = _first_conjunct(root)
    parent = head_of_list.head
    for modifier in list(root.children) + list(head_of_list.children) + [head_of_list]:
        if modifier.dep_ in ("compound", "amod", "nmod") or modifier is head_of_list:
            relation = ROLE_NOUNS.get(modifier.lower_)
            if relation:
                found.append((relation, "role_title"))
    if head_of_list.dep_ == "appos" and parent.lower_ in ROLE_NOUNS:
        found.append((ROLE_NOUNS[parent.lower_], "role_title"))
    if head_of_list.dep_ == "pobj" and parent.lower_ == "by":
        by_head = parent.head
        if parent.dep_ == "agent" or by_head.pos_ == "VERB":
            found += [(r, "credit_by") for r in _credit_relations(by_head)]
        elif by_head.lower_ in WRITING_NOUNS:
            found.append(("written_by", "work_by"))
        elif by_head.lemma_ in WORK_NOUNS:
            found.append(("directed_by", "work_by"))
    if head_of_list.dep_ in ("dobj", "attr", "appos", "npadvmod") and parent.lower_ in STAR_WORDS:
        found.append(("starring", "star_object"))
    if head_of_list.dep_ == "nsubj":
        found += [(r, "subject_verb") for r in _subject_relations(parent)]
    if head_of_list.dep_ == "compound" and parent.lower_ in STAR_WORDS and any(c.lower_ == "as" for c in parent.children):
        found.append(("starring", "subject_verb"))
    if head_of_list.dep_ == "pobj" and parent.lower_ == "with" and any(c.lower_ == "as" for c in head_of_list.children):
        found.append(("starring", "with_as"))
    best: dict[str, FoundRelation] = {}
    for relation, rule in found:
        candidate = FoundRelation(relation, person, confidences[rule], rule)
        if relation not in best or candidate.confidence > best[relation].confidence:
            best[relation] = candidate
    return list(best.values())


class RelationRules:
    """Pipeline component: finds credited people among the PERSON entities of each doc."""

    def __init__(self, confidences: dict[str, float]) -> None:
        self.confidences = confidences

    def __call__(self, doc: Doc) -> Doc:
        doc._.mmkg_relations = [
            found for ent in doc.ents if ent.label_ == "PERSON" for found in relations_of(ent, self.confidences)
        ]
        return doc


if not Doc.has_extension("mmkg_relations"):
    Doc.set_extension("mmkg_relations", default=None)


@Language.factory(RULES_NAME, default_config={"confidences": None}, requires=["doc.ents", "token.dep"])
def make_relation_rules(nlp: Language, name: str, confidences: dict[str, float] | None) -> RelationRules:
    return RelationRules(confidences or load_confidences())
