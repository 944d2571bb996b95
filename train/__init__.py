"""train: fit MGNN (and baselines) on an export directory and store their metrics."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch

from train.config import TrainConfig
from train.data import ExportData, load_export
from train.loop import evaluate, resolve_device, seed_everything, train_epoch
from train.models import MODEL_NAMES, build_model
from train.ripple import RippleSets, build_ripple_sets
from warehouse.store import Warehouse, record_errors, upsert

STAGE = "train"


@dataclass(frozen=True)
class TrainSummary:
    metrics: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)  # model -> split -> metric -> value
    epochs: int = 0
    device: str = "cpu"
    seconds: float = 0.0
    n_users: int = 0
    n_items: int = 0
    errors: int = 0


def _fit_and_evaluate(
    name: str, data: ExportData, ripple: RippleSets, config: TrainConfig, device: torch.device
) -> dict[str, dict[str, float]]:
    generator = seed_everything(config.seed)
    model = build_model(name, data, ripple, config.hidden).to(device)
    parameters = list(model.parameters())
    if parameters:  # most_pop has nothing to learn
        optimizer = torch.optim.Adam(parameters, lr=config.lr)
        for _ in range(config.epochs):
            train_epoch(model, optimizer, data, config.batch_size, generator, device)
    return {split: evaluate(model, data, split, config.top_k) for split in ("val", "test")}


def train_models(config: TrainConfig, export_dir: Path, warehouse: Warehouse, build_id: str) -> TrainSummary:
    """Train each configured model on the export, evaluate val and test, upsert `metrics` rows."""
    started = time.perf_counter()
    device = resolve_device(config.device)
    data = load_export(Path(export_dir), config.min_rating)
    results: dict[str, dict[str, dict[str, float]]] = {}
    failures: list[tuple[str, str]] = []
    if len(data.splits["train"][0]) == 0:
        failures.append((str(export_dir), "export has no training interactions"))
    ripple = build_ripple_sets(*data.splits["train"], data.n_users, data.n_nodes, data.kg_head, data.kg_tail,
                               config.hops, config.ripple_size, config.seed)
    for name in config.models if not failures else ():
        if name not in MODEL_NAMES:
            failures.append((f"model:{name}", f"unknown model {name!r}; known: {', '.join(MODEL_NAMES)}"))
            continue
        results[name] = _fit_and_evaluate(name, data, ripple, config, device)
    rows = []
    for name, splits in results.items():
        for split, values in splits.items():
            for metric, value in values.items():
                if math.isfinite(value):
                    rows.append({"build_id": build_id, "model": name, "split": split, "metric": metric, "value": value})
                else:
                    failures.append((f"{name}/{split}/{metric}", f"no {split} users with held-out items: metric undefined"))
    with warehouse.transaction() as con:
        upsert(con, "metrics", rows)
        record_errors(con, build_id, STAGE, failures)
    return TrainSummary(
        metrics=results,
        epochs=config.epochs,
        device=str(device),
        seconds=time.perf_counter() - started,
        n_users=data.n_users,
        n_items=data.n_items,
        errors=len(failures),
    )


__all__ = ["TrainConfig", "TrainSummary", "train_models"]
