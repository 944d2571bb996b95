"""Every model of the registry on a small synthetic export: trains, overfits what it sees, and
the modality path of MGNN learns a planted signal; controls, time split, comparison, serving."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from train import MODEL_NAMES, TrainConfig, available_models, prepare_data, train_models
from train.compare import control_runs, format_markdown, run_comparison
from train.controls import remove_kg, shuffle_kg, shuffle_modality
from train.data import load_export
from train.fit import fit_model
from train.hyperparams import load_model_params, resolve_model_params, with_options
from train.loop import exclusions, seed_everything, train_epoch
from train.metrics import evaluate_ranking
from train.models import ModelContext, build_model, model_class
from train.pipeline import PipelineConfig
from train.protocol import time_split
from train.serving import load_checkpoint, recommend, save_checkpoint
from train.synthetic import write_synthetic_export

TINY = dict(hidden=16, ripple_size=8, batch_size=64, device="cpu", threads=1)
FAST_MEDIA = 'modalities = ["text", "poster"]\nripple_size = 8\n'  # MGNN without the slow 3D CNN


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export")
    write_synthetic_export(out, n_users=60, n_items=40, clicks_per_user=10, side=8, frames=2, seed=4)
    return out


@pytest.fixture(scope="module")
def data(export_dir):
    return load_export(export_dir)


@pytest.fixture(scope="module")
def fast_configs(tmp_path_factory) -> Path:
    """The packaged config files, MGNN's restricted to text + poster so the tests stay fast."""
    from train.hyperparams import CONFIG_DIR

    folder = tmp_path_factory.mktemp("configs")
    for path in CONFIG_DIR.glob("*.toml"):
        (folder / path.name).write_text(path.read_text())
    (folder / "mgnn.toml").write_text(FAST_MEDIA)
    return folder


def _options(name: str, **changes) -> dict:
    options = load_model_params(name).options
    small = {key: 8 for key in ("ripple_size", "memory_size") if key in options}
    return {**options, **small, **changes}


def test_the_registry_is_what_train_models_accepts():
    assert available_models() == MODEL_NAMES and len(set(MODEL_NAMES)) == len(MODEL_NAMES)
    assert {"mgnn", "tgnn", "bpr_mf", "most_pop", "lightgcn", "item_knn", "nfm", "ripplenet", "mmgcn",
            "vbpr"} <= set(MODEL_NAMES)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_every_model_trains_one_epoch_and_ranks(name, export_dir, warehouse, fast_configs):
    summary = train_models(TrainConfig(models=(name,), epochs=1, config_dir=fast_configs, **TINY),
                           export_dir, warehouse, f"one-{name}")
    assert summary.errors == 0
    values = [v for split in summary.metrics[name].values() for v in split.values()]
    assert len(values) == 4 and all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in values)
    assert summary.epochs_run[name] == (1 if model_class(name).trainable else 0)


@pytest.mark.parametrize("name", [n for n in MODEL_NAMES if model_class(n).trainable])
def test_each_trainable_model_can_fit_what_it_sees(name, tmp_path):
    """Trained long on a tiny export, a model ranks its own training positives near the top:
    recall@5 of the training items (nothing excluded) well above MostPop's on the same items."""
    write_synthetic_export(tmp_path, n_users=16, n_items=24, clicks_per_user=6, side=8, frames=2, seed=2)
    data = load_export(tmp_path)
    options = _options(name, **({"modalities": ["poster"]} if name == "mgnn" else {}),
                       **({"dropout": 0.0} if name == "nfm" else {}))
    generator = seed_everything(0)
    model = build_model(name, ModelContext(data, 32, options))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.03)
    for _ in range(40 if name == "mgnn" else 25):  # MGNN's users are pools of their items: slower to memorise
        train_epoch(model, optimizer, data, 64, generator, torch.device("cpu"))
    seen, nothing = data.seen("train"), torch.zeros_like(data.seen("train"))
    with torch.no_grad():
        fitted = evaluate_ranking(model.eval().scorer(), seen, nothing, 5)["recall@5"]
        popular = evaluate_ranking(build_model("most_pop", ModelContext(data, 8, {})).scorer(), seen, nothing, 5)
    assert fitted >= 0.65 and fitted > popular["recall@5"] + 0.25, (fitted, popular)


