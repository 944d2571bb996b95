"""The one train/val/test split of an export, shared by MGNN training and the MMRec files.

Computed once at export time and stored as a column, so every model (ours, RecBole's,
MMRec's) is evaluated on exactly the same held-out interactions.
"""

from __future__ import annotations

import numpy as np

TRAIN, VALID, TEST = 0, 1, 2
MIN_INTERACTIONS_FOR_EVAL = 5


def assign_splits(user_idx: np.ndarray, seed: int, test_ratio: float = 0.2, val_ratio: float = 0.2) -> np.ndarray:
    """Per user: ``test_ratio`` of the interactions to test, the rest split (1-val_ratio):val_ratio.

    Users with fewer than ``MIN_INTERACTIONS_FOR_EVAL`` interactions keep everything in
    train; all others get at least one test and one validation interaction. Rows are
    shuffled within each user by a seeded RNG, so the split depends only on the seed
    and on the row order (the export writes rows sorted by user and item).
    """
    user_idx = np.asarray(user_idx, dtype=np.int64)
    n = user_idx.shape[0]
    splits = np.full(n, TRAIN, dtype=np.int8)
    if n == 0:
        return splits
    keys = np.random.default_rng(seed).random(n)
    order = np.lexsort((keys, user_idx))
    sorted_users = user_idx[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_users)) + 1]
    counts = np.diff(np.r_[starts, n])
    rank = np.arange(n) - np.repeat(starts, counts)
    per_row_count = np.repeat(counts, counts)

    evaluable = per_row_count >= MIN_INTERACTIONS_FOR_EVAL
    n_test = np.maximum(1, np.round(per_row_count * test_ratio)).astype(np.int64)
    n_val = np.maximum(1, np.round((per_row_count - n_test) * val_ratio)).astype(np.int64)
    sorted_splits = np.where(rank < n_test, TEST, np.where(rank < n_test + n_val, VALID, TRAIN))
    sorted_splits = np.where(evaluable, sorted_splits, TRAIN).astype(np.int8)
    splits[order] = sorted_splits
    return splits
