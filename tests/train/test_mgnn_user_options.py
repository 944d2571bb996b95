"""MGNN's off-by-default user options that depart from the paper (docs/MGNN.md): a learnt user
vector, hop 0 pooled over every training item, and ripple nodes weighted by their rarity. Both must keep the batch path (pair_scores)
and the ranking path (full_sort_predict) the same function, and must do only what they say."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from train.data import load_export
from train.models import Batch, ModelContext, build_model
from train.models.mgnn import idf_weights
from train.synthetic import write_synthetic_export

BASE = {"modalities": ["text"], "id_embedding": True, "fusion": "concat", "hops": 2, "ripple_size": 4,
        "hop_pool": "mean", "use_relations": True, "text_layers": 1, "cnn_channels": 4, "init_std": 0.1,
        "dedup_batch_items": True, "user_embedding": False, "clicked_pool": "ripple",
        "node_weighting": "uniform"}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    out: Path = tmp_path_factory.mktemp("export")
    write_synthetic_export(out, n_users=30, n_items=25, clicks_per_user=9, side=8, frames=2, seed=5)
    return load_export(out)


def _model(data, **options):
    torch.manual_seed(0)
    return build_model("mgnn", ModelContext(data, 16, {**BASE, **options}, seed=3))


def _batch(data) -> Batch:
    users, items = data.splits["train"]
    rng = np.random.default_rng(0)
    pick = rng.choice(len(users), size=20, replace=False)
    return Batch(torch.from_numpy(users[pick]), torch.from_numpy(items[pick]),
                 torch.from_numpy(rng.integers(0, data.n_items, size=20)))


def test_all_clicked_items_equal_the_ripple_when_the_ripple_holds_them_all(data):
    most = int(np.bincount(data.splits["train"][0]).max())
    ripple = _model(data, ripple_size=most)
    everything = _model(data, ripple_size=most, clicked_pool="all")
    everything.load_state_dict(ripple.state_dict())
    batch = _batch(data)
    for a, b in zip(ripple.pair_scores(batch), everything.pair_scores(batch)):
        assert torch.allclose(a, b, atol=1e-6)
    users = torch.arange(data.n_users)
    assert torch.allclose(ripple.full_sort_predict(users), everything.full_sort_predict(users), atol=1e-6)
    small = _model(data, ripple_size=2)  # the ripple keeps 2 of ~7 items: pooling all of them differs
    small_all = _model(data, ripple_size=2, clicked_pool="all")
    small_all.load_state_dict(small.state_dict())
    assert not torch.allclose(small.full_sort_predict(users), small_all.full_sort_predict(users), atol=1e-4)


@pytest.mark.parametrize("options", [{"user_embedding": True}, {"clicked_pool": "all"}, {"node_weighting": "idf"},
                                     {"user_embedding": True, "clicked_pool": "all", "dedup_batch_items": False}])
def test_batch_scores_are_the_ranking_scores(data, options):
    model = _model(data, **options)
    batch = _batch(data)
    pos, neg = model.pair_scores(batch)
    full = model.full_sort_predict(batch.users)
    rows = torch.arange(len(batch.users))
    assert torch.allclose(pos, full[rows, batch.pos], atol=1e-5)
    assert torch.allclose(neg, full[rows, batch.neg], atol=1e-5)
    loss = model.calculate_loss(batch)
    loss.backward()
    if options.get("user_embedding"):
        grad = model.user_emb.weight.grad
        assert grad[batch.users].abs().sum() > 0
        untouched = torch.ones(data.n_users, dtype=torch.bool)
        untouched[batch.users] = False
        assert grad[untouched].abs().sum() == 0


def test_user_embedding_adds_one_vector_per_user(data):
    plain = _model(data)
    with_user = _model(data, user_embedding=True)
    with_user.load_state_dict(plain.state_dict(), strict=False)
    users_plain, items_plain = plain.ranking_vectors()
    users_with, items_with = with_user.ranking_vectors()
    assert torch.allclose(items_plain, items_with)
    assert torch.allclose(users_with - users_plain, with_user.user_emb.weight, atol=1e-6)


def test_an_unknown_clicked_pool_is_refused():
    from train.models import model_class

    assert "clicked_pool" in model_class("mgnn").validate_options({**BASE, "clicked_pool": "some"})


def test_idf_weights_by_hand():
    """Hop 1 of three users: node 5 is in every user's hop, node 6 in one; node 7 pads (mask 0)."""
    nodes = torch.tensor([[[0, 1], [5, 6]], [[1, 7], [5, 7]], [[2, 7], [5, 7]]])
    mask = torch.tensor([[[1, 1], [1, 1]], [[1, 0], [1, 0]], [[1, 0], [1, 0]]], dtype=torch.bool)
    weights = idf_weights(nodes, mask)
    assert torch.allclose(weights[0, 1], torch.tensor([np.log1p(3 / 3), np.log1p(3 / 1)], dtype=torch.float32))
    assert torch.allclose(weights[0, 0], torch.tensor([np.log1p(3 / 1), np.log1p(3 / 2)], dtype=torch.float32))
    assert weights[1, 1, 1] == 0 and weights[2, 0, 1] == 0  # padding weighs nothing


def test_idf_weighting_changes_only_the_weights_of_the_pool(data):
    uniform = _model(data)
    idf = _model(data, node_weighting="idf")
    idf.load_state_dict(uniform.state_dict())
    assert torch.equal(uniform.ripple_mask > 0, idf.ripple_mask > 0)
    assert torch.equal(uniform.ripple_mask, (uniform.ripple_mask > 0).float())
    assert not torch.allclose(idf.ripple_mask[idf.ripple_mask > 0], idf.ripple_mask[idf.ripple_mask > 0][0])
    users = torch.arange(data.n_users)
    assert not torch.allclose(uniform.full_sort_predict(users), idf.full_sort_predict(users), atol=1e-4)
    _, uniform_items = uniform.ranking_vectors()
    _, idf_items = idf.ranking_vectors()
    assert torch.allclose(uniform_items, idf_items)  # items are encoded as before
    from train.models import model_class

    assert "node_weighting" in model_class("mgnn").validate_options({**BASE, "node_weighting": "tf"})
