"""Fit one model with validation-based model selection, then evaluate the selected state.

Test metrics come from the state with the best val ndcg@k, never from the last epoch: the
last epoch may be past the point of overfitting, and choosing by test would leak it.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from train.config import TrainConfig
from train.data import ExportData
from train.hyperparams import ModelHyperParams
from train.loop import evaluate_per_user, seed_everything, train_epoch
from train.models import ModelContext, RecModel, build_model
from train.ripple import RippleSets
from train.stopping import should_stop


@dataclass(frozen=True)
class FitResult:
    metrics: dict[str, dict[str, float]]  # val | test -> metric -> value, both of the selected state
    epochs_run: int  # epochs trained before the budget ran out or patience stopped training
    best_epoch: int  # epoch of the selected state (0: the untrained state, e.g. MostPop)
    seconds: float
    val_curve: list[tuple[int, float]] = field(default_factory=list)  # (epoch, val ndcg@k) of each evaluation
    test_per_user: dict[str, np.ndarray] = field(default_factory=dict)  # users | recall@k | ndcg@k, per test user
    model: RecModel | None = None  # the selected state, for serving and the pipeline evaluation


class BestState:
    """Keeps a copy of the parameters with the best validation score seen so far."""

    def __init__(self, model: nn.Module) -> None:
        self.score = float("-inf")
        self.epoch = 0
        self.evaluations_since_best = 0
        self._state = self._copy(model)

    @staticmethod
    def _copy(model: nn.Module) -> dict[str, torch.Tensor]:
        return {key: value.detach().clone() for key, value in model.state_dict().items()}

    def update(self, model: nn.Module, epoch: int, score: float) -> None:
        """Record one evaluation; only a strictly better score replaces the kept state.

        A NaN score (no val interactions) cannot select anything, so the latest state is kept.
        """
        if math.isnan(score):
            self.epoch, self._state = epoch, self._copy(model)
        elif score > self.score:
            self.score, self.epoch, self.evaluations_since_best = score, epoch, 0
            self._state = self._copy(model)
        else:
            self.evaluations_since_best += 1

    def restore(self, model: nn.Module) -> None:
        model.load_state_dict(self._state)


@contextlib.contextmanager
def deterministic_on_cpu(device: torch.device) -> Iterator[None]:
    """Same seed, same metrics on CPU: MGNN's CNN backward passes otherwise vary run to run with
    the thread schedule (measured: no slower here; the first call in a process imports ~800 torch
    modules, a one-off few seconds). CUDA is left alone, where the deterministic
    kernels need extra cuBLAS setup and AMP rounding differs anyway."""
    if device.type != "cpu":
        yield
        return
    previous = torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(previous)


def fit_model(
    name: str,
    data: ExportData,
    config: TrainConfig,
    params: ModelHyperParams,
    device: torch.device,
    ripples: dict[tuple[int, int], RippleSets] | None = None,
) -> FitResult:
    """Train up to ``config.epochs``, evaluating val every ``config.eval_every`` epochs and stopping
    after ``config.patience`` evaluations without improvement, never before ``config.min_epochs``
    (train/stopping.py); report the best-val state.
    ``ripples`` caches ripple sets between models fitted on the same data and seed."""
    with deterministic_on_cpu(device):
        return _fit(name, data, config, params, device, {} if ripples is None else ripples)


def _means(values: tuple[torch.Tensor, torch.Tensor, torch.Tensor], k: int) -> dict[str, float]:
    users, recalls, ndcgs = values
    if len(users) == 0:
        return {f"recall@{k}": math.nan, f"ndcg@{k}": math.nan}
    return {f"recall@{k}": recalls.mean().item(), f"ndcg@{k}": ndcgs.mean().item()}


def _fit(
    name: str,
    data: ExportData,
    config: TrainConfig,
    params: ModelHyperParams,
    device: torch.device,
    ripples: dict[tuple[int, int], RippleSets],
) -> FitResult:
    started = time.perf_counter()
    generator = seed_everything(config.seed)
    ctx = ModelContext(data, config.hidden, params.options, config.seed, ripples)
    model = build_model(name, ctx).to(device)
    parameters = list(model.parameters())
    best = BestState(model)
    epochs_run = 0
    curve: list[tuple[int, float]] = []
    k = config.top_k
    if model.trainable and parameters:
        optimizer = torch.optim.Adam(parameters, lr=params.lr, weight_decay=params.weight_decay)
        for epoch in range(1, config.epochs + 1):
            train_epoch(model, optimizer, data, config.batch_size, generator, device)
            epochs_run = epoch
            if epoch % config.eval_every and epoch != config.epochs:
                continue
            curve.append((epoch, _means(evaluate_per_user(model, data, "val", k), k)[f"ndcg@{k}"]))
            best.update(model, epoch, curve[-1][1])
            if should_stop(epoch, best.evaluations_since_best, config.patience, config.min_epochs):
                break
        best.restore(model)
    val = _means(evaluate_per_user(model, data, "val", k), k)
    test_values = evaluate_per_user(model, data, "test", k)
    users, recalls, ndcgs = test_values
    return FitResult(metrics={"val": val, "test": _means(test_values, k)}, epochs_run=epochs_run,
                     best_epoch=best.epoch, seconds=time.perf_counter() - started, val_curve=curve,
                     test_per_user={"users": users.numpy(), f"recall@{k}": recalls.numpy(), f"ndcg@{k}": ndcgs.numpy()},
                     model=model)
