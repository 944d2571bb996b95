"""ItemKNN (Sarwar et al., 2001; as RecBole's ItemKNN): a user's score for an item is the sum of
the item's cosine similarities to the user's training items, over its ``k`` nearest neighbours.

A strong, parameter-free collaborative baseline: if a graph model cannot beat it, the graph
is not what makes the difference.
"""

from __future__ import annotations

import torch

from train.models.base import FixedModel, ModelContext


class ItemKNN(FixedModel):
    OPTIONS = {"k": 100, "shrink": 0.0}

    @classmethod
    def validate_options(cls, options):
        return "k must be >= 1" if options["k"] < 1 else None

    def __init__(self, ctx: ModelContext) -> None:
        super().__init__()
        train = ctx.data.seen("train").float()  # [U, N]
        co = train.T @ train
        norms = train.sum(0).sqrt()
        sim = co / (norms[:, None] * norms[None, :] + ctx.options["shrink"] + 1e-12)
        sim.fill_diagonal_(0.0)
        k = min(int(ctx.options["k"]), sim.shape[1])
        top = sim.topk(k, dim=0)  # neighbours of each item (column) among the rows
        pruned = torch.zeros_like(sim).scatter_(0, top.indices, top.values)
        self.register_buffer("similarity", pruned)
        self.register_buffer("train_matrix", train)

    def full_sort_predict(self, users: torch.Tensor) -> torch.Tensor:
        return self.train_matrix[users] @ self.similarity
