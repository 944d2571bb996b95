"""RippleNet's fast paths (distinct (relation, head) pairs per batch, the full ranking without
[B, N, d] tensors) against the model's formula written out plainly, one memory at a time."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from train.data import load_export
from train.hyperparams import load_model_params
from train.models import ModelContext, build_model
from train.models.base import Batch


def plain_memories(model, users):
    """R h with each memory's own relation matrix gathered: the definition, no grouping."""
    heads = model.node_emb(model.mem_heads[users])
    matrices = model.relation[model.mem_relations[users]]  # [B, H, S, d, d]
    rh = torch.einsum("bhsij,bhsj->bhsi", matrices, heads)
    return rh, model.node_emb(model.mem_tails[users]), model.mem_mask[users]


def plain_scores(model, users, items):
    """RippleNet's score of each (user, item), in d-space, one user and one item at a time."""
    rh, tails, mask = plain_memories(model, users)
    out = torch.zeros(len(users), len(items))
    for b in range(len(users)):
        for n, item in enumerate(items):
            v = model.node_emb.weight[item]
            user = torch.zeros_like(v)
            for hop in range(rh.shape[1]):
                keep = mask[b, hop]
                if not keep.any():
                    o = torch.zeros_like(v)
                else:
                    o = torch.softmax(rh[b, hop][keep] @ v, 0) @ tails[b, hop][keep]
                user = user + o
                v = v + o if model.item_update == "plus" else o
            out[b, n] = user @ v
    return out


@pytest.fixture(scope="module")
def data(export_dir):
    return load_export(export_dir)


@pytest.mark.parametrize("item_update", ["plus", "replace"])
def test_full_ranking_equals_the_plain_formula(data, item_update):
    options = {**load_model_params("ripplenet").options, "item_update": item_update, "memory_size": 6,
               "score_chunk": 3}
    model = build_model("ripplenet", ModelContext(data, 8, options, 7, {}))
    with torch.no_grad():
        model.node_emb.weight.normal_(std=0.5)  # far from the near-uniform initial attention
        model.node_emb.weight[-1] = 0
    users = torch.arange(7)
    with torch.no_grad():
        fast = model.full_sort_predict(users)
        plain = plain_scores(model, users, range(data.n_items))
    assert fast.shape == (7, data.n_items)
    assert plain.std() > 0.1  # the comparison is not between constants
    torch.testing.assert_close(fast, plain, rtol=1e-5, atol=1e-5)


def test_loss_and_gradients_equal_the_plain_formula(data):
    model = build_model("ripplenet", ModelContext(data, 8, {**load_model_params("ripplenet").options,
                                                             "memory_size": 6}, 7, {}))
    generator = torch.Generator().manual_seed(3)
    users = torch.randint(data.n_users, (40,), generator=generator)
    batch = Batch(users, torch.randint(data.n_items, (40,), generator=generator),
                  torch.randint(data.n_items, (40,), generator=generator))
    fast = model.calculate_loss(batch)
    fast_grads = torch.autograd.grad(fast, list(model.parameters()))
    rh, tails, mask = memories = plain_memories(model, users)
    pos, neg = model._pair_scores(batch, memories)
    kge = (torch.sigmoid((rh * tails).sum(-1)) * mask).sum() / mask.sum()
    plain = -F.logsigmoid(pos - neg).mean() - model.kge_weight * kge
    plain_grads = torch.autograd.grad(plain, list(model.parameters()))
    torch.testing.assert_close(fast, plain)
    for a, b in zip(fast_grads, plain_grads):
        assert b.abs().max() > 0
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
