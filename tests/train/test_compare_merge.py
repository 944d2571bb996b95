"""`mmkg compare --merge`: runs made as separate processes (one seed each, or one model group each)
must join into exactly the table one run over all seeds gives, and runs that do not belong
together must be refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mmkg.cli import main
from train.compare import labelled, load_results, merge_results
from train.synthetic import write_synthetic_export

COMMON = ["--no-controls", "--epochs", "2", "--hidden", "16", "--batch-size", "64", "--threads", "1", "--device", "cpu"]


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export")
    write_synthetic_export(out, n_users=50, n_items=30, clicks_per_user=8, side=8, frames=2, seed=3)
    return out


def _compare(export_dir: Path, out: Path, *more: str) -> dict:
    assert main(["compare", "--export-dir", str(export_dir), "--out", str(out), *COMMON, *more]) == 0
    return json.loads((out / "results.json").read_text())


@pytest.fixture(scope="module")
def runs(export_dir, tmp_path_factory):
    """One run over seeds 1 and 2, and the same as two one-seed runs with MostPop in both."""
    root = tmp_path_factory.mktemp("runs")
    both = _compare(export_dir, root / "both", "--models", "bpr_mf", "most_pop", "--seed", "1", "--seeds", "2")
    _compare(export_dir, root / "s1", "--models", "bpr_mf", "most_pop", "--seed", "1", "--seeds", "1")
    _compare(export_dir, root / "s2", "--models", "bpr_mf", "most_pop", "--seed", "2", "--seeds", "1")
    return root, both


def test_merged_one_seed_runs_equal_one_run_over_both_seeds(runs, capsys):
    root, both = runs
    capsys.readouterr()
    assert main(["compare", "--merge", str(root / "s1" / "results.json"), str(root / "s2" / "results.json"),
                 "--out", str(root / "merged")]) == 0
    assert "| bpr_mf | model | 2 |" in capsys.readouterr().out
    merged = json.loads((root / "merged" / "results.json").read_text())
    by_row = {r["row"]: r for r in merged["rows"]}
    for row in both["rows"]:
        got = by_row[row["row"]]
        assert got["seeds"] == row["seeds"] == [1, 2]
        assert got["test"] == row["test"] and got["val"] == row["val"]
        assert got["per_user_ndcg"] == row["per_user_ndcg"]
    assert merged["meta"]["seeds"] == [1, 2] and len(merged["meta"]["merged_from"]) == 2


def test_p_values_are_recomputed_over_the_merged_seeds(runs, export_dir, tmp_path):
    """With MGNN in one run only, the other run's rows get a p-value against it after the merge."""
    root, _ = runs
    ref = tmp_path / "ref"
    _compare(export_dir, ref, "--models", "mgnn", "--seed", "1", "--seeds", "1")
    meta, rows = merge_results([load_results(ref / "results.json"), load_results(root / "s1" / "results.json")])
    p = {r.row: r.p_value_vs_mgnn for r in rows}
    assert 0.0 <= p["bpr_mf"] <= 1.0 and 0.0 <= p["most_pop"] <= 1.0
    assert {"mgnn cascade, rearrangement off", "mgnn cascade, rearrangement on"} <= set(p)
    assert meta["seeds"] == [1]


def test_a_repeated_fit_is_kept_once_and_a_conflicting_one_is_refused(runs, tmp_path):
    root, _ = runs
    s1 = load_results(root / "s1" / "results.json")
    _, rows = merge_results([s1, load_results(root / "s1" / "results.json")])
    assert all(r.seeds == [1] for r in rows)
    meta, tampered = load_results(root / "s1" / "results.json")
    tampered[0].test["ndcg@10"][0] += 0.01
    with pytest.raises(ValueError, match="different test metrics"):
        merge_results([s1, (meta, tampered)])


def test_runs_with_other_settings_are_refused(runs, export_dir, tmp_path, capsys):
    root, _ = runs
    other = tmp_path / "other"
    assert main(["compare", "--export-dir", str(export_dir), "--out", str(other), "--models", "most_pop",
                 "--seeds", "1", "--no-controls", "--epochs", "3", "--hidden", "16", "--device", "cpu"]) == 0
    capsys.readouterr()
    assert main(["compare", "--merge", str(root / "s1" / "results.json"), str(other / "results.json"),
                 "--out", str(tmp_path / "m")]) == 2
    assert "epochs (2 vs 3)" in capsys.readouterr().err
    assert main(["compare", "--merge", str(root / "s1" / "results.json")]) == 2  # no --out
    assert main(["compare", "--merge", str(tmp_path / "none.json"), "--out", str(tmp_path / "m")]) == 2
    assert not (tmp_path / "m").exists()


