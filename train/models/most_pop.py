"""MostPop: rank items by their training popularity; the floor every model must clear."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


class MostPop(nn.Module):
    """No parameters: every user gets the items with the most training interactions."""

    def __init__(self, n_users: int, n_items: int, train_items: np.ndarray) -> None:
        super().__init__()
        counts = np.bincount(train_items, minlength=n_items).astype(np.float32)
        self.register_buffer("popularity", torch.from_numpy(counts)[:, None])
        self.register_buffer("users", torch.ones(n_users, 1))

    @torch.no_grad()
    def ranking_vectors(self) -> tuple[torch.Tensor, torch.Tensor]:
        """All-ones users, so the shared dot-product evaluation ranks every user by popularity."""
        return self.users, self.popularity
