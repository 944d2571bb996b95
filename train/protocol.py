"""Splits other than the export's: the global time split, because random splits flatter.

The export stores one seeded per-user random split (the paper's protocol: 20 % of each user's
interactions to test, the rest 8:2 train/validation). ``time_split`` instead cuts the whole
interaction log at two instants: the latest ``test_ratio`` of all interactions are test, the
latest ``val_ratio`` of the rest validation, so no model sees the future of what it predicts.
"""

from __future__ import annotations

import numpy as np

from train.data import ExportData

SPLIT_NAMES = ("train", "val", "test")


def time_split(data: ExportData, test_ratio: float = 0.2, val_ratio: float = 0.2) -> ExportData:
    """The same interactions re-split by one global time order (ties broken by user, item)."""
    users = np.concatenate([data.splits[s][0] for s in SPLIT_NAMES])
    items = np.concatenate([data.splits[s][1] for s in SPLIT_NAMES])
    stamps = np.concatenate([data.timestamps.get(s, np.zeros(len(data.splits[s][0]))) for s in SPLIT_NAMES])
    order = np.lexsort((items, users, stamps))
    n = len(order)
    n_test = int(round(n * test_ratio))
    n_val = int(round((n - n_test) * val_ratio))
    cut_val, cut_test = n - n_test - n_val, n - n_test
    parts = {"train": order[:cut_val], "val": order[cut_val:cut_test], "test": order[cut_test:]}
    return data.with_changes(
        splits={name: (users[idx], items[idx]) for name, idx in parts.items()},
        timestamps={name: stamps[idx] for name, idx in parts.items()},
    )
