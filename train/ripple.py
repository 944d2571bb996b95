"""K-hop ripple sets: the nodes around each user's clicked items, as fixed-size tensors.

Hop 0 is the user's training items, hop k the KG neighbours (both directions) of hop
k-1's nodes, so item -> entity -> other items spreads like the paper's "ripple".
Each hop keeps at most ``size`` nodes (seeded sample); shorter hops are padded and masked.
Every node also records the edge that reached it (its head in hop k-1 and the relation,
reverse edges as ``relation + n_relations``), so relation types reach the models
(MGNN's relation embeddings, RippleNet's (h, r, t) memories).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass
class RippleSets:
    nodes: torch.Tensor  # long [U, hops+1, size], padding index = n_nodes
    mask: torch.Tensor  # bool [U, hops+1, size]
    relations: torch.Tensor | None = None  # long [U, hops+1, size]; hop 0 and padding = 2 * n_relations ("self")
    heads: torch.Tensor | None = None  # long [U, hops+1, size]: the hop k-1 node the edge came from


def _csr(n_nodes: int, head: np.ndarray, tail: np.ndarray, relation: np.ndarray, n_relations: int):
    src = np.concatenate([head, tail])
    dst = np.concatenate([tail, head])
    rel = np.concatenate([relation, relation + n_relations])
    order = np.argsort(src, kind="stable")
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.add.at(indptr, src + 1, 1)
    return np.cumsum(indptr), dst[order], rel[order], src[order]


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
    kg_relation: np.ndarray | None = None,
    n_relations: int = 1,
) -> RippleSets:
    """Ripple sets of every user from their (users, items) training interactions."""
    rng = np.random.default_rng(seed)
    relation = np.zeros(len(kg_head), dtype=np.int64) if kg_relation is None else kg_relation.astype(np.int64)
    indptr, neighbours, edge_rel, edge_src = _csr(n_nodes, kg_head, kg_tail, relation, n_relations)
    self_relation = 2 * n_relations
    nodes = np.full((n_users, hops + 1, size), n_nodes, dtype=np.int64)
    rels = np.full((n_users, hops + 1, size), self_relation, dtype=np.int64)
    heads = np.full((n_users, hops + 1, size), n_nodes, dtype=np.int64)
    mask = np.zeros((n_users, hops + 1, size), dtype=bool)
    order = np.argsort(users, kind="stable")
    bounds = np.searchsorted(users[order], np.arange(n_users + 1))
    for user in range(n_users):
        frontier = np.unique(items[order[bounds[user] : bounds[user + 1]]])
        frontier_rel, frontier_head = np.full(len(frontier), self_relation), frontier
        for hop in range(hops + 1):
            if hop > 0:
                spans = [np.arange(indptr[n], indptr[n + 1]) for n in frontier]
                edges = np.concatenate(spans) if spans else np.zeros(0, dtype=np.int64)
                frontier, first = np.unique(neighbours[edges], return_index=True)
                frontier_rel, frontier_head = edge_rel[edges][first], edge_src[edges][first]
            chosen = np.arange(len(frontier)) if len(frontier) <= size else np.sort(
                rng.choice(len(frontier), size=size, replace=False))
            n = len(chosen)
            nodes[user, hop, :n], rels[user, hop, :n] = frontier[chosen], frontier_rel[chosen]
            heads[user, hop, :n], mask[user, hop, :n] = frontier_head[chosen], True
            frontier = frontier[chosen]
    return RippleSets(nodes=torch.from_numpy(nodes), mask=torch.from_numpy(mask),
                      relations=torch.from_numpy(rels), heads=torch.from_numpy(heads))
