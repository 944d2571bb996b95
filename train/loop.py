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
    users: torch.Tensor, n_items: int, positive_keys: torch.Tensor, generator: torch.Generator, rounds: int = 10
) -> torch.Tensor:
    """One uniform item per user, redrawn (up to ``rounds`` times) while it is one of the user's
    training positives, which BPR would otherwise be asked to rank below itself.

    ``positive_keys`` are the sorted ``user * n_items + item`` keys; a user who clicked almost
    every item may keep a positive after the last round, which only costs a wasted triple.
    """
    negatives = torch.randint(n_items, (len(users),), generator=generator)
    if len(positive_keys) == 0:
        return negatives
    pending = torch.arange(len(users))
    for _ in range(rounds):
        keys = users[pending] * n_items + negatives[pending]
        found = positive_keys[torch.searchsorted(positive_keys, keys).clamp(max=len(positive_keys) - 1)] == keys
        pending = pending[found]
        if len(pending) == 0:
            break
        negatives[pending] = torch.randint(n_items, (len(pending),), generator=generator)
    return negatives


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
