"""recall@k and ndcg@k over the full item ranking, the paper's protocol."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch


def top_k_items(scores: torch.Tensor, exclude: torch.Tensor, k: int) -> torch.Tensor:
    """Indices [U, k] of the best items per user, never one of ``exclude`` (bool [U, N])."""
    masked = scores.float().masked_fill(exclude, float("-inf"))
    return masked.topk(min(k, scores.shape[1]), dim=1).indices


def recall_at_k(top: torch.Tensor, relevant: torch.Tensor) -> torch.Tensor:
    """Per user: relevant items found in ``top`` / number of relevant items."""
    hits = relevant.gather(1, top).float().sum(1)
    return hits / relevant.sum(1).clamp(min=1)


def ndcg_at_k(top: torch.Tensor, relevant: torch.Tensor) -> torch.Tensor:
    """Per user: DCG of ``top`` / DCG of an ideal list with min(|relevant|, k) hits (binary gains)."""
    k = top.shape[1]
    discounts = 1.0 / torch.log2(torch.arange(k, dtype=torch.float32) + 2.0)
    dcg = (relevant.gather(1, top).float() * discounts).sum(1)
    n_ideal = relevant.sum(1).clamp(max=k)
    ideal = torch.cumsum(discounts, 0)
    idcg = torch.where(n_ideal > 0, ideal[(n_ideal - 1).clamp(min=0)], torch.ones_like(dcg))
    return dcg / idcg


def rank_users(
    score_users: Callable[[torch.Tensor], torch.Tensor],
    relevant: torch.Tensor,
    exclude: torch.Tensor,
    k: int,
    chunk: int = 1024,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(users with at least one relevant item, their recall@k, their ndcg@k): the per-user values
    a paired significance test between two models needs."""
    users = torch.nonzero(relevant.any(1)).flatten()
    recalls, ndcgs = [torch.zeros(0)], [torch.zeros(0)]
    for start in range(0, len(users), chunk):
        batch = users[start : start + chunk]
        top = top_k_items(score_users(batch).cpu(), exclude[batch], k)
        recalls.append(recall_at_k(top, relevant[batch]))
        ndcgs.append(ndcg_at_k(top, relevant[batch]))
    return users, torch.cat(recalls), torch.cat(ndcgs)


def evaluate_ranking(
    score_users: Callable[[torch.Tensor], torch.Tensor],
    relevant: torch.Tensor,
    exclude: torch.Tensor,
    k: int,
    chunk: int = 1024,
) -> dict[str, float]:
    """Mean recall@k / ndcg@k over users with at least one relevant item; NaN when there are none."""
    users, recalls, ndcgs = rank_users(score_users, relevant, exclude, k, chunk)
    if len(users) == 0:
        return {f"recall@{k}": math.nan, f"ndcg@{k}": math.nan}
    return {f"recall@{k}": recalls.mean().item(), f"ndcg@{k}": ndcgs.mean().item()}