def test_a_scorer_that_sees_the_test_set_scores_one_and_a_random_one_the_random_rate(data):
    relevant, exclude = data.seen("test"), exclusions(data, "test")
    oracle = evaluate_ranking(lambda users: relevant[users].float(), relevant, exclude, 10)
    assert oracle == {"recall@10": pytest.approx(1.0), "ndcg@10": pytest.approx(1.0)}
    # Expected recall@10 of a uniform random ranking: 10 / (candidates) per user, capped at 1.
    users = torch.nonzero(relevant.any(1)).flatten()
    expected = (10 / (~exclude[users]).sum(1).float()).clamp(max=1.0).mean().item()
    values = []
    for seed in range(20):
        scores = torch.rand(data.n_users, data.n_items, generator=torch.Generator().manual_seed(seed))
        values.append(evaluate_ranking(lambda u: scores[u], relevant, exclude, 10)["recall@10"])
    assert abs(np.mean(values) - expected) < 0.03, (np.mean(values), expected)


def test_planted_poster_signal_is_learnt_by_the_poster_path(tmp_path):
    """Only the poster tells the four taste groups apart and users click few items: MGNN with the
    poster must beat TGNN (id + noise text) and itself with the posters shuffled across items."""
    write_synthetic_export(tmp_path, n_users=60, n_items=80, clicks_per_user=8, side=8, frames=2,
                           taste_strength=1.0, seed=11, n_groups=4, poster_noise=15)
    data = load_export(tmp_path)
    config = TrainConfig(epochs=6, hidden=16, batch_size=64, lr=0.01, device="cpu", patience=6, seed=2)
    poster = with_options("mgnn", resolve_model_params("mgnn", config), modalities=["poster"], ripple_size=8)
    tgnn = with_options("tgnn", resolve_model_params("tgnn", config), ripple_size=8)
    cpu = torch.device("cpu")
    with_poster = fit_model("mgnn", data, config, poster, cpu).metrics["test"]["ndcg@10"]
    text_only = fit_model("tgnn", data, config, tgnn, cpu).metrics["test"]["ndcg@10"]
    shuffled = fit_model("mgnn", shuffle_modality(data, "poster", 2), config, poster, cpu).metrics["test"]["ndcg@10"]
    margin = 0.08
    assert with_poster > text_only + margin and with_poster > shuffled + margin, (with_poster, text_only, shuffled)


def test_kg_shuffle_keeps_each_relations_degrees_and_changes_the_edges(data):
    shuffled = shuffle_kg(data, seed=0)
    for relation in np.unique(data.kg_relation):
        chosen = data.kg_relation == relation
        assert sorted(shuffled.kg_tail[chosen]) == sorted(data.kg_tail[chosen])
        assert np.array_equal(shuffled.kg_head[chosen], data.kg_head[chosen])
    assert not np.array_equal(shuffled.kg_tail, data.kg_tail)
    assert len(remove_kg(data).kg_head) == 0 and len(data.kg_head) > 0


def test_modality_shuffle_permutes_rows_and_masks_together(data):
    shuffled = shuffle_modality(data, "poster", seed=1)
    assert not torch.equal(shuffled.media["poster"], data.media["poster"])
    original = {tuple(row.flatten()[:6].tolist()) for row in data.media["poster"]}
    assert {tuple(row.flatten()[:6].tolist()) for row in shuffled.media["poster"]} == original
    assert torch.equal(shuffled.media["text"], data.media["text"])


def test_time_split_never_trains_on_the_future(data):
    split = time_split(data)
    last_train = split.timestamps["train"].max()
    assert split.timestamps["val"].min() >= last_train and split.timestamps["test"].min() >= split.timestamps["val"].max()
    sizes = {name: len(split.splits[name][0]) for name in ("train", "val", "test")}
    assert sum(sizes.values()) == sum(len(data.splits[n][0]) for n in ("train", "val", "test"))
    assert sizes["test"] == round(0.2 * sum(sizes.values()))


