"""The serving cascade of the paper's Fig. 3: retrieval -> rough sort -> fine sort -> rearrangement.

Retrieval keeps the ``retrieve`` best unseen items by the model's cheapest scores, the rough
sort the ``rough`` best of those by its middle-cost scores, the fine sort orders them by the
full scores, and the rearrangement picks the final ``k`` greedily, trading fine score against
repeating an attribute (by default the director) already in the list (maximal marginal
relevance). ``mmkg recommend`` takes this path; ``evaluate_pipeline`` measures it (recall,
ndcg and how often two listed movies share a director) with the rearrangement on or off.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from train.data import ExportData
from train.loop import exclusions, model_device
from train.metrics import ndcg_at_k, recall_at_k
from train.models.base import RecModel


@dataclass(frozen=True)
class PipelineConfig:
    k: int = 10  # items recommended
    retrieve: int = 100  # candidates retrieval keeps
    rough: int = 40  # candidates the rough sort keeps for the fine sort
    rearrange: bool = True  # False: the fine sort's top k as they are
    diversity_relations: tuple[str, ...] = ("directed_by",)  # attributes the rearrangement spreads
    diversity_weight: float = 0.3  # penalty (in min-max-scaled fine score) per attribute already listed

    def __post_init__(self) -> None:
        if not 1 <= self.k <= self.rough <= self.retrieve:
            raise ValueError(f"need 1 <= k <= rough <= retrieve; got k={self.k}, rough={self.rough}, "
                             f"retrieve={self.retrieve}")
        if self.diversity_weight < 0:
            raise ValueError(f"diversity_weight must be >= 0, got {self.diversity_weight}")


def attribute_matrix(data: ExportData, relations: tuple[str, ...], max_attributes: int = 16) -> torch.Tensor:
    """Float [N, n_nodes + 1] multi-hot of each item's attributes of ``relations`` (last column: padding)."""
    attributes = data.item_attributes(max_attributes, relations)
    matrix = torch.zeros(data.n_items, data.n_nodes + 1)
    matrix.scatter_(1, attributes, 1.0)
    matrix[:, data.n_nodes] = 0.0
    return matrix


def _top(scores: torch.Tensor, candidates: torch.Tensor, n: int) -> torch.Tensor:
    """The ``n`` best of ``candidates`` [B, C] by ``scores`` [B, N]."""
    picked = scores.gather(1, candidates).topk(min(n, candidates.shape[1]), dim=1).indices
    return candidates.gather(1, picked)


def rearrange(candidates: torch.Tensor, fine: torch.Tensor, attributes: torch.Tensor, k: int,
              weight: float) -> torch.Tensor:
    """Greedy MMR over candidates [B, C] in fine order: each step takes the candidate with the best
    scaled fine score minus ``weight`` x (attributes it shares with the items already taken)."""
    scores = fine.gather(1, candidates)
    low, high = scores.min(1, keepdim=True).values, scores.max(1, keepdim=True).values
    scaled = (scores - low) / (high - low).clamp(min=1e-12)
    feats = attributes[candidates]  # [B, C, A]
    taken_attrs = torch.zeros(len(candidates), attributes.shape[1])
    available = torch.ones_like(scaled, dtype=torch.bool)
    chosen = []
    for _ in range(min(k, candidates.shape[1])):
        overlap = torch.einsum("bca,ba->bc", feats, taken_attrs)
        value = (scaled - weight * overlap).masked_fill(~available, float("-inf"))
        pick = value.argmax(1)
        chosen.append(candidates.gather(1, pick[:, None]))
        available.scatter_(1, pick[:, None], False)
        taken_attrs += feats[torch.arange(len(pick)), pick]
    return torch.cat(chosen, 1)


@torch.no_grad()
def cascade(model: RecModel, users: torch.Tensor, exclude: torch.Tensor, config: PipelineConfig,
            attributes: torch.Tensor) -> torch.Tensor:
    """Recommended items [B, k] of ``users`` through the four stages; ``exclude`` bool [B, N]."""
    model.eval()
    device = model_device(model)
    users = users.to(device)
    stage = {name: model.stage_scores(users, name).float().cpu().masked_fill(exclude, float("-inf"))
             for name in ("retrieval", "rough", "fine")}
    n_free = int((~exclude).sum(1).min())
    retrieved = stage["retrieval"].topk(min(config.retrieve, n_free), dim=1).indices
    rough = _top(stage["rough"], retrieved, config.rough)
    fine = _top(stage["fine"], rough, rough.shape[1])
    if not config.rearrange:
        return fine[:, : config.k]
    return rearrange(fine, stage["fine"], attributes, config.k, config.diversity_weight)


def shared_attribute_rate(top: torch.Tensor, attributes: torch.Tensor) -> torch.Tensor:
    """Per user: the fraction of pairs of listed items that share an attribute (0 = all distinct)."""
    feats = attributes[top]  # [B, k, A]
    shared = (torch.einsum("bia,bja->bij", feats, feats) > 0).float()
    k = top.shape[1]
    off_diagonal = shared.sum((1, 2)) - shared.diagonal(dim1=1, dim2=2).sum(1)
    return off_diagonal / max(k * (k - 1), 1)


def evaluate_pipeline(model: RecModel, data: ExportData, split: str, config: PipelineConfig,
                      chunk: int = 512) -> dict[str, float]:
    """recall@k, ndcg@k and the shared-attribute rate of the cascade's lists on ``split``."""
    relevant = data.seen(split)
    exclude = exclusions(data, split)
    attributes = attribute_matrix(data, config.diversity_relations)
    users = torch.nonzero(relevant.any(1)).flatten()
    recalls, ndcgs, shared = [], [], []
    for start in range(0, len(users), chunk):
        batch = users[start : start + chunk]
        top = cascade(model, batch, exclude[batch], config, attributes)
        recalls.append(recall_at_k(top, relevant[batch]))
        ndcgs.append(ndcg_at_k(top, relevant[batch]))
        shared.append(shared_attribute_rate(top, attributes))
    k = config.k
    if not recalls:
        return {f"recall@{k}": float("nan"), f"ndcg@{k}": float("nan"), "shared_attribute_rate": float("nan")}
    return {f"recall@{k}": torch.cat(recalls).mean().item(), f"ndcg@{k}": torch.cat(ndcgs).mean().item(),
            "shared_attribute_rate": torch.cat(shared).mean().item()}
