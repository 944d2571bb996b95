"""BPR training and full-ranking evaluation, shared by every model."""

from __future__ import annotations

import contextlib
import itertools
import math
import random

import numpy as np
import torch

from train.data import ExportData
from train.metrics import rank_users
from train.models.base import Batch, RecModel


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


def autocast(device: torch.device):
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
    model: RecModel,
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
    # Whole epoch on the device at once (a few MB even for ml-latest-small): no per-step host copies.
    users, items, negatives, order = (t.to(device, non_blocking=True) for t in (users, items, negatives, order))
    total, steps = torch.zeros((), device=device), 0
    for start in range(0, len(order), batch_size):
        if max_batches is not None and steps >= max_batches:
            break
        batch = order[start : start + batch_size]
        with autocast(device):
            loss = model.calculate_loss(Batch(users[batch], items[batch], negatives[batch]))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total += loss.detach()
        steps += 1
    return total.item() / max(steps, 1)


def exclusions(data: ExportData, split: str) -> torch.Tensor:
    """Items never ranked for a split: the training ones, and the validation ones when testing."""
    exclude = data.seen("train")
    if split == "test":
        exclude |= data.seen("val")
    return exclude


def model_device(model: RecModel) -> torch.device:
    for tensor in itertools.chain(model.parameters(), model.buffers()):
        return tensor.device
    return torch.device("cpu")


@torch.no_grad()
def evaluate_per_user(model: RecModel, data: ExportData, split: str, k: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(users, recall@k, ndcg@k) of one split over the full ranking, training positives excluded."""
    model.eval()
    device = model_device(model)
    with autocast(device):
        score = model.scorer()
        return rank_users(lambda users: score(users.to(device)).float(), data.seen(split), exclusions(data, split), k)


def evaluate(model: RecModel, data: ExportData, split: str, k: int) -> dict[str, float]:
    """Mean recall@k and ndcg@k of one split (NaN when the split has no users)."""
    users, recalls, ndcgs = evaluate_per_user(model, data, split, k)
    if len(users) == 0:
        return {f"recall@{k}": math.nan, f"ndcg@{k}": math.nan}
    return {f"recall@{k}": recalls.mean().item(), f"ndcg@{k}": ndcgs.mean().item()}
