"""recommend(user, k): the paper's retrieval -> sort -> top-K pipeline, kept small.

Retrieval scores every item with the cheap id (text) part of its vector, sorting
re-scores the top ``k * candidate_factor`` with the full multi-modal vectors, and the
final list drops items the user has already seen. With a dot-product scorer the rough
and fine sorts are the same operation, so they are one step here.
"""

from __future__ import annotations

import torch
from torch import nn


@torch.no_grad()
def recommend(model: nn.Module, user: int, k: int, seen: torch.Tensor, candidate_factor: int = 10) -> list[int]:
    """Top-``k`` unseen item indices for ``user``; ``seen`` is a bool [N] mask of their items."""
    model.eval()
    user_vectors, item_vectors = model.ranking_vectors()
    user_vector = user_vectors[user].float()
    seen = seen.to(user_vector.device)
    retrieval = (model.retrieval_item_vectors().float() @ user_vector).masked_fill(seen, float("-inf"))
    n_candidates = min(k * candidate_factor, int((~seen).sum()))
    candidates = retrieval.topk(n_candidates).indices
    fine = item_vectors[candidates].float() @ user_vector
    order = fine.topk(min(k, n_candidates)).indices
    return candidates[order].tolist()
