"""BPR-MF (Rendle et al., 2009): the collaborative-filtering baseline, ids only."""

from __future__ import annotations

import torch
from torch import nn

from train.models.base import Batch, DotProductModel, ModelContext, batch_l2


class BPRMF(DotProductModel):
    OPTIONS = {"init_std": 0.1, "reg_weight": 0.0}

    @classmethod
    def validate_options(cls, options):
        return "reg_weight must be >= 0" if options["reg_weight"] < 0 else None

    def __init__(self, ctx: ModelContext) -> None:
        super().__init__()
        self.user_emb = nn.Embedding(ctx.data.n_users, ctx.hidden)
        self.item_emb = nn.Embedding(ctx.data.n_items, ctx.hidden)
        nn.init.normal_(self.user_emb.weight, std=ctx.options["init_std"])
        nn.init.normal_(self.item_emb.weight, std=ctx.options["init_std"])
        self.reg_weight = float(ctx.options["reg_weight"])

    def calculate_loss(self, batch: Batch) -> torch.Tensor:
        loss = super().calculate_loss(batch)
        if self.reg_weight:
            loss = loss + self.reg_weight * batch_l2(self.user_emb(batch.users), self.item_emb(batch.pos),
                                                     self.item_emb(batch.neg))
        return loss

    def ranking_vectors(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.user_emb.weight, self.item_emb.weight
