"""MostPop: rank items by their training popularity; the floor every model must clear."""

from __future__ import annotations

import numpy as np
import torch

from train.models.base import FixedModel, ModelContext


class MostPop(FixedModel):
    """No parameters: every user gets the items with the most training interactions."""

    def __init__(self, ctx: ModelContext) -> None:
        super().__init__()
        counts = np.bincount(ctx.data.splits["train"][1], minlength=ctx.data.n_items).astype(np.float32)
        self.register_buffer("popularity", torch.from_numpy(counts))

    def full_sort_predict(self, users: torch.Tensor) -> torch.Tensor:
        return self.popularity.expand(len(users), -1)
