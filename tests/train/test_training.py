"""Training on a synthetic export with a planted poster-brightness signal, on CPU."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from train import TrainConfig, train_models
from train.data import load_export
from train.loop import evaluate
from train.metrics import evaluate_ranking
from train.models import build_model
from train.ripple import build_ripple_sets
from train.serving import recommend
from train.synthetic import write_synthetic_export

SMALL = dict(epochs=6, hidden=16, ripple_size=8, batch_size=128, lr=0.01, device="cpu")


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export")
    write_synthetic_export(out, n_users=100, n_items=60, clicks_per_user=12, side=8, frames=2, seed=3)
    return out


@pytest.fixture(scope="module")
def data(export_dir):
    return load_export(export_dir)


def _ripple(data, hops=2, size=8):
    return build_ripple_sets(*data.splits["train"], data.n_users, data.n_nodes, data.kg_head, data.kg_tail,
                             hops, size, seed=7)


def _random_recall(data, k=10) -> float:
    """Mean recall@k of random rankings under the same protocol (averaged over seeds)."""
    exclude = data.seen("train") | data.seen("val")
    values = []
    for seed in range(5):
        scores = torch.rand(data.n_users, data.n_items, generator=torch.Generator().manual_seed(seed))
        values.append(evaluate_ranking(lambda users: scores[users], data.seen("test"), exclude, k)[f"recall@{k}"])
    return float(np.mean(values))


def test_mgnn_beats_random_ranking_and_stores_metrics(export_dir, data, warehouse):
    torch.set_num_threads(1)
    summary = train_models(TrainConfig(models=("mgnn",), **SMALL), export_dir, warehouse, "b1")
    test = summary.metrics["mgnn"]["test"]
    assert all(math.isfinite(v) for split in summary.metrics["mgnn"].values() for v in split.values())
    baseline = _random_recall(data)
    assert test["recall@10"] > baseline + 0.08, (test, baseline)
    assert summary.device == "cpu" and summary.n_users == 100 and summary.n_items == 60 and summary.errors == 0
    with warehouse.connect() as con:
        rows = con.execute("SELECT model, split, metric, value FROM metrics WHERE build_id = 'b1'").fetchall()
    assert {(m, s, k): v for m, s, k, v in rows} == pytest.approx(
        {("mgnn", s, k): v for s, values in summary.metrics["mgnn"].items() for k, v in values.items()})


def test_unknown_model_is_an_error_row_not_a_crash(export_dir, warehouse):
    summary = train_models(TrainConfig(models=("nfm",), epochs=0, hidden=8, device="cpu"), export_dir, warehouse, "b2")
    assert summary.metrics == {} and summary.errors == 1
    with warehouse.connect() as con:
        (reason,) = con.execute("SELECT reason FROM errors WHERE build_id = 'b2' AND stage = 'train'").fetchall()[0]
    assert "nfm" in reason


def test_split_gives_every_user_with_five_clicks_test_and_val_items(data):
    for split in ("val", "test"):
        assert np.unique(data.splits[split][0]).tolist() == list(range(data.n_users))
    n_test = np.bincount(data.splits["test"][0], minlength=data.n_users)
    n_all = sum(np.bincount(data.splits[s][0], minlength=data.n_users) for s in ("train", "val", "test"))
    assert (n_test == np.round(0.2 * n_all)).all()


def test_ripple_sets_spread_from_clicked_items_through_the_kg(data):
    ripple = _ripple(data, hops=2, size=64)
    users, items = data.splits["train"]
    user0_items = set(items[users == 0].tolist())
    hop0 = set(ripple.nodes[0, 0][ripple.mask[0, 0]].tolist())
    assert hop0 == user0_items
    linked = {t for h, t in zip(data.kg_head, data.kg_tail) if h in user0_items}
    assert set(ripple.nodes[0, 1][ripple.mask[0, 1]].tolist()) == linked
    hop2 = set(ripple.nodes[0, 2][ripple.mask[0, 2]].tolist())
    assert hop2 and all(n < data.n_items for n in hop2)  # entities lead back to items
    assert (ripple.nodes[~ripple.mask] == data.n_nodes).all()


def test_missing_modality_does_not_reach_the_item_vector(data):
    model = build_model("mgnn", data, _ripple(data), hidden=16).eval()
    item = int(torch.nonzero(~data.masks["keyframes"])[0])
    before = model.item_vectors(torch.tensor([item]))
    model.media_keyframes[item] = torch.rand_like(model.media_keyframes[item])
    assert torch.equal(before, model.item_vectors(torch.tensor([item])))
    present = int(torch.nonzero(data.masks["keyframes"])[0])
    before = model.item_vectors(torch.tensor([present]))
    model.media_keyframes[present] = torch.rand_like(model.media_keyframes[present])
    assert not torch.equal(before, model.item_vectors(torch.tensor([present])))


def test_batch_dedup_gives_the_same_scores_as_per_example_encoding(data):
    ripple = _ripple(data)
    torch.manual_seed(0)
    fast = build_model("mgnn", data, ripple, hidden=16).eval()
    slow = build_model("mgnn", data, ripple, hidden=16).eval()
    slow.load_state_dict(fast.state_dict())
    slow.dedup_batch_items = False
    users, pos, neg = torch.arange(8), torch.arange(8), torch.arange(8, 16)
    with torch.no_grad():
        for a, b in zip(fast.bpr_scores(users, pos, neg), slow.bpr_scores(users, pos, neg)):
            torch.testing.assert_close(a, b)


def test_recommend_returns_unseen_items_in_full_score_order(data):
    model = build_model("tgnn", data, _ripple(data), hidden=16)
    seen = data.seen("train")[0]
    picks = recommend(model, 0, 5, seen, candidate_factor=100)
    assert len(picks) == 5 and not seen[picks].any()
    users, items = model.ranking_vectors()
    full = (items @ users[0]).masked_fill(seen, float("-inf"))
    assert picks == full.topk(5).indices.tolist()
    assert evaluate(model, data, "val", 10)["recall@10"] >= 0.0


def test_most_pop_ranks_by_training_popularity(data):
    model = build_model("most_pop", data, _ripple(data), hidden=8)
    users, items = model.ranking_vectors()
    scores = (users @ items.T)[0]
    counts = np.bincount(data.splits["train"][1], minlength=data.n_items)
    assert int(scores.argmax()) in set(np.flatnonzero(counts == counts.max()).tolist())
    assert list(model.parameters()) == []
    metrics = evaluate(model, data, "test", 10)
    assert all(math.isfinite(v) for v in metrics.values())
