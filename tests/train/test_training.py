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
from train.hyperparams import load_model_params
from train.models import MGNN, ModelContext, build_model
from train.models.base import Batch
from train.pipeline import PipelineConfig, attribute_matrix, cascade, rearrange, shared_attribute_rate
from train.ripple import build_ripple_sets
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
    summary = train_models(TrainConfig(models=("nope",), epochs=0, hidden=8, device="cpu"), export_dir, warehouse, "b2")
    assert summary.metrics == {} and summary.errors == 1
    with warehouse.connect() as con:
        (reason,) = con.execute("SELECT reason FROM errors WHERE build_id = 'b2' AND stage = 'train'").fetchall()[0]
    assert "nope" in reason


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


def _model(name, data, hidden=16, **options):
    """A model with its packaged options, small ripple sets and any option changed."""
    packaged = load_model_params(name).options
    small = {"ripple_size": 8} if "ripple_size" in packaged else {}
    return build_model(name, ModelContext(data, hidden, {**packaged, **small, **options}))


def test_ripple_nodes_carry_the_relation_of_the_edge_that_reached_them(data):
    ripple = _ripple(data, hops=2, size=64)
    forward, reverse, self_relation = 0, data.n_relations, 2 * data.n_relations
    assert (ripple.relations[:, 0][ripple.mask[:, 0]] == self_relation).all()
    assert (ripple.relations[:, 1][ripple.mask[:, 1]] == forward).all()  # item -> entity
    assert (ripple.relations[:, 2][ripple.mask[:, 2]] == reverse).all()  # entity -> item, reversed
    heads = ripple.heads[0, 1][ripple.mask[0, 1]]
    assert set(heads.tolist()) <= set(ripple.nodes[0, 0][ripple.mask[0, 0]].tolist())


@pytest.mark.parametrize("modality", ["keyframes", "text"])
def test_missing_modality_does_not_reach_the_item_vector(data, modality):
    model = _model("mgnn", data).eval()
    media = getattr(model, f"media_{modality}")
    item = int(torch.nonzero(~data.masks[modality])[0])
    before = model.item_vectors(torch.tensor([item]))
    media[item] = torch.rand_like(media[item])
    assert torch.equal(before, model.item_vectors(torch.tensor([item])))
    present = int(torch.nonzero(data.masks[modality])[0])
    before = model.item_vectors(torch.tensor([present]))
    media[present] = torch.rand_like(media[present])
    assert not torch.equal(before, model.item_vectors(torch.tensor([present])))


def test_tgnn_reads_text_and_no_media(data):
    model = _model("tgnn", data)
    assert set(model.encoders) == {"text"} and model.parts == ("id", "text")


def test_batch_dedup_gives_the_same_scores_as_per_example_encoding(data):
    torch.manual_seed(0)
    fast = _model("mgnn", data).eval()
    slow = _model("mgnn", data, dedup_batch_items=False).eval()
    slow.load_state_dict(fast.state_dict())
    batch = Batch(torch.arange(8), torch.arange(8), torch.arange(8, 16))
    with torch.no_grad():
        for a, b in zip(fast.pair_scores(batch), slow.pair_scores(batch)):
            torch.testing.assert_close(a, b)


def test_cascade_without_rearrangement_over_the_catalogue_is_the_full_ranking(data):
    model = _model("tgnn", data).eval()
    users = torch.arange(data.n_users)
    exclude = data.seen("train")
    config = PipelineConfig(k=5, retrieve=data.n_items, rough=data.n_items, rearrange=False)
    picks = cascade(model, users, exclude, config, attribute_matrix(data, ()))
    with torch.no_grad():
        full = model.full_sort_predict(users).masked_fill(exclude, float("-inf"))
    assert torch.equal(picks, full.topk(5, dim=1).indices)
    assert not exclude.gather(1, picks).any()


def test_mgnn_cheap_stages_run_no_media_encoder(data):
    model = _model("mgnn", data).eval()
    users = torch.arange(4)
    with torch.no_grad():
        before = {stage: model.stage_scores(users, stage) for stage in ("retrieval", "rough", "fine")}
        model.encoders["poster"].net[-1].bias.add_(1.0)  # changes every item's poster part
        model.encoders["text"].net[-1].bias.add_(1.0)  # changes every item's text part
        after = {stage: model.stage_scores(users, stage) for stage in ("retrieval", "rough", "fine")}
    # user vectors change too (ripple nodes are items), so compare item vectors of each stage
    assert not torch.equal(before["fine"], after["fine"])
    with torch.no_grad():
        retrieval_items = model.stage_item_vectors("retrieval")
        torch.testing.assert_close(retrieval_items, model.node_emb.weight[: data.n_items] @ model.fuse.weight[:, :16].T)


def test_rearrangement_spreads_a_repeated_director():
    # Four candidates in fine order; 0 and 1 share director column 0, 2 has director 1, 3 none.
    attributes = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    candidates = torch.tensor([[0, 1, 2, 3]])
    fine = torch.tensor([[1.0, 0.9, 0.5, 0.0]])
    assert rearrange(candidates, fine, attributes, 3, weight=0.0).tolist() == [[0, 1, 2]]
    assert rearrange(candidates, fine, attributes, 3, weight=1.0).tolist() == [[0, 2, 3]]  # 0.9 - 1 < 0.0
    top_off, top_on = torch.tensor([[0, 1, 2]]), torch.tensor([[0, 2, 3]])
    assert shared_attribute_rate(top_off, attributes).item() == pytest.approx(2 / 6)
    assert shared_attribute_rate(top_on, attributes).item() == 0.0


def test_most_pop_ranks_by_training_popularity(data):
    model = _model("most_pop", data)
    scores = model.full_sort_predict(torch.tensor([0, 1]))
    counts = np.bincount(data.splits["train"][1], minlength=data.n_items)
    assert torch.equal(scores[0], scores[1]) and np.array_equal(scores[0].numpy(), counts.astype(np.float32))
    assert list(model.parameters()) == []
    metrics = evaluate(model, data, "test", 10)
    assert all(math.isfinite(v) for v in metrics.values())
