"""Pairwise merge precision and recall of entity resolution on a hand-labelled sample.

Each pair (``extract/data/resolution_pairs.json``) is two person mentions with their film and,
where a page gives one, an external id, labelled same real-world person or not. Per pair a
fresh resolver meets the first film's other people, then mention ``a`` (registered with its
film), then mention ``b`` the way the stage meets it: a one-word name is resolved in its film's
context (a surname is never made a node on its own), a longer one is registered. The pair is
*merged* when both end on one entity. Precision = merged same-person pairs / merged pairs;
recall = merged same-person pairs / same-person pairs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extract.names import name_key
from extract.resolver import EntityResolver

PAIRS_PATH = Path(__file__).parent / "data" / "resolution_pairs.json"


@dataclass(frozen=True)
class MergeScores:
    pairs: int
    same: int
    merged: int
    correct: int
    wrong_merges: tuple[str, ...]
    missed_merges: tuple[str, ...]

    @property
    def precision(self) -> float:
        return round(self.correct / self.merged, 3) if self.merged else 0.0

    @property
    def recall(self) -> float:
        return round(self.correct / self.same, 3) if self.same else 0.0


def merged(pair: dict[str, Any], context: dict[str, list[str]]) -> bool:
    """Whether the resolver puts both mentions of ``pair`` on one entity."""
    a, b = pair["a"], pair["b"]
    resolver = EntityResolver()
    for other in context.get(a["movie"], []):
        resolver.register("Person", other, a["movie"])
    first = resolver.register("Person", a["name"], a["movie"], a.get("id"))
    if len(name_key(b["name"]).split()) == 1 and not b.get("id"):
        second = resolver.resolve("Person", b["name"], resolver.people_of(b["movie"]))
    else:
        second = resolver.register("Person", b["name"], b["movie"], b.get("id"))
    return first is not None and first == second


def measure(path: Path = PAIRS_PATH) -> MergeScores:
    sample = json.loads(path.read_text(encoding="utf-8"))
    rows = [(pair, merged(pair, sample["context"])) for pair in sample["pairs"]]
    describe = lambda p: f"{p['a']['name']} / {p['b']['name']} ({p['case']})"  # noqa: E731
    return MergeScores(
        pairs=len(rows), same=sum(p["same"] for p, _ in rows), merged=sum(m for _, m in rows),
        correct=sum(p["same"] and m for p, m in rows),
        wrong_merges=tuple(describe(p) for p, m in rows if m and not p["same"]),
        missed_merges=tuple(describe(p) for p, m in rows if p["same"] and not m),
    )


def format_scores(scores: MergeScores) -> str:
    lines = [f"\nentity resolution, {scores.pairs} labelled pairs ({scores.same} same person): "
             f"merge precision {scores.precision:.3f}, recall {scores.recall:.3f} "
             f"({scores.correct} of {scores.merged} merges right)"]
    lines += [f"- wrong merge: {case}" for case in scores.wrong_merges]
    lines += [f"- missed merge: {case}" for case in scores.missed_merges]
    return "\n".join(lines)
