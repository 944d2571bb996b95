"""BPR-MF (Rendle et al., 2009): the collaborative-filtering baseline, ids only."""

from __future__ import annotations

import torch
from torch import nn


class BPRMF(nn.Module):
    def __init__(self, n_users: int, n_items: int, hidden: int) -> None:
        super().__init__()
        self.user_emb = nn.Embedding(n_users, hidden)
        self.item_emb = nn.Embedding(n_items, hidden)
        nn.init.normal_(self.user_emb.weight, std=0.1)
        nn.init.normal_(self.item_emb.weight, std=0.1)

    def bpr_scores(self, users: torch.Tensor, pos: torch.Tensor, neg: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        user = self.user_emb(users)
        return (user * self.item_emb(pos)).sum(1), (user * self.item_emb(neg)).sum(1)

    @torch.no_grad()
    def ranking_vectors(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.user_emb.weight, self.item_emb.weight

    @torch.no_grad()
    def retrieval_item_vectors(self) -> torch.Tensor:
        return self.item_emb.weight
