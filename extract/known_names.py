"""Known names (from structured fields) as a post-NER component that can only add names, never cut one.

Registered as ``mmkg_known_names_v2``. It runs *after* the statistical NER, so a known name
never splits a longer name the model found ("Mike Nichols" stays whole when "Nichols" is
known), a span the model already found keeps the model's label and only gains the id (so
knowing a name never changes which rules fire on it), a known bare surname only labels a token no entity and no neighbouring proper noun
claims, and a movie title never overrides a PERSON ("Michael" the film vs "Michael Keaton").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

KNOWN_NAMES = "mmkg_known_names_v2"
_FULL, _SURNAME, _TITLE = "known_person", "known_surname", "known_title"
# A "person" field that holds a company ("producer = Televista Digitals Limited") must not
# turn the model's ORG into a PERSON.
COMPANY_WORDS = {"limited", "ltd", "films", "film", "pictures", "productions", "production", "studios", "studio",
                 "entertainment", "inc", "corporation", "company", "arts", "media", "bros", "movies", "combines"}


class KnownNames:
    """PhraseMatcher over the spellings of known people (with their entity ids) and titles."""

    def __init__(self, nlp: Language, min_surname_length: int) -> None:
        self.nlp = nlp
        self.min_surname_length = min_surname_length
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.ids: dict[str, str] = {}

    def set_names(self, people: Mapping[str, Iterable[str]], titles: Iterable[str] = ()) -> None:
        """Replace the known names: ``people`` maps entity_id -> spellings."""
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.ids = {}
        full, surnames = [], set()
        for eid, spellings in people.items():
            for spelling in spellings:
                self.ids[spelling] = eid
                full.append(spelling)
                words = spelling.split()
                if len(words) > 1 and len(words[-1]) >= self.min_surname_length and words[-1][0].isupper():
                    surnames.add(words[-1])
        surnames -= set(full)
        self._add(_FULL, full)
        self._add(_SURNAME, sorted(s for s in surnames if not self.nlp.vocab[s].is_stop))
        self._add(_TITLE, sorted({t for t in titles if t.strip()}))

    def _add(self, key: str, phrases: Iterable[str]) -> None:
        docs = list(self.nlp.tokenizer.pipe(phrases))
        if docs:
            self.matcher.add(key, docs)

    def __call__(self, doc: Doc) -> Doc:
        if not len(self.matcher):
            return doc
        strings = self.nlp.vocab.strings
        matches = [(strings[key], start, end) for key, start, end in self.matcher(doc)]
        ents = list(doc.ents)
        people = filter_spans([Span(doc, s, e, label="PERSON", span_id=self.ids.get(doc[s:e].text, ""))
                               for k, s, e in matches
                               if k == _FULL and not any(t.lower_.strip(".") in COMPANY_WORDS for t in doc[s:e])])
        for span in people:
            same = [e for e in ents if (e.start, e.end) == (span.start, span.end)]
            if same:  # the model found this very span: keep its label (so the same rules fire), add the id
                span = Span(doc, span.start, span.end, label=same[0].label, span_id=span.id)
            ents = self._place(ents, span)
        for key, start, end in matches:
            if key == _SURNAME and self._free_surname(doc, ents, start, end):
                ents = self._place(ents, Span(doc, start, end, label="PERSON"))
        for key, start, end in matches:
            if key == _TITLE:
                span = Span(doc, start, end, label="WORK_OF_ART", span_id="title")
                if not any(e.label_ == "PERSON" and _overlaps(e, span) for e in ents):
                    ents = self._place(ents, span)
        doc.ents = sorted(ents, key=lambda e: e.start)
        return doc

    @staticmethod
    def _place(ents: list[Span], span: Span) -> list[Span]:
        """Put ``span`` in unless a longer PERSON already covers it (then the longer name stays)."""
        overlapping = [e for e in ents if _overlaps(e, span)]
        if any(e.label_ == "PERSON" and e.start <= span.start and e.end >= span.end and len(e) > len(span)
               for e in overlapping):
            return ents
        return [e for e in ents if not _overlaps(e, span)] + [span]

    @staticmethod
    def _free_surname(doc: Doc, ents: list[Span], start: int, end: int) -> bool:
        """A surname alone: no PERSON or wider entity on it ("Kubrick" tagged GPE is fine) and no proper
        noun beside it (else it is part of a longer name the model missed)."""
        if any(e.start < end and start < e.end and (e.label_ == "PERSON" or (e.start, e.end) != (start, end))
               for e in ents):
            return False
        before = doc[start - 1] if start > 0 else None
        after = doc[end] if end < len(doc) else None
        return not any(t is not None and t.pos_ == "PROPN" and t.is_title for t in (before, after))


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


@Language.factory(KNOWN_NAMES, default_config={"min_surname_length": 3}, requires=["doc.ents"], assigns=["doc.ents"])
def make_known_names(nlp: Language, name: str, min_surname_length: int) -> KnownNames:
    """spaCy factory: the names come later, from the warehouse, through ``set_names``."""
    return KnownNames(nlp, min_surname_length)
