"""train: fit MGNN (and baselines) on an export directory and store their metrics.

``MODEL_NAMES`` / ``available_models()`` is the registry of model names a TrainConfig may list.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

from train.config import TrainConfig
from train.data import ExportData, load_export
from train.fit import FitResult, fit_model
from train.hyperparams import ModelConfigError, ModelHyperParams, resolve_model_params
from train.loop import resolve_device
from train.models import MODEL_NAMES, available_models
from train.protocol import time_split
from train.serving import save_checkpoint
from train.threads import torch_threads
from warehouse.store import Warehouse, record_errors, upsert

STAGE = "train"


@dataclass(frozen=True)
class TrainSummary:
    metrics: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)  # model -> split -> metric -> value
    epochs: int = 0  # the per-model epoch budget (TrainConfig.epochs)
    device: str = "cpu"
    seconds: float = 0.0
    n_users: int = 0
    n_items: int = 0
    errors: int = 0
    epochs_run: dict[str, int] = field(default_factory=dict)  # model -> epochs trained before stopping
    best_epoch: dict[str, int] = field(default_factory=dict)  # model -> epoch whose state was evaluated
    model_seconds: dict[str, float] = field(default_factory=dict)  # model -> seconds to fit and evaluate
    threads: int = 1  # torch intra-op threads used on CPU
    split: str = "export"  # the split the metrics were measured on


def prepare_data(config: TrainConfig, export_dir: Path) -> ExportData:
    """The export under the configured split."""
    data = load_export(Path(export_dir), config.min_rating)
    return time_split(data) if config.split == "time" else data


def train_models(config: TrainConfig, export_dir: Path, warehouse: Warehouse, build_id: str) -> TrainSummary:
    """Train each configured model on the export, select its state by val ndcg@k, evaluate val and
    test of that state, upsert `metrics` rows. A broken model config file raises ModelConfigError
    before any training starts: it is a setup mistake, not bad input to skip."""
    started = time.perf_counter()
    params: dict[str, ModelHyperParams] = {
        name: resolve_model_params(name, config) for name in config.models if name in MODEL_NAMES}
    device = resolve_device(config.device)
    data = prepare_data(config, export_dir)
    fits: dict[str, FitResult] = {}
    failures: list[tuple[str, str]] = [(str(export_dir), note) for note in data.notes]
    unknown = [(f"model:{name}", f"unknown model {name!r}; known: {', '.join(MODEL_NAMES)}")
               for name in config.models if name not in MODEL_NAMES]
    failures += unknown
    empty = len(data.splits["train"][0]) == 0
    if empty:
        failures.append((str(export_dir), "export has no training interactions"))
    ripples: dict = {}
    with torch_threads(config.threads) as threads:
        for name in params if not empty else ():
            fits[name] = fit_model(name, data, config, params[name], device, ripples)
            if config.checkpoint_dir is not None:
                save_checkpoint(Path(config.checkpoint_dir) / f"{name}.pt", name, fits[name].model, config.hidden,
                                params[name].options, config.seed, config.split)
    rows = []
    for name, fit in fits.items():
        for split, values in fit.metrics.items():
            for metric, value in values.items():
                if math.isfinite(value):
                    rows.append({"build_id": build_id, "model": name, "split": split, "metric": metric, "value": value})
                else:
                    failures.append((f"{name}/{split}/{metric}", f"no {split} users with held-out items: metric undefined"))
    with warehouse.transaction() as con:
        upsert(con, "metrics", rows)
        record_errors(con, build_id, STAGE, failures)
    return TrainSummary(
        metrics={name: fit.metrics for name, fit in fits.items()},
        epochs=config.epochs,
        device=str(device),
        seconds=time.perf_counter() - started,
        n_users=data.n_users,
        n_items=data.n_items,
        errors=len(failures),
        epochs_run={name: fit.epochs_run for name, fit in fits.items()},
        best_epoch={name: fit.best_epoch for name, fit in fits.items()},
        model_seconds={name: fit.seconds for name, fit in fits.items()},
        threads=threads,
        split=config.split,
    )


__all__ = ["MODEL_NAMES", "ModelConfigError", "TrainConfig", "TrainSummary", "available_models", "train_models"]
