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
TRIM_NAME = "mmkg_trim_person_titles_v1"
EXTRACTOR = "spacy-rules-v1"
CONFIG_PATH = Path(__file__).with_name("extract.cfg")

CREDIT_VERBS = {"direct": "directed_by", "write": "written_by", "pen": "written_by", "script": "written_by"}
STAR_WORDS = {"star", "stars", "starred", "starring", "co-star", "co-stars", "co-starred", "co-starring"}
ROLE_NOUNS = {
    "director": "directed_by", "filmmaker": "directed_by", "co-director": "directed_by",
    "writer": "written_by", "screenwriter": "written_by", "scriptwriter": "written_by",
    "co-writer": "written_by",
}
WRITING_NOUNS = {"screenplay", "script", "teleplay", "story"}
# Words a person name should not start with: "Screenwriter Alex Tse" is Alex Tse.
TITLE_WORDS = set(ROLE_NOUNS) | {
    "directors", "writers", "screenwriters", "filmmakers", "actor", "actress", "producer", "composer",
    "cinematographer", "editor", "star", "co-star",
}
WORK_NOUNS = {"film", "movie", "picture", "documentary", "feature", "drama", "comedy", "thriller"}
# Objects that make "X directed/wrote <object>" a credit for this film, not a plot event.
CREDIT_OBJECTS = WORK_NOUNS | WRITING_NOUNS | {"it", "dialogue", "dialogues", "lyrics"}
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
        """The whole sentence, so a stored relation can be checked against the text it came from."""
        return self.person.sent.text.strip()


def load_confidences(path: Path = CONFIG_PATH) -> dict[str, float]:
    """Rule name -> confidence, from the ``[confidence]`` section of ``extract.cfg``."""
    parser = configparser.ConfigParser(inline_comment_prefixes=("#",))
    parser.read(path, encoding="utf-8")
    return {rule: parser.getfloat("confidence", rule) for rule in parser["confidence"]}


def _first_conjunct(token: Token) -> Token:
    """Climb list links: in "X, Y and Z" every name takes the role of X (the parser sometimes
    attaches a listed name as an apposition of the previous one)."""
    while token.head is not token and (
        token.dep_ == "conj" or (token.dep_ == "appos" and token.pos_ == token.head.pos_ == "PROPN")
    ):
        token = token.head
    return token


def _has_own_agent(verb: Token) -> bool:
    return any(child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by") for child in verb.children)


def _credit_relations(verb: Token) -> set[str]:
    """Relations of a credit verb and the verbs listed with it ("written, directed and produced
    by X"); a listed verb with its own "by" ("directed by X and written by Y") is not X's."""
    top = _first_conjunct(verb)
    group = {top} | {t for t in top.subtree if t.dep_ == "conj" and _first_conjunct(t) is top and t.pos_ == "VERB"}
    verbs = {verb} | {v for v in group if not _has_own_agent(v)}
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


def _plain_role(token: Token) -> str | None:
    """The relation of an unqualified job title: "director X" yes; "Pixar director X",
    "assistant director", "as director", and the capitalised plot title "Director X" no."""
    relation = ROLE_NOUNS.get(token.lemma_.lower())
    if relation is None or (token.is_title and not token.is_sent_start):
        return None
    if any(c.dep_ in ("compound", "amod", "nmod", "poss") for c in token.children):
        return None
    if token.dep_ == "pobj" and token.head.lower_ == "as":
        return None
    return relation


def relations_of(person: Span, confidences: dict[str, float]) -> list[FoundRelation]:
    """Every rule that credits ``person``; a name in a list inherits the list head's role."""
    found: list[tuple[str, str]] = []
    root = person.root
    doc = person.doc
    if person.start > 0 and doc[person.start - 1].text in STAR_WORDS:
        # "... and stars X": the star word starts a new list, whatever the parser attached X to.
        found.append(("starring", "star_object"))
        head_of_list = root
    else:
        head_of_list = _first_conjunct(root)
    parent = head_of_list.head
    own_nouns = [c for c in root.children if c.dep_ in ("compound", "amod", "nmod") and c.pos_ == "NOUN"]
    role_words = list(root.children) + ([] if own_nouns else list(head_of_list.children) + [head_of_list])
    for word in role_words:
        if word.dep_ in ("compound", "amod", "nmod") or word is head_of_list:
            relation = _plain_role(word)
            if relation:
                found.append((relation, "role_title"))
    if head_of_list.dep_ == "appos" and _plain_role(parent):
        found.append((_plain_role(parent), "role_title"))
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


def found_relations(doc: Doc) -> list[FoundRelation]:
    """The relations the component stored on ``doc`` (kept as plain tuples so docs cross processes)."""
    return [
        FoundRelation(relation, doc[start:end], confidence, rule)
        for relation, start, end, confidence, rule in doc._.mmkg_relations or ()
    ]


@Language.component(TRIM_NAME, requires=["doc.ents"], assigns=["doc.ents"])
def trim_person_titles(doc: Doc) -> Doc:
    """Drop leading job titles from PERSON entities so the name resolves ("Director Jane Roe")."""
    entities = []
    for ent in doc.ents:
        start = ent.start
        while ent.label_ == "PERSON" and start < ent.end - 1 and doc[start].lower_ in TITLE_WORDS:
            start += 1
        entities.append(ent if start == ent.start else Span(doc, start, ent.end, label=ent.label, span_id=ent.id))
    doc.ents = entities
    return doc


class RelationRules:
    """Pipeline component: finds credited people among the PERSON entities of each doc."""

    def __init__(self, confidences: dict[str, float]) -> None:
        self.confidences = confidences

    def __call__(self, doc: Doc) -> Doc:
        doc._.mmkg_relations = [
            (found.relation, found.person.start, found.person.end, found.confidence, found.rule)
            for ent in doc.ents if ent.label_ == "PERSON" for found in relations_of(ent, self.confidences)
        ]
        return doc


if not Doc.has_extension("mmkg_relations"):
    Doc.set_extension("mmkg_relations", default=None)


@Language.factory(RULES_NAME, default_config={"confidences": None}, requires=["doc.ents", "token.dep"])
def make_relation_rules(nlp: Language, name: str, confidences: dict[str, float] | None) -> RelationRules:
    """spaCy factory, so ``nlp.add_pipe(RULES_NAME)`` can build the component from its config."""
    return RelationRules(confidences or load_confidences())
