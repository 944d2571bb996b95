"""Blind extraction quality on the test half of the Wikipedia films: infobox names only score.

Measured (``mmkg extract-quality``, docs/QUALITY.md), test half, no names known: directed_by
P .94 R .79, written_by P .77 R .47, starring P .67 R .58 (cast lists and table rows read by layout),
produced_by P .68 R .15, made_by P .30 R .05, based_on P .50 R .26, release year P .98 R .88; floors sit
below so a regression fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.evaluate import Evaluation, run

FLOORS = {  # relation -> (precision, recall) floors, no names known
    "directed_by": (0.90, 0.74), "written_by": (0.72, 0.38), "starring": (0.63, 0.50), "produced_by": (0.60, 0.10),
    "made_by": (0.25, 0.04), "based_on": (0.40, 0.20), "year": (0.90, 0.80),
}


@pytest.fixture(scope="module")
def test_half(shared_data: Path) -> Evaluation:
    return run(shared_data / "movies" / "wikipedia-films", min_confidence=0.5, splits=("test",))


def test_rules_hold_their_floors_and_beat_both_baselines(test_half: Evaluation) -> None:
    scores = test_half.scores["test"]
    assert test_half.films == {"test": 51}
    for relation, (precision, recall) in FLOORS.items():
        rules = scores["none"][relation]
        assert rules["precision"] >= precision and rules["recall"] >= recall, (relation, rules)
    for relation in ("directed_by", "written_by", "starring", "made_by", "based_on", "year"):
        rules = scores["none"][relation]
        for baseline in ("bag_of_names", "cue_phrase"):
            assert rules["f1"] > scores[baseline][relation]["f1"], (relation, baseline, scores[baseline][relation])


def test_knowing_names_never_loses_recall(test_half: Evaluation) -> None:
    scores = test_half.scores["test"]
    for relation, none in scores["none"].items():
        known = scores["other_fields"][relation]
        assert known["recall"] >= none["recall"], (relation, none, known)
        assert known["extractable_recall"] >= none["extractable_recall"], (relation, none, known)
