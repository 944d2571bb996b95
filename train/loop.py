"""BPR training and full-ranking evaluation, shared by every model."""

from __future__ import annotations

import contextlib
import random

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from train.data import ExportData
from train.metrics import evaluate_ranking


def seed_everything(seed: int) -> torch.Generator:
    """Seed every RNG training touches; the returned generator drives shuffling and negatives."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def _autocast(device: torch.device):
    """Mixed precision only on CUDA; CPU runs stay in float32."""
    if device.type == "cuda":
        return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def sample_negatives(
    users: torch.Tensor, n_items: int, positive_keys: torch.Tensor, generator: torch.Generator
) -> torch.Tensor:
    """One item per user, uniform over the items that are NOT the user's training positives
    (BPR would otherwise be asked to rank a positive below itself).

    Exact and without rejection loops: draw a rank r among the user's free items, then
    r + (number of positives p_i with p_i - i <= r) is the r-th free item, found by one
    binary search over the sorted ``user * n_items + item`` keys. A user with every item
    positive gets the last item (nothing better exists).
    """
    start = torch.searchsorted(positive_keys, users * n_items)
    n_free = n_items - (torch.searchsorted(positive_keys, (users + 1) * n_items) - start)
    draws = torch.rand(len(users), generator=generator, dtype=torch.float64)
    rank = (draws * n_free.clamp(min=1)).long()
    key_users = positive_keys // n_items
    position_in_user = torch.arange(len(positive_keys)) - torch.searchsorted(positive_keys, key_users * n_items)
    shifted = positive_keys - position_in_user  # non-decreasing: user * n_items + (p_i - i)
    skipped = torch.searchsorted(shifted, users * n_items + rank, right=True) - start
    return (rank + skipped).clamp(max=n_items - 1)


def train_epoch(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    data: ExportData,
    batch_size: int,
    generator: torch.Generator,
    device: torch.device,
    max_batches: int | None = None,
) -> float:
    """One pass over the training interactions, one sampled negative (not a training positive) per positive."""
    model.train()
    users = torch.from_numpy(data.splits["train"][0])
    items = torch.from_numpy(data.splits["train"][1])
    order = torch.randperm(len(users), generator=generator)
    negatives = sample_negatives(users, data.n_items, data.train_pair_keys, generator)
    total, steps = 0.0, 0
    for start in range(0, len(order), batch_size):
        if max_batches is not None and steps >= max_batches:
            break
        batch = order[start : start + batch_size]
        with _autocast(device):
            pos, neg = model.bpr_scores(users[batch].to(device), items[batch].to(device), negatives[batch].to(device))
            loss = -F.logsigmoid(pos.float() - neg.float()).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total += loss.item()
        steps += 1
    return total / max(steps, 1)


def evaluate(model: nn.Module, data: ExportData, split: str, k: int) -> dict[str, float]:
    """Rank all items per user; exclude train items (and val items when testing)."""
    model.eval()
    user_vectors, item_vectors = model.ranking_vectors()
    user_vectors, item_vectors = user_vectors.float(), item_vectors.float()
    exclude = data.seen("train")
    if split == "test":
        exclude |= data.seen("val")
    return evaluate_ranking(
        lambda users: user_vectors[users.to(user_vectors.device)] @ item_vectors.T,
        data.seen(split),
        exclude,
        k,
    )
