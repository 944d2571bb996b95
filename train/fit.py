"""Fit one model with validation-based model selection, then evaluate the selected state.

Test metrics come from the state with the best val ndcg@k, never from the last epoch: the
last epoch may be past the point of overfitting, and choosing by test would leak it.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass

import torch
from torch import nn

from train.config import TrainConfig
from train.data import ExportData
from train.hyperparams import ModelHyperParams
from train.loop import evaluate, seed_everything, train_epoch
from train.models import build_model
from train.ripple import RippleSets


@dataclass(frozen=True)
class FitResult:
    metrics: dict[str, dict[str, float]]  # val | test -> metric -> value, both of the selected state
    epochs_run: int  # epochs trained before the budget ran out or patience stopped training
    best_epoch: int  # epoch of the selected state (0: the untrained state, e.g. MostPop)
    seconds: float


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
    the thread schedule (measured: no slower here). CUDA is left alone, where the deterministic
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
    ripple: RippleSets,
    config: TrainConfig,
    params: ModelHyperParams,
    device: torch.device,
) -> FitResult:
    """Train up to ``config.epochs``, evaluating val every ``config.eval_every`` epochs and stopping
    after ``config.patience`` evaluations without improvement; report the best-val state."""
    with deterministic_on_cpu(device):
        return _fit(name, data, ripple, config, params, device)


def _fit(
    name: str,
    data: ExportData,
    ripple: RippleSets,
    config: TrainConfig,
    params: ModelHyperParams,
    device: torch.device,
) -> FitResult:
    started = time.perf_counter()
    generator = seed_everything(config.seed)
    model = build_model(name, data, ripple, config.hidden).to(device)
    parameters = list(model.parameters())
    best = BestState(model)
    epochs_run = 0
    if parameters:  # most_pop has nothing to learn
        optimizer = torch.optim.Adam(parameters, lr=params.lr, weight_decay=params.weight_decay)
        metric = f"ndcg@{config.top_k}"
        for epoch in range(1, config.epochs + 1):
            train_epoch(model, optimizer, data, config.batch_size, generator, device)
            epochs_run = epoch
            if epoch % config.eval_every and epoch != config.epochs:
                continue
            best.update(model, epoch, evaluate(model, data, "val", config.top_k)[metric])
            if best.evaluations_since_best >= config.patience:
                break
        best.restore(model)
    metrics = {split: evaluate(model, data, split, config.top_k) for split in ("val", "test")}
    return FitResult(metrics=metrics, epochs_run=epochs_run, best_epoch=best.epoch,
                     seconds=time.perf_counter() - started)
