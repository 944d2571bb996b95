"""The models train_models can fit, by name: the one registry the CLI, the flow and the
comparison validate model names against (``MODEL_NAMES`` / ``available_models()``)."""

from __future__ import annotations

from train.models.base import Batch, ModelContext, RecModel
from train.models.bpr_mf import BPRMF
from train.models.item_knn import ItemKNN
from train.models.lightgcn import LightGCN
from train.models.mgnn import ALL_MODALITIES, MGNN
from train.models.mmgcn import MMGCN
from train.models.most_pop import MostPop
from train.models.nfm import NFM
from train.models.ripplenet import RippleNet
from train.models.tgnn import TGNN
from train.models.vbpr import VBPR

MODELS: dict[str, type[RecModel]] = {
    "mgnn": MGNN,
    "tgnn": TGNN,
    "bpr_mf": BPRMF,
    "most_pop": MostPop,
    "lightgcn": LightGCN,
    "item_knn": ItemKNN,
    "nfm": NFM,
    "ripplenet": RippleNet,
    "mmgcn": MMGCN,
    "vbpr": VBPR,
}
MODEL_NAMES = tuple(MODELS)


def available_models() -> tuple[str, ...]:
    """Names a TrainConfig may list, in registry order."""
    return MODEL_NAMES


def model_class(name: str) -> type[RecModel]:
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; known: {', '.join(MODEL_NAMES)}")
    return MODELS[name]


def build_model(name: str, ctx: ModelContext) -> RecModel:
    """The named model built on ``ctx.data`` with ``ctx.options`` (its resolved TOML options)."""
    return model_class(name)(ctx)


__all__ = ["ALL_MODALITIES", "Batch", "MGNN", "MODEL_NAMES", "MODELS", "ModelContext", "RecModel",
           "available_models", "build_model", "model_class"]
