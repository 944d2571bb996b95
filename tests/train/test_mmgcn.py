"""MMGCN's training step runs its last layer on the batch's nodes only; its scores, loss and
gradients must be those of the whole-graph pass (``ranking_vectors``, which the ranking uses)."""

from __future__ import annotations

import pytest
import torch

from train.data import load_export
from train.hyperparams import load_model_params
from train.models import ModelContext, build_model
from train.models.base import Batch, DotProductModel


@pytest.mark.parametrize("n_layers", [0, 1, 2, 3])
def test_batch_rows_pass_equals_the_whole_graph(export_dir, n_layers):
    data = load_export(export_dir)
    options = {**load_model_params("mmgcn").options, "n_layers": n_layers}
    model = build_model("mmgcn", ModelContext(data, 8, options, 7, {}))
    generator = torch.Generator().manual_seed(3)
    users = torch.randint(data.n_users, (30,), generator=generator)
    batch = Batch(users, torch.randint(data.n_items, (30,), generator=generator),
                  torch.randint(data.n_items, (30,), generator=generator))
    fast = model.pair_scores(batch)
    whole = DotProductModel.pair_scores(model, batch)  # every node through every layer
    for a, b in zip(fast, whole):
        assert b.std() > 0
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
    fast_grads = torch.autograd.grad(model.calculate_loss(batch), list(model.parameters()), allow_unused=True)
    pos, neg = whole
    whole_loss = -torch.nn.functional.logsigmoid(pos - neg).mean()
    whole_grads = torch.autograd.grad(whole_loss, list(model.parameters()), allow_unused=True)
    for a, b in zip(fast_grads, whole_grads):
        if b is None:
            assert a is None or not a.any()
            continue
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)
