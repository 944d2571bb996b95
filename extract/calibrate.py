"""Rule confidences = measured precision on the tuning data (dev half + tuning set), written where the rules read them.

Run by ``mmkg extract-quality --calibrate``: every rule fires with the same prior confidence
and no threshold, each kept relation is checked against the gold of the tuning data (the dev
infoboxes and the Re-DocRED film leads, ``extract/docred.py``: a rule the 45 dev films never
see fire would otherwise stay unmeasured, so filtered), and a rule's
confidence becomes its Laplace-smoothed precision (correct + 1) / (fired + 2), so a rule seen
three times is not trusted at 1.0.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from extract.docred import load_sample as load_tuning_sample
from extract.evaluate import TUNING_SPLIT, Evaluation, evaluate, load_films, parse_films, split_of
from extract.nlp import load_pipeline
from extract.relation_rules import CALIBRATION_PATH

THRESHOLDS = (0.0, 0.3, 0.5, 0.7, 0.9)


def rule_precisions(firings: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """"relation/rule" and "rule" (pooled over relations) -> fired, correct, smoothed confidence."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in firings:
        for key in (row["rule"], f"{row['relation']}/{row['rule']}"):
            counts[key][0] += 1
            counts[key][1] += bool(row["correct"])
    return {rule: {"fired": n, "correct": ok, "confidence": round((ok + 1) / (n + 2), 3)}
            for rule, (n, ok) in sorted(counts.items())}


def measurable(firings: list[dict[str, Any]], tuning_labels: set[str]) -> list[dict[str, Any]]:
    """The firings whose correctness the gold can tell: the tuning set's only for relations it labels."""
    return [f for f in firings if f["split"] != TUNING_SPLIT or f["relation"] in tuning_labels]


def calibrate(films_dir: Path, model: str | None = None, path: Path = CALIBRATION_PATH) -> dict[str, dict[str, float]]:
    """Measure every rule on the dev half and the tuning set (both settings) and write ``path``.

    The tuning set counts only for the relations it labels at all (Re-DocRED's film leads name
    no distributor, cinematographer or editor: a firing there is unlabelled, not wrong)."""
    tuning = load_tuning_sample()
    labelled = {relation for film in tuning for relation, names in film.gold if names}
    films = [f for f in load_films(films_dir) if split_of(f.movie_id) == "dev"] + tuning
    nlp = load_pipeline(model)
    evaluation = evaluate(nlp, parse_films(nlp, films), min_confidence=0.0, confidences={})
    table = rule_precisions(measurable(evaluation.firings, labelled))
    path.write_text(json.dumps(table, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return table


def read_calibration(path: Path = CALIBRATION_PATH) -> dict[str, dict[str, float]]:
    """The stored calibration table (empty when never calibrated)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def threshold_table(evaluation: Evaluation, split: str = "test", setting: str = "none") -> list[dict[str, float]]:
    """How many text relations each min_confidence keeps, and how many of them are correct."""
    rows = [f for f in evaluation.firings if f["split"] == split and f["setting"] == setting]
    table = []
    for threshold in THRESHOLDS:
        kept = [f for f in rows if f["confidence"] >= threshold]
        correct = sum(bool(f["correct"]) for f in kept)
        table.append({"min_confidence": threshold, "kept": len(kept), "correct": correct,
                      "precision": round(correct / len(kept), 3) if kept else 0.0})
    return table
