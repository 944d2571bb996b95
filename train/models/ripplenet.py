"""RippleNet (Wang et al., 2018): a user's preference propagates over the KG from their clicked
items; at hop h the candidate item attends over the (head, relation, tail) memories of the hop,
softmax(v^T R h), and the attended tails o_h sum to the user vector. Relations are d x d matrices.

Trained with the same BPR sampler as the other models (the original uses logistic loss on
sampled negatives) plus the original's KG term, ``kge_weight * -mean(sigmoid(h^T R t))``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from train.models.base import Batch, ModelContext, PairwiseModel


class RippleNet(PairwiseModel):
    OPTIONS = {"hops": 2, "memory_size": 32, "kge_weight": 0.01, "item_update": "plus", "init_std": 0.1,
               "score_chunk": 32}

    @classmethod
    def validate_options(cls, options):
        if options["hops"] < 1 or options["memory_size"] < 1:
            return "hops and memory_size must be >= 1"
        if options["item_update"] not in ("plus", "replace"):
            return f"item_update must be plus or replace, got {options['item_update']!r}"
        return None

    def __init__(self, ctx: ModelContext) -> None:
        super().__init__()
        d, h, o = ctx.data, ctx.hidden, ctx.options
        ripple = ctx.ripple(int(o["hops"]), int(o["memory_size"]))
        self.n_items, self.item_update, self.score_chunk = d.n_items, o["item_update"], int(o["score_chunk"])
        self.kge_weight = float(o["kge_weight"])
        self.node_emb = nn.Embedding(d.n_nodes + 1, h, padding_idx=d.n_nodes)
        self.relation = nn.Parameter(torch.randn(2 * d.n_relations + 1, h, h) * o["init_std"] / h ** 0.5
                                     + torch.eye(h) / h ** 0.5)
        nn.init.normal_(self.node_emb.weight, std=o["init_std"])
        # Hop h's memories: the nodes that hop h reached, with the head and relation of the edge.
        self.register_buffer("mem_heads", ripple.heads[:, 1:], persistent=False)
        self.register_buffer("mem_relations", ripple.relations[:, 1:], persistent=False)
        self.register_buffer("mem_tails", ripple.nodes[:, 1:], persistent=False)
        self.register_buffer("mem_mask", ripple.mask[:, 1:], persistent=False)

    def _memories(self, users: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(R h [B, H, S, d], t [B, H, S, d], mask [B, H, S]) of users."""
        heads = self.node_emb(self.mem_heads[users])
        relations = self.mem_relations[users].flatten()
        # Grouped by relation, one matmul per relation: no [B, H, S, d, d] gather of the matrices.
        order = torch.argsort(relations, stable=True)
        counts = torch.bincount(relations, minlength=len(self.relation)).tolist()
        flat = heads.reshape(-1, heads.shape[-1])[order]
        groups = [part @ self.relation[r].T.to(part.dtype)
                  for r, part in enumerate(flat.split(counts)) if len(part)]
        rh = torch.empty_like(flat, dtype=groups[0].dtype if groups else flat.dtype)
        rh[order] = torch.cat(groups) if groups else flat
        return rh.view(heads.shape), self.node_emb(self.mem_tails[users]), self.mem_mask[users]

    def _propagate(self, v: torch.Tensor, rh: torch.Tensor, tails: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """v [B, M, d] candidate items (M per user); returns RippleNet's score [B, M]."""
        user = torch.zeros_like(v)
        for hop in range(rh.shape[1]):
            logits = torch.einsum("bmd,bsd->bms", v, rh[:, hop])
            logits = logits.masked_fill(~mask[:, hop].unsqueeze(1), float("-inf"))
            weights = torch.nan_to_num(torch.softmax(logits, -1))  # a hop with no memory contributes 0
            o = torch.einsum("bms,bsd->bmd", weights, tails[:, hop])
            user = user + o
            v = v + o if self.item_update == "plus" else o
        return (user * v).sum(-1)

    def _pair_scores(self, batch: Batch, memories) -> tuple[torch.Tensor, torch.Tensor]:
        v = self.node_emb(torch.stack([batch.pos, batch.neg], 1))
        scores = self._propagate(v, *memories)
        return scores[:, 0], scores[:, 1]

    def pair_scores(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        return self._pair_scores(batch, self._memories(batch.users))

    def calculate_loss(self, batch: Batch) -> torch.Tensor:
        """BPR plus the KG term, both from one computation of the batch's memories."""
        memories = self._memories(batch.users)
        pos, neg = self._pair_scores(batch, memories)
        rh, tails, mask = memories
        fit = torch.sigmoid((rh * tails).sum(-1))
        kge = (fit * mask).sum() / mask.sum().clamp(min=1)
        return -F.logsigmoid(pos.float() - neg.float()).mean() - self.kge_weight * kge

    def full_sort_predict(self, users: torch.Tensor) -> torch.Tensor:
        items = self.node_emb.weight[: self.n_items]
        out = []
        for start in range(0, len(users), self.score_chunk):
            chunk = users[start : start + self.score_chunk]
            rh, tails, mask = self._memories(chunk)
            out.append(self._propagate(items.unsqueeze(0).expand(len(chunk), -1, -1), rh, tails, mask))
        return torch.cat(out)
