"""Blind extraction quality on the Wikipedia film articles: infobox names are only used to score.

The predictor sees each film's prose (lead + plot) and Cast section. Two settings:
``none`` (no names known) and ``other_fields`` (for relation R, the names of the page's
*other* infobox fields seed the known-name component and the resolver, as a real build knows
structured names; R's own names never do). Films split into a fixed dev half (rules are tuned
and calibrated on it) and test half by the parity of sha256(movie_id).

Matching rule: a predicted (film, relation, name) is correct when its name key (casefolded,
accents, punctuation and "(qualifier)" removed; ``names.name_key``) equals a gold name's key,
or equals it once one-letter initials are dropped from both. A gold name is *extractable*
when its key (or initial-less key) occurs as whole words in the keyed text; the ceiling is
extractable / gold and extractable recall is true positives among them / extractable.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from extract.billing import cut_past_lead
from extract.cast_list import is_cast_list
from extract.cleaning import cue_passages
from extract.gold import GOLD_FIELDS, FilmArticle, parse_film
from extract.names import name_key
from extract.nlp import custom_components, load_pipeline
from extract.relation_rules import load_confidences
from extract.lead_facts import DEMONYMS, YEAR_IN_TEXT, choose_year
from extract.relations import BASED_ON, DISTRIBUTED_BY, IN_LANGUAGE, MADE_BY, PRODUCED_IN, RELEASE_YEAR
from extract.resolver import EntityResolver
from extract.text import TextFindings, read_cast_list, read_document

SCORED_RELATIONS = tuple(GOLD_FIELDS)
# Entity kind (for names known) and the NER labels the baselines take, of relations not to a Person.
KINDS = {MADE_BY: "Company", DISTRIBUTED_BY: "Company", PRODUCED_IN: "Country", IN_LANGUAGE: "Language",
         BASED_ON: "Work"}
BASELINE_LABELS = {MADE_BY: {"ORG"}, DISTRIBUTED_BY: {"ORG"}, PRODUCED_IN: {"GPE", "NORP"},
                   IN_LANGUAGE: {"LANGUAGE", "NORP"}, BASED_ON: {"WORK_OF_ART"}, RELEASE_YEAR: {"DATE"}}
SETTINGS = ("none", "other_fields")
SPLITS = ("dev", "test")
WEBNLG_SPLIT, WEBNLG_PREFIX = "webnlg", "webnlg-"
TUNING_SPLIT, TUNING_PREFIX = "tuning", "docred-"
SPLIT_TITLES = {"dev": "dev half", "test": "test half", WEBNLG_SPLIT: "WebNLG Film set (second set, not infoboxes)",
                TUNING_SPLIT: "Re-DocRED film leads (tuning set, tuned on, not blind)"}
RULES_PIPE = "mmkg_relation_rules"
KNOWN_PIPE = "mmkg_known_names"
# Cue words of the cue-phrase baseline: an entity starting within CUE_WINDOW tokens after one.
CUE_WORDS = {
    "directed_by": {"directed", "director", "direction"},
    "written_by": {"written", "writer", "wrote", "screenplay", "script", "story"},
    "starring": {"stars", "starring", "starred", "star", "cast", "featuring", "features"},
    "produced_by": {"produced", "producer", "producers"},
    "music_by": {"music", "composed", "composer", "score"},
    "cinematography_by": {"cinematography", "cinematographer", "photography"},
    "edited_by": {"edited", "editor", "editing"},
    "made_by": {"produced", "production", "studio", "studios"},
    "distributed_by": {"distributed", "distributor", "released"},
    "produced_in": {"a", "an", "in"},
    "in_language": {"a", "an", "in"},
    "based_on": {"based", "adapted", "novel", "book", "play"},
    "year": {"a", "an", "released", "premiered", "release", "premiere", "in"},
}
CUE_WINDOW = 6
BASELINE_PIPES = ["senter", "ner"]  # the baselines need names and sentences only


def split_of(movie_id: str) -> str:
    """Fixed half of a Wikipedia film: dev or test, by the parity of its id's hash; the WebNLG
    films (``extract/webnlg.py``) are a set of their own, never tuned on; the Re-DocRED film
    leads (``extract/docred.py``) are a tuning set."""
    if movie_id.startswith(WEBNLG_PREFIX):
        return WEBNLG_SPLIT
    if movie_id.startswith(TUNING_PREFIX):
        return TUNING_SPLIT
    return "dev" if int(hashlib.sha256(movie_id.encode()).hexdigest()[:8], 16) % 2 == 0 else "test"


def _loose(key: str) -> str:
    return " ".join(word for word in key.split() if len(word) > 1)


def _match_keys(name: str) -> set[str]:
    key = name_key(name)
    return {k for k in (key, _loose(key)) if k}


@dataclass
class Counts:
    """Counts of one (split, setting or baseline, relation) cell."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0
    extractable: int = 0
    tp_extractable: int = 0

    def add(self, other: "Counts") -> None:
        for name in ("tp", "predicted", "gold", "extractable", "tp_extractable"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def scores(self) -> dict[str, float]:
        p = self.tp / self.predicted if self.predicted else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        return {
            "precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 3),
            "extractable_recall": round(self.tp_extractable / self.extractable, 3) if self.extractable else 0.0,
            "ceiling": round(self.extractable / self.gold, 3) if self.gold else 0.0,
            "gold": self.gold, "predicted": self.predicted,
        }


@dataclass
class FilmDocs:
    """One film, its texts parsed once by the statistical components, and the NER entities."""

    film: FilmArticle
    docs: list[Doc]
    base_ents: list[tuple[tuple[int, int, str], ...]]   # (start, end, label) of the NER entities
    whole: list[Doc]          # the full texts, for the baselines
    text_keys: str = ""
    cast_lists: list[str] = field(default_factory=list)   # texts read by layout (``extract.cast_list``)

    @property
    def split(self) -> str:
        return split_of(self.film.movie_id)


@dataclass
class Evaluation:
    """Scores by split -> setting (or baseline) -> relation; rule firings for calibration."""

    scores: dict[str, dict[str, dict[str, dict[str, float]]]] = field(default_factory=dict)
    firings: list[dict[str, Any]] = field(default_factory=list)   # rows kept, with rule and correctness
    films: dict[str, int] = field(default_factory=dict)


def load_films(films_dir: Path) -> list[FilmArticle]:
    return [f for f in (parse_film(p) for p in sorted(films_dir.glob("*.xml"))) if f is not None]


def _texts(film: FilmArticle) -> list[str]:
    return [t for t in (film.text, film.cast) if t.strip()]


def parse_films(nlp: Language, films: Sequence[FilmArticle], batch_size: int = 64,
                cue_only: bool = True) -> list[FilmDocs]:
    """Run the statistical components once; the rule components are re-run per setting.

    The rules see what the stage parses (the cue passages, ``cleaning.cue_passages``); the
    baselines see every word of every text.
    """
    custom = [name for name, _ in custom_components(nlp)]
    texts = [(i, text) for i, film in enumerate(films) for text in _texts(film)]
    passages = [(i, p) for i, text in texts for _, p in (cue_passages(text) if cue_only else [(0, text)])]
    parsed: dict[int, list[Doc]] = defaultdict(list)
    whole: dict[int, list[Doc]] = defaultdict(list)
    with nlp.select_pipes(disable=custom):
        for (i, _), doc in zip(passages, nlp.pipe((t for _, t in passages), batch_size=batch_size), strict=True):
            parsed[i].append(doc)
    nlp.enable_pipe("senter")
    try:
        with nlp.select_pipes(enable=BASELINE_PIPES):
            for (i, _), doc in zip(texts, nlp.pipe((t for _, t in texts), batch_size=batch_size), strict=True):
                whole[i].append(doc)
    finally:
        nlp.disable_pipe("senter")
    return [
        FilmDocs(film, parsed[i], [_ents(doc) for doc in parsed[i]], whole[i],
                 " " + name_key(" ".join(_texts(film))) + " ", [t for t in _texts(film) if is_cast_list(t)])
        for i, film in enumerate(films)
    ]


def _ents(doc: Doc) -> tuple[tuple[int, int, str], ...]:
    return tuple((e.start, e.end, e.label_) for e in doc.ents)


def _known_people(film: FilmArticle, relation: str, setting: str) -> list[tuple[str, str]]:
    """(kind, name) the predictor may know: nothing, or the other infobox fields of the page."""
    if setting == "none":
        return []
    return [(KINDS.get(other, "Person"), name)
            for other, names in film.gold if other not in (relation, RELEASE_YEAR) for name in names]


def _run_rules(nlp: Language, fd: FilmDocs, known: list[tuple[str, str]], resolver: EntityResolver,
               min_confidence: float) -> TextFindings:
    """The rule components on the parsed docs of one film, with ``known`` names, resolved."""
    people: dict[str, list[str]] = defaultdict(list)
    for kind, name in known:
        eid = resolver.register(kind, name, fd.film.movie_id if kind == "Person" else None)
        if eid is not None and kind == "Person":
            people[eid].append(name)
    nlp.get_pipe(KNOWN_PIPE).set_names(people, [fd.film.title])
    findings = TextFindings()
    for n, (doc, ents) in enumerate(zip(fd.docs, fd.base_ents, strict=True)):
        for token in doc:  # a span's id lives on its tokens and would survive the reset below
            token.ent_id_ = ""
        doc.ents = [Span(doc, start, end, label=label) for start, end, label in ents]
        for _, proc in custom_components(nlp):
            doc = proc(doc)
        read_document(doc, {"movie_id": fd.film.movie_id, "url": f"{fd.film.url}#{n}"}, resolver, findings,
                      min_confidence, "eval")
    rules = nlp.get_pipe(RULES_PIPE)
    for n, text in enumerate(fd.cast_lists):
        read_cast_list(rules.cast_credits(text), {"movie_id": fd.film.movie_id, "url": f"{fd.film.url}#cast{n}"},
                       resolver, findings, min_confidence, "eval")
    cut_past_lead(findings, rules, min_confidence)
    return findings


def _score(gold_names: Iterable[str], predicted: set[str], text_keys: str) -> tuple[Counts, dict[str, bool]]:
    """Counts for one film and relation; and which predicted keys were correct."""
    gold = [_match_keys(name) for name in dict.fromkeys(gold_names)]
    gold = [g for g in gold if g]
    correct = {p: any(_match_keys(p) & g for g in gold) for p in predicted}
    counts = Counts(predicted=len(predicted), gold=len(gold))
    for g in gold:
        hit = any(_match_keys(p) & g for p in predicted)
        counts.tp += hit
        if any(f" {k} " in text_keys for k in g):
            counts.extractable += 1
            counts.tp_extractable += hit
    return counts, correct


def _baselines(fd: FilmDocs) -> dict[str, dict[str, set[str]]]:
    """bag_of_names: every PERSON (ORG for companies) for every relation; cue_phrase: those
    starting within CUE_WINDOW tokens after a cue word of the relation, in the same sentence."""
    bag: dict[str, set[str]] = defaultdict(set)
    cue: dict[str, set[str]] = defaultdict(set)
    for doc in fd.whole:
        for ent in doc.ents:
            sent_start = ent.sent.start
            before = {t.lower_.removeprefix("co-") for t in doc[max(sent_start, ent.start - CUE_WINDOW):ent.start]}
            for relation in SCORED_RELATIONS:
                if ent.label_ not in BASELINE_LABELS.get(relation, {"PERSON"}):
                    continue
                name = DEMONYMS.get(ent.text.lower(), ent.text) if relation == PRODUCED_IN else ent.text
                if relation == RELEASE_YEAR:  # a date's year
                    year = YEAR_IN_TEXT.search(ent.text)
                    if year is None:
                        continue
                    name = year.group(1)
                bag[relation].add(name)
                if before & CUE_WORDS[relation]:
                    cue[relation].add(name)
    return {"bag_of_names": bag, "cue_phrase": cue}


def evaluate(
    nlp: Language, parsed: Sequence[FilmDocs], min_confidence: float,
    confidences: dict[str, float] | None = None, settings: Sequence[str] = SETTINGS,
) -> Evaluation:
    """Scores of both settings and both baselines on every split present in ``parsed``."""
    rules = nlp.get_pipe(RULES_PIPE)
    saved = rules.confidences
    rules.confidences = load_confidences() if confidences is None else confidences
    cells: dict[tuple[str, str, str], Counts] = defaultdict(Counts)
    result = Evaluation()
    try:
        for setting in settings:
            relation_groups = [None] if setting == "none" else list(SCORED_RELATIONS)
            for group in relation_groups:
                resolver = EntityResolver()
                for fd in parsed:
                    known = _known_people(fd.film, group or "", setting)
                    findings = _run_rules(nlp, fd, known, resolver, min_confidence)
                    _collect(result, cells, fd, findings, resolver, setting, group)
    finally:
        rules.confidences = saved
    for fd in parsed:
        split = split_of(fd.film.movie_id)
        result.films[split] = result.films.get(split, 0) + 1
        for baseline, predictions in _baselines(fd).items():
            for relation in SCORED_RELATIONS:
                keys = {name_key(p) for p in predictions.get(relation, ()) if name_key(p)}
                counts, _ = _score(fd.film.gold_names(relation), keys, fd.text_keys)
                cells[(split, baseline, relation)].add(counts)
    for (split, setting, relation), counts in cells.items():
        result.scores.setdefault(split, {}).setdefault(setting, {})[relation] = counts.scores()
    return result


def _collect(result: Evaluation, cells: dict[tuple[str, str, str], Counts], fd: FilmDocs, findings: TextFindings,
             resolver: EntityResolver, setting: str, group: str | None) -> None:
    split = split_of(fd.film.movie_id)
    for relation in ([group] if group else SCORED_RELATIONS):
        rows = [r for r in findings.relations.values() if r["relation"] == relation]
        if relation == RELEASE_YEAR:  # one year per film, chosen as the stage chooses it
            chosen = choose_year(m["surface"] for m in findings.mentions if m["label"] == RELEASE_YEAR)
            keys = {r["entity_id"]: r for r in rows if r["entity_id"] == chosen}
        else:
            keys = {name_key(resolver.name_of(r["entity_id"])): r for r in rows}
        counts, correct = _score(fd.film.gold_names(relation), set(keys), fd.text_keys)
        cells[(split, setting, relation)].add(counts)
        result.firings += [{"split": split, "setting": setting, "relation": relation, "rule": row["rule"],
                            "confidence": row["confidence"], "correct": correct[key], "movie_id": fd.film.movie_id,
                            "name": key, "evidence": row["evidence"]} for key, row in keys.items()]


def run(films_dir: Path, model: str | None = None, min_confidence: float = 0.5,
        splits: Sequence[str] = SPLITS, confidences: dict[str, float] | None = None,
        limit: int | None = None) -> Evaluation:
    """Parse the films of ``splits`` (the first ``limit`` by file name) once and score them."""
    films = [f for f in load_films(films_dir)[:limit] if split_of(f.movie_id) in splits]
    nlp = load_pipeline(model)
    return evaluate(nlp, parse_films(nlp, films), min_confidence, confidences)


def format_table(evaluation: Evaluation) -> str:
    """Markdown: one table per split, rules in both settings beside the two baselines."""
    lines = []
    for split in (*SPLITS, TUNING_SPLIT, WEBNLG_SPLIT):
        if split not in evaluation.scores:
            continue
        cells = evaluation.scores[split]
        lines += [f"\n{SPLIT_TITLES[split]} ({evaluation.films.get(split, 0)} films); P / R / F1, "
                  "extR = extractable recall",
                  "| relation | gold | ceiling | no names: P / R / F1 / extR | other fields known: P / R / F1 / extR "
                  "| bag of names: P / R / F1 | cue phrase: P / R / F1 |",
                  "|---|---|---|---|---|---|---|"]
        for relation in SCORED_RELATIONS:
            none = cells.get("none", {}).get(relation)
            other = cells.get("other_fields", {}).get(relation)
            bag, cue = cells["bag_of_names"][relation], cells["cue_phrase"][relation]
            if not bag["gold"]:
                continue  # the set states no such relation
            row = [relation, str(bag["gold"]), f"{bag['ceiling']:.2f}",
                   _prf(none, True), _prf(other, True), _prf(bag), _prf(cue)]
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def _prf(cell: dict[str, float] | None, extractable: bool = False) -> str:
    if cell is None:
        return "-"
    text = f"{cell['precision']:.2f} / {cell['recall']:.2f} / {cell['f1']:.2f}"
    return text + (f" / {cell['extractable_recall']:.2f}" if extractable else "")
