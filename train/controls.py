"""Controls of the comparison: the same export with one source of signal destroyed.

If MGNN does as well with the KG's tails permuted (or removed), or with a modality's
features shuffled across items, that part of the MMKG is not what its score comes from.
Each control returns a new ExportData; the split and everything else stay the same.
"""

from __future__ import annotations

import numpy as np
import torch

from train.data import ExportData


def shuffle_kg(data: ExportData, seed: int) -> ExportData:
    """Tails permuted within each relation: the degree of every head and of every tail, and the
    relation mix, stay as they were; which movie links to which entity is random."""
    rng = np.random.default_rng(seed)
    tails = data.kg_tail.copy()
    for relation in np.unique(data.kg_relation):
        chosen = np.flatnonzero(data.kg_relation == relation)
        tails[chosen] = tails[rng.permutation(chosen)]
    return data.with_changes(kg_tail=tails)


def remove_kg(data: ExportData) -> ExportData:
    """No KG edges at all: the ripple is the clicked items only."""
    empty = np.zeros(0, dtype=np.int64)
    return data.with_changes(kg_head=empty, kg_tail=empty, kg_relation=empty)


def shuffle_modality(data: ExportData, modality: str, seed: int) -> ExportData:
    """One modality's features (and presence mask) permuted across items: same distribution,
    no link to the item."""
    permutation = torch.from_numpy(np.random.default_rng(seed).permutation(data.n_items))
    media = {**data.media, modality: data.media[modality][permutation]}
    masks = {**data.masks, modality: data.masks[modality][permutation]}
    return data.with_changes(media=media, masks=masks)
