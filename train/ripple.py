"""K-hop ripple sets: the nodes around each user's clicked items, as fixed-size tensors.

Hop 0 is the user's training items, hop k the KG neighbours (both directions) of hop
k-1's nodes, so item -> entity -> other items spreads like the paper's "ripple".
Each hop keeps at most ``size`` nodes (seeded sample); shorter hops are padded and masked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass
class RippleSets:
    nodes: torch.Tensor  # long [U, hops+1, size], padding index = n_nodes
    mask: torch.Tensor  # bool [U, hops+1, size]


def _csr(n_nodes: int, head: np.ndarray, tail: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    src = np.concatenate([head, tail])
    dst = np.concatenate([tail, head])
    order = np.argsort(src, kind="stable")
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.add.at(indptr, src + 1, 1)
    return np.cumsum(indptr), dst[order]


def _sample(pool: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    return pool if len(pool) <= size else rng.choice(pool, size=size, replace=False)


def build_ripple_sets(
    users: np.ndarray,
    items: np.ndarray,
    n_users: int,
    n_nodes: int,
    kg_head: np.ndarray,
    kg_tail: np.ndarray,
    hops: int,
    size: int,
    seed: int,
) -> RippleSets:
    """Ripple sets of every user from their (users, items) training interactions."""
    rng = np.random.default_rng(seed)
    indptr, neighbours = _csr(n_nodes, kg_head, kg_tail)
    nodes = np.full((n_users, hops + 1, size), n_nodes, dtype=np.int64)
    mask = np.zeros((n_users, hops + 1, size), dtype=bool)
    order = np.argsort(users, kind="stable")
    bounds = np.searchsorted(users[order], np.arange(n_users + 1))
    for user in range(n_users):
        frontier = np.unique(items[order[bounds[user] : bounds[user + 1]]])
        for hop in range(hops + 1):
            if hop > 0:
                reached = [neighbours[indptr[n] : indptr[n + 1]] for n in frontier]
                frontier = np.unique(np.concatenate(reached)) if reached else frontier[:0]
            chosen = _sample(frontier, size, rng)
            nodes[user, hop, : len(chosen)] = chosen
            mask[user, hop, : len(chosen)] = True
            frontier = chosen
    return RippleSets(nodes=torch.from_numpy(nodes), mask=torch.from_numpy(mask))
