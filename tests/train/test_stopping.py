"""The stopping rule (train/stopping.py): a fit never stops before min_epochs, and replaying a
recorded val curve predicts where a fit under another rule ends and what it selects."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from tests.train.conftest import TINY
from train import TrainConfig, prepare_data
from train.compare import control_key, control_runs, select_controls
from train.fit import fit_model
from train.hyperparams import resolve_model_params
from train.stopping import replay, should_stop

def _fit(export_dir: Path, **settings):
    config = TrainConfig(models=("bpr_mf",), **{**TINY, **settings})
    data = prepare_data(config, export_dir)
    return fit_model("bpr_mf", data, config, resolve_model_params("bpr_mf", config), torch.device("cpu"))


def test_should_stop_needs_both_the_minimum_and_the_patience():
    assert not should_stop(epoch=4, evaluations_since_best=9, patience=3, min_epochs=5)
    assert not should_stop(epoch=9, evaluations_since_best=2, patience=3, min_epochs=5)
    assert should_stop(epoch=5, evaluations_since_best=3, patience=3, min_epochs=5)


def test_a_flat_fit_cannot_stop_before_the_minimum(export_dir):
    # lr 0: val ndcg never improves after the first evaluation, so patience alone stops at epoch 2.
    flat = dict(epochs=20, patience=1, lr=0.0, weight_decay=0.0)
    assert _fit(export_dir, min_epochs=0, **flat).epochs_run == 2
    held = _fit(export_dir, min_epochs=7, **flat)
    assert held.epochs_run == 7 and held.best_epoch == 1 and [e for e, _ in held.val_curve] == list(range(1, 8))


def test_replay_of_a_full_curve_predicts_the_fit_under_a_rule(export_dir):
    # A high lr makes val wander, so the rules below stop at different epochs.
    noisy = dict(epochs=14, lr=0.3, weight_decay=0.0, seed=1)
    full = _fit(export_dir, patience=14, **noisy)
    assert full.epochs_run == 14 and len(full.val_curve) == 14
    outcomes = set()
    for patience, min_epochs in ((1, 0), (2, 0), (1, 6), (3, 10)):
        best_epoch, best_val, epochs_run = replay(full.val_curve, patience, min_epochs)
        fit = _fit(export_dir, patience=patience, min_epochs=min_epochs, **noisy)
        assert (fit.best_epoch, fit.epochs_run) == (best_epoch, epochs_run)
        assert fit.metrics["val"]["ndcg@10"] == pytest.approx(best_val)
        assert epochs_run >= min_epochs
        outcomes.add(epochs_run)
    assert len(outcomes) > 1  # the rules really differ on this curve


def test_controls_are_chosen_by_key(export_dir):
    data = prepare_data(TrainConfig(**TINY), export_dir)
    runs = control_runs(data, ["text", "poster"])
    assert control_key("mgnn [KG removed]") == "kg-removed"
    assert [r.row for r in select_controls(runs, ("kg-removed", "no-text"))] == ["mgnn [KG removed]", "mgnn [-text]"]
    with pytest.raises(ValueError, match="unknown control"):
        select_controls(runs, ("kg-gone",))
