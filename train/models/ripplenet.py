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
               "score_chunk": 4}

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
        """(R h [B, H, S, d], t [B, H, S, d], mask [B, H, S]) of users.

        R h is computed once per distinct (relation, head) pair of the users: a batch of 256
        users names ~16,000 memories but ~900 distinct pairs on ml-latest-small, and the
        relation matmuls were the largest cost of a training step (docs/BENCHMARKS.md, train)."""
        heads, relations = self.mem_heads[users], self.mem_relations[users]
        n_keys = self.node_emb.num_embeddings
        # Sorted keys group the pairs by relation: one matmul per relation, no [.., d, d] gather.
        pairs, inverse = torch.unique(relations.flatten() * n_keys + heads.flatten(), return_inverse=True)
        flat = self.node_emb(pairs % n_keys)
        counts = torch.bincount(pairs // n_keys, minlength=len(self.relation)).tolist()
        groups = [part @ self.relation[r].T.to(part.dtype) for r, part in enumerate(flat.split(counts)) if len(part)]
        rh = torch.cat(groups)[inverse].view(*heads.shape, -1)
        return rh, self.node_emb(self.mem_tails[users]), self.mem_mask[users]

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
        return torch.cat([self._score_all_items(items, *self._memories(chunk))
                          for chunk in users.split(self.score_chunk)])

    def _score_all_items(self, items: torch.Tensor, rh: torch.Tensor, tails: torch.Tensor,
                         mask: torch.Tensor) -> torch.Tensor:
        """``_propagate``'s scores [B, N] of every item, with no [B, N, d] tensor.

        Every vector of the propagation is ``a * v + sum_j W_j T_j`` (v the item, W_j [N, S] the
        attention weights of hop j, T_j [S, d] its tails), so each dot product it needs is a
        combination of item-memory products and per-user S x S products of the memories.
        The item-memory products come from one GEMM over the chunk's distinct memory vectors
        (users share most of them), and every [S, N] tensor is laid out with N contiguous.
        Same scores as ``_propagate`` over all items (tests/train/test_ripplenet.py)."""
        b, hops, size, d = rh.shape
        memories = torch.cat([rh, tails.to(rh.dtype)], 1).reshape(-1, d)  # [B * 2H * S, d]
        distinct, inverse = torch.unique(memories, dim=0, return_inverse=True)
        products = (distinct @ items.T.to(distinct.dtype))[inverse].view(b, 2 * hops, size, len(items))
        item_keys, item_tails = products[:, :hops], products[:, hops:]  # [B, H, S, N]
        key_tails = torch.einsum("bhtd,bjsd->bhjts", rh, tails.to(rh.dtype))  # (R h)_h . T_j
        tail_tails = torch.einsum("bjsd,bhtd->bjhst", tails, tails)
        own, coefficients, weights = True, {}, []  # v = own * item + sum_j coefficients[j] T_j
        for hop in range(hops):
            logits = item_keys[:, hop] if own else 0
            for j, w in coefficients.items():
                logits = logits + key_tails[:, hop, j].to(w.dtype) @ w
            logits = logits.masked_fill(~mask[:, hop].unsqueeze(-1), float("-inf"))
            weights.append(torch.nan_to_num(torch.softmax(logits, -2)))  # a hop with no memory contributes 0
            if self.item_update == "plus":
                coefficients[hop] = weights[-1]
            else:
                own, coefficients = False, {hop: weights[-1]}
        score = torch.zeros(b, len(items), dtype=weights[0].dtype, device=items.device)
        for h, w in enumerate(weights):  # <sum_h o_h, v_H>
            if own:
                score = score + (w * item_tails[:, h]).sum(-2)
            for j, u in coefficients.items():
                score = score + ((tail_tails[:, j, h].to(w.dtype) @ w) * u).sum(-2)
        return score