def test_controls_skip_a_modality_no_item_has(data):
    no_poster = data.with_changes(masks={**data.masks, "poster": torch.zeros_like(data.masks["poster"])})
    rows = {run.row for run in control_runs(no_poster, ["text", "poster"])}
    assert rows == {"mgnn [KG tails shuffled]", "mgnn [KG removed]", "mgnn [-text]", "mgnn [text shuffled]"}
    assert "mgnn [-poster]" in {run.row for run in control_runs(data, ["text", "poster"])}


def test_comparison_reports_seeds_controls_and_significance(data, fast_configs):
    config = TrainConfig(epochs=1, config_dir=fast_configs, **TINY)
    lines = []
    results = run_comparison(data, config, seeds=(1, 2), models=("mgnn", "bpr_mf", "most_pop"), log=lines.append)
    rows = {r.row: r for r in results}
    assert {"mgnn", "bpr_mf", "most_pop", "mgnn [KG tails shuffled]", "mgnn [KG removed]", "mgnn [-text]",
            "mgnn [-poster]", "mgnn [text shuffled]", "mgnn [poster shuffled]",
            "mgnn cascade, rearrangement off", "mgnn cascade, rearrangement on"} <= set(rows)
    assert all(len(r.test["ndcg@10"]) == 2 for r in results)
    assert rows["most_pop"].test["ndcg@10"][0] == rows["most_pop"].test["ndcg@10"][1]  # no seed in MostPop
    assert rows["bpr_mf"].test["ndcg@10"][0] != rows["bpr_mf"].test["ndcg@10"][1]  # the seed matters
    assert 0.0 <= rows["bpr_mf"].p_value_vs_mgnn <= 1.0 and math.isnan(rows["mgnn"].p_value_vs_mgnn)
    table = format_markdown(results, 10, "# t")
    assert "| bpr_mf | model |" in table and " ± " in table and "From the paper" in table
    assert len(lines) == 2 * 9  # one line per fit
    assert all("shared_attribute_rate" in rows[f"mgnn cascade, rearrangement {s}"].extra for s in ("on", "off"))


def test_checkpoint_round_trip_gives_the_same_recommendations(data, tmp_path):
    config = TrainConfig(epochs=1, **TINY)
    params = with_options("tgnn", resolve_model_params("tgnn", config), ripple_size=8)
    fit = fit_model("tgnn", data, config, params, torch.device("cpu"))
    path = save_checkpoint(tmp_path / "tgnn.pt", "tgnn", fit.model, 16, params.options, config.seed, "export")
    name, loaded = load_checkpoint(path, data)
    pipeline = PipelineConfig(k=5, retrieve=30, rough=10)
    first, again = recommend(fit.model, data, 3, pipeline), recommend(loaded, data, 3, pipeline)
    assert name == "tgnn" and [r.item for r in first] == [r.item for r in again] and len(first) == 5
    seen = (data.seen("train") | data.seen("val"))[3]
    assert not any(seen[r.item] for r in first)
    assert all(set(r.contributions) == {"id", "text"} for r in first)
    assert all(r.path == () or (r.path[0] == "user 3" and len(r.path) == 4) for r in first)
    with pytest.raises(ValueError, match="not in the export"):
        recommend(loaded, data, data.n_users, pipeline)


def test_mmkg_recommend_trains_a_missing_checkpoint_and_explains(tmp_path, monkeypatch, capsys):
    from mmkg.cli import main

    home = tmp_path / "home"
    export = home / "exports" / "b1"
    write_synthetic_export(export, n_users=40, n_items=30, clicks_per_user=8, side=8, frames=2, seed=1)
    (export / "manifest.json").write_text(json.dumps({"build_id": "b1"}))
    monkeypatch.setenv("MMKG_HOME", str(home))
    assert main(["recommend", "--build-id", "b1", "--user", "1", "--model", "bpr_mf", "--k", "3"]) == 0
    out = capsys.readouterr().out
    assert (home / "checkpoints" / "b1" / "bpr_mf.pt").exists()
    assert out.startswith("# top 3 for user 1 (bpr_mf") and out.count("path:") == 3
    assert main(["recommend", "--build-id", "b1", "--user", "99999"]) == 1
