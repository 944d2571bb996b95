"""The models train_models can fit, by name."""

from __future__ import annotations

from torch import nn

from train.data import ExportData
from train.models.bpr_mf import BPRMF
from train.models.mgnn import ALL_MODALITIES, MGNN
from train.models.most_pop import MostPop
from train.ripple import RippleSets

MODEL_NAMES = ("mgnn", "tgnn", "bpr_mf", "most_pop")


def build_model(name: str, data: ExportData, ripple: RippleSets, hidden: int) -> nn.Module:
    """mgnn: all modalities; tgnn: MGNN with the text modality only; bpr_mf: the CF baseline;
    most_pop: training popularity, no learning."""
    if name == "mgnn":
        return MGNN(data, ripple, hidden, ALL_MODALITIES)
    if name == "tgnn":
        return MGNN(data, ripple, hidden, modalities=())
    if name == "bpr_mf":
        return BPRMF(data.n_users, data.n_items, hidden)
    if name == "most_pop":
        return MostPop(data.n_users, data.n_items, data.splits["train"][1])
    raise ValueError(f"unknown model {name!r}; known: {', '.join(MODEL_NAMES)}")


__all__ = ["BPRMF", "MGNN", "MODEL_NAMES", "MostPop", "build_model"]