def test_replaced_rows_come_from_the_last_run_that_has_them(runs, tmp_path, capsys):
    """A refitted row (here: seed 1's BPR-MF with its test figures changed) replaces the earlier fit
    instead of conflicting with it; the other rows are merged as usual."""
    root, _ = runs
    s1 = load_results(root / "s1" / "results.json")
    meta, refit = load_results(root / "s1" / "results.json")
    refit = [r for r in refit if r.row == "bpr_mf"]
    refit[0].test["ndcg@10"][0] += 0.01
    with pytest.raises(ValueError, match="different test metrics"):
        merge_results([s1, (meta, refit)])
    _, rows = merge_results([s1, load_results(root / "s2" / "results.json"), (meta, refit)], ("bpr_mf",))
    by_row = {r.row: r for r in rows}
    assert by_row["bpr_mf"].seeds == [1] and by_row["bpr_mf"].test["ndcg@10"] == refit[0].test["ndcg@10"]
    assert by_row["most_pop"].seeds == [1, 2]
    with pytest.raises(ValueError, match="in none of the runs"):
        merge_results([s1], ("lightgcn",))
    capsys.readouterr()
    assert main(["compare", "--merge", str(root / "s1" / "results.json"), str(root / "s2" / "results.json"),
                 "--replace-rows", "bpr_mf", "--out", str(tmp_path / "m")]) == 0
    merged = json.loads((tmp_path / "m" / "results.json").read_text())
    assert {r["row"]: r["seeds"] for r in merged["rows"]}["bpr_mf"] == [2]
    assert merged["meta"]["replaced_rows"] == ["bpr_mf"]


def test_labelled_rows_sit_beside_the_default_rows_with_a_p_value(runs, export_dir, tmp_path, capsys):
    """A run with a changed option and --label merges beside the default run: both MGNN rows are
    kept, the labelled one (and its cascade rows) get a p-value against the default MGNN."""
    root, _ = runs
    plain, variant = tmp_path / "plain", tmp_path / "variant"
    _compare(export_dir, plain, "--models", "mgnn", "bpr_mf", "--seed", "1", "--seeds", "1")
    labelled = _compare(export_dir, variant, "--models", "mgnn", "bpr_mf", "--seed", "1", "--seeds", "1",
                        "--lr", "0.01", "--label", "lr 0.01")
    assert {r["row"] for r in labelled["rows"]} == {"mgnn [lr 0.01]", "bpr_mf [lr 0.01]",
                                                    "mgnn cascade, rearrangement off [lr 0.01]",
                                                    "mgnn cascade, rearrangement on [lr 0.01]"}
    assert labelled["meta"]["label"] == "lr 0.01" and labelled["meta"]["lr"] == 0.01
    # Alone, the labelled run's p-values are against its own MGNN.
    assert 0.0 <= next(r for r in labelled["rows"] if r["row"] == "bpr_mf [lr 0.01]")["p_value_vs_mgnn"] <= 1.0
    capsys.readouterr()
    assert main(["compare", "--merge", str(plain / "results.json"), str(variant / "results.json"),
                 "--out", str(tmp_path / "m")]) == 0
    assert "p (ndcg vs mgnn)" in capsys.readouterr().out
    merged = json.loads((tmp_path / "m" / "results.json").read_text())
    by_row = {r["row"]: r for r in merged["rows"]}
    assert by_row["mgnn"]["p_value_vs_mgnn"] is None
    assert 0.0 <= by_row["mgnn [lr 0.01]"]["p_value_vs_mgnn"] <= 1.0
    assert by_row["mgnn [lr 0.01]"]["test"] != by_row["mgnn"]["test"]  # a different fit, kept apart
    assert [run["label"] for run in merged["meta"]["runs"]] == [None, "lr 0.01"]


def test_an_unlabelled_run_with_changed_options_is_refused_with_the_way_out(runs, export_dir, tmp_path, capsys):
    root, _ = runs
    changed = tmp_path / "changed"
    _compare(export_dir, changed, "--models", "bpr_mf", "--seed", "1", "--seeds", "1", "--lr", "0.01")
    capsys.readouterr()
    assert main(["compare", "--merge", str(root / "s1" / "results.json"), str(changed / "results.json"),
                 "--out", str(tmp_path / "m")]) == 2
    error = capsys.readouterr().err
    assert "row 'bpr_mf', seed 1: two runs give different test metrics" in error
    assert "(defaults vs lr 0.01)" in error and "--label" in error and "--replace-rows" in error


@pytest.mark.parametrize("label", ["", "  ", "a [b]", "x;y", "l" * 41])
def test_a_bad_label_is_refused_before_any_work(export_dir, tmp_path, capsys, label):
    assert main(["compare", "--export-dir", str(export_dir), "--out", str(tmp_path / "o"), *COMMON,
                 "--models", "most_pop", "--label", label]) == 2
    assert "--label" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_labelled_row_names():
    assert labelled("mgnn", "lr 0.0005") == "mgnn [lr 0.0005]"
    assert labelled("mgnn [KG removed]", "lr 0.0005") == "mgnn [lr 0.0005; KG removed]"
    assert labelled("bpr_mf", None) == "bpr_mf"
