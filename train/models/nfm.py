"""NFM (He & Chua, 2017): a factorization machine whose pairwise interactions go through an MLP.

Features of a (user, item) pair: the user id, the item id and the item's KG attributes
(its directors, actors, genres, ... as the export's kg.parquet lists them, up to
``max_attributes``). Bi-interaction pooling 0.5 * ((sum v)^2 - sum v^2) -> MLP -> score,
plus the FM's linear terms. The full ranking needs no [U, N, F] tensor: with S_i and Q_i the
sum and the sum of squares of item i's feature vectors, the pooled vector is u * S_i + 0.5 * (S_i^2 - Q_i).
"""

from __future__ import annotations

import torch
from torch import nn

from train.models.base import ModelContext, PairwiseModel, Batch


class NFM(PairwiseModel):
    OPTIONS = {"max_attributes": 32, "mlp_layers": 1, "dropout": 0.2, "relations": [], "init_std": 0.1,
               "score_chunk": 64}

    def __init__(self, ctx: ModelContext) -> None:
        super().__init__()
        d, h, o = ctx.data, ctx.hidden, ctx.options
        self.n_items, self.score_chunk = d.n_items, int(o["score_chunk"])
        attributes = d.item_attributes(int(o["max_attributes"]), tuple(o["relations"]))
        self.register_buffer("attributes", attributes, persistent=False)
        self.user_emb = nn.Embedding(d.n_users, h)
        self.node_emb = nn.Embedding(d.n_nodes + 1, h, padding_idx=d.n_nodes)  # items and entities
        self.user_bias = nn.Embedding(d.n_users, 1)
        self.node_bias = nn.Embedding(d.n_nodes + 1, 1, padding_idx=d.n_nodes)
        for emb in (self.user_emb, self.node_emb):
            nn.init.normal_(emb.weight, std=o["init_std"])
        for emb in (self.user_bias, self.node_bias):
            nn.init.zeros_(emb.weight)
        layers: list[nn.Module] = [nn.Dropout(o["dropout"])]
        for _ in range(int(o["mlp_layers"])):
            layers += [nn.Linear(h, h), nn.ReLU(), nn.Dropout(o["dropout"])]
        layers.append(nn.Linear(h, 1, bias=True))
        self.mlp = nn.Sequential(*layers)

    def _item_terms(self, items: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(S_i, Q_i, linear term) of items: their id and attribute vectors summed, squared-summed."""
        feats = torch.cat([items.unsqueeze(1), self.attributes[items]], 1)
        v = self.node_emb(feats)
        return v.sum(1), (v * v).sum(1), self.node_bias(feats).sum((1, 2))

    def _score(self, user: torch.Tensor, user_bias: torch.Tensor, s: torch.Tensor, q: torch.Tensor,
               linear: torch.Tensor) -> torch.Tensor:
        pooled = user * s + 0.5 * (s * s - q)  # bi-interaction of {user} + item features
        return self.mlp(pooled).squeeze(-1) + user_bias + linear

    def pair_scores(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        user, bias = self.user_emb(batch.users), self.user_bias(batch.users).squeeze(1)
        return tuple(self._score(user, bias, *self._item_terms(items)) for items in (batch.pos, batch.neg))

    def full_sort_predict(self, users: torch.Tensor) -> torch.Tensor:
        s, q, linear = self._item_terms(torch.arange(self.n_items, device=users.device))
        out = []
        for start in range(0, len(users), self.score_chunk):
            chunk = users[start : start + self.score_chunk]
            user = self.user_emb(chunk).unsqueeze(1)
            bias = self.user_bias(chunk)
            out.append(self._score(user, bias, s.unsqueeze(0), q.unsqueeze(0), linear.unsqueeze(0)))
        return torch.cat(out)
