"""BPR-MF (Rendle et al., 2009): the collaborative-filtering baseline, ids only."""

from __future__ import annotations

import torch
from torch import nn

from train.models.base import DotProductModel, ModelContext


class BPRMF(DotProductModel):
    OPTIONS = {"init_std": 0.1}

    def __init__(self, ctx: ModelContext) -> None:
        super().__init__()
        self.user_emb = nn.Embedding(ctx.data.n_users, ctx.hidden)
        self.item_emb = nn.Embedding(ctx.data.n_items, ctx.hidden)
        nn.init.normal_(self.user_emb.weight, std=ctx.options["init_std"])
        nn.init.normal_(self.item_emb.weight, std=ctx.options["init_std"])

    def ranking_vectors(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.user_emb.weight, self.item_emb.weight
