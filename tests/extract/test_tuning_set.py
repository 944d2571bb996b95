"""The Re-DocRED tuning set: its sample is built from DocRED documents as documented, and scored."""

from __future__ import annotations

import json
from pathlib import Path

from extract.docred import LICENCE, detokenise, load_sample, main, sample_from_docs
from extract.evaluate import TUNING_SPLIT, evaluate, parse_films, split_of
from extract.nlp import load_pipeline

# measured (mmkg extract-quality), no names known: directed_by P 1.00 R 1.00, written_by P 1.00 R .88,
# starring P .97 R .91; floors sit below so a regression fails
FLOORS = {"directed_by": (0.95, 0.90), "written_by": (0.95, 0.75), "starring": (0.90, 0.80)}


def _doc(title: str, sents: list[str], vertices: list[list[tuple[str, int, int]]], labels: list[tuple[int, str, int]]) -> dict:
    return {"title": title, "sents": [s.split() for s in sents],
            "vertexSet": [[{"name": n, "sent_id": sid, "pos": [pos, pos + len(n.split())]} for n, sid, pos in v]
                          for v in vertices],
            "labels": [{"h": h, "r": r, "t": t} for h, r, t in labels]}


def test_tokens_are_joined_back_into_plain_text() -> None:
    tokens = 'Khooni Khanjar ( Fighting Blade ) is a " silent " Tamil - language film , Robeson \'s best .'.split()
    assert detokenise(tokens) == 'Khooni Khanjar (Fighting Blade) is a "silent" Tamil-language film, Robeson\'s best.'


def test_sample_keeps_film_leads_and_the_credits_of_their_own_film() -> None:
    film = _doc("Red Sky (film)", ["Red Sky is a 1950 film directed by Willard Roe .", "Roe also wrote Blue Sky ."],
                [[("Red Sky", 0, 0)], [("Willard Roe", 0, 7)], [("Roe", 1, 0)], [("Blue Sky", 1, 3)]],
                [(0, "P57", 1), (0, "P58", 2), (3, "P58", 2)])
    song = _doc("Blue (song)", ['" Blue " is a song by Ann Poe .'], [[("Blue", 0, 1)], [("Ann Poe", 0, 6)]],
                [(0, "P86", 1)])
    rows = sample_from_docs([film, song])
    assert [row["title"] for row in rows] == ["Red Sky (film)"]
    # the split-off one-word "Roe" is named by the document's one longer name ending with it
    assert rows[0]["gold"] == {"directed_by": ["Willard Roe"], "written_by": ["Willard Roe"]}
    assert sample_from_docs([film], skip_titles={"red sky (film)"}) == []


def test_a_film_whose_first_sentence_is_cut_at_its_title_is_kept_by_its_title() -> None:
    # DocRED ends a sentence at the "?" of "They Shoot Horses, Don't They?": the word "film" is in the next one
    cut = _doc("Why Not? (film)", ["Why Not ?", "is a 1969 film directed by Ann Roe ."],
               [[("Why Not", 0, 0)], [("Ann Roe", 1, 6)]], [(0, "P57", 1)])
    assert [row["gold"] for row in sample_from_docs([cut])] == [{"directed_by": ["Ann Roe"]}]
    series = _doc("Why Not? (film series)", ["Why Not ?", "is a series of films directed by Ann Roe ."],
                  [[("Why Not", 0, 0)], [("Ann Roe", 1, 7)]], [(0, "P57", 1)])
    assert sample_from_docs([series]) == []


def test_the_sample_is_rebuilt_from_split_files_with_its_source_and_licence(tmp_path: Path) -> None:
    film = _doc("Red Sky (film)", ["Red Sky is a 1950 film directed by Willard Roe ."],
                [[("Red Sky", 0, 0)], [("Willard Roe", 0, 7)]], [(0, "P57", 1)])
    split, films_dir, out = tmp_path / "train_revised.json", tmp_path / "articles", tmp_path / "films.json"
    split.write_text(json.dumps([film]), encoding="utf-8")
    films_dir.mkdir()
    assert main([str(split), "--films-dir", str(films_dir), "--source", "Re-DocRED data/train_revised.json",
                 "--out", str(out)]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["source"] == "Re-DocRED data/train_revised.json" and written["licence"] == LICENCE
    assert [row["title"] for row in written["documents"]] == ["Red Sky (film)"]
    assert [f.title for f in load_sample(out)] == ["Red Sky"]


def test_tuning_set_is_scored_apart_and_knowing_names_never_loses_recall() -> None:
    films = load_sample()
    assert len(films) == 31 and {split_of(f.movie_id) for f in films} == {TUNING_SPLIT}
    nlp = load_pipeline()
    evaluation = evaluate(nlp, parse_films(nlp, films), min_confidence=0.5)
    assert evaluation.films == {TUNING_SPLIT: 31}
    scores = evaluation.scores[TUNING_SPLIT]
    for relation, none in scores["none"].items():
        known = scores["other_fields"][relation]
        assert known["recall"] >= none["recall"] and known["extractable_recall"] >= none["extractable_recall"], relation
    for relation, (precision, recall) in FLOORS.items():
        rules = scores["none"][relation]
        assert rules["precision"] >= precision and rules["recall"] >= recall, (relation, rules)
        for baseline in ("bag_of_names", "cue_phrase"):
            assert rules["f1"] > scores[baseline][relation]["f1"], (relation, baseline)


def test_calibration_ignores_tuning_firings_of_relations_the_set_never_labels() -> None:
    from extract.calibrate import measurable, rule_precisions

    firings = [{"split": "dev", "relation": "distributed_by", "rule": "company_by", "correct": True},
               {"split": TUNING_SPLIT, "relation": "distributed_by", "rule": "company_by", "correct": False},
               {"split": TUNING_SPLIT, "relation": "directed_by", "rule": "credit_by", "correct": False}]
    table = rule_precisions(measurable(firings, {"directed_by"}))
    assert table["distributed_by/company_by"]["fired"] == 1 and table["directed_by/credit_by"]["fired"] == 1
