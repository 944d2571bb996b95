"""The spaCy pipeline of the extract stage: a model, known names, relation rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import spacy
from spacy.language import Language

from extract.relation_rules import RULES_NAME, TRIM_NAME, load_confidences

KNOWN_NAMES = "mmkg_known_names_v1"


def known_name_patterns(
    people: Mapping[str, Iterable[str]], titles: Iterable[str], nlp: Language
) -> list[dict[str, str]]:
    """EntityRuler patterns: every spelling of a known person (its id is the entity_id), each
    surname (resolved later against the movie's people) and the movie titles."""
    patterns: list[dict[str, str]] = []
    full_names: set[str] = set()
    for eid, spellings in people.items():
        for spelling in spellings:
            full_names.add(spelling)
            patterns.append({"label": "PERSON", "pattern": spelling, "id": eid})
    surnames = {name.split()[-1] for name in full_names if len(name.split()) > 1}
    for surname in sorted(surnames - full_names):
        lexeme = nlp.vocab[surname]
        if len(surname) > 2 and surname[0].isupper() and not lexeme.is_stop:
            patterns.append({"label": "PERSON", "pattern": surname})
    for title in sorted(set(titles)):
        words = title.split()
        if len(words) > 1 or (words and not nlp.vocab[title].is_stop and not title.isdigit() and len(title) > 2):
            patterns.append({"label": "WORK_OF_ART", "pattern": title, "id": "title"})
    return patterns


def build_nlp(
    model: str, people: Mapping[str, Iterable[str]], titles: Iterable[str],
    confidences: dict[str, float] | None = None,
) -> Language:
    """Load ``model`` and add the known-name ruler (before "ner", so known names win) and the rules.

    ``people`` maps entity_id -> spellings; ``titles`` are movie titles (WORK_OF_ART).
    """
    nlp = spacy.load(model)
    patterns = known_name_patterns(people, titles, nlp)
    if patterns:
        ruler = nlp.add_pipe("entity_ruler", name=KNOWN_NAMES, before="ner", config={"overwrite_ents": True})
        ruler.add_patterns(patterns)
    nlp.add_pipe(TRIM_NAME, after="ner")
    nlp.add_pipe(RULES_NAME, last=True, config={"confidences": confidences or load_confidences()})
    return nlp
