"""VBPR's feature_scale: it multiplies the fixed features, 0 leaves BPR-MF's id score alone, and a
negative value is refused before training."""

from __future__ import annotations

import pytest
import torch

from train.data import load_export
from train.hyperparams import ModelConfigError, load_model_params, with_options
from train.models import ModelContext, build_model


@pytest.fixture(scope="module")
def data(export_dir):
    return load_export(export_dir)


def _vbpr(data, scale: float):
    options = {**load_model_params("vbpr").options, "feature_scale": scale}
    torch.manual_seed(0)
    return build_model("vbpr", ModelContext(data, 16, options))


def test_feature_scale_multiplies_the_features(data):
    one, third = _vbpr(data, 1.0), _vbpr(data, 0.3)
    assert one.features.abs().sum() > 0  # the synthetic export has features to scale
    torch.testing.assert_close(third.features, 0.3 * one.features)


def test_feature_scale_zero_leaves_the_id_score(data):
    model = _vbpr(data, 0.0)
    users, items = model.ranking_vectors()
    half = model.item_emb.weight.shape[1]
    torch.testing.assert_close(users @ items.T, model.user_emb.weight[:, :half] @ model.item_emb.weight.T)


def test_negative_feature_scale_is_refused():
    with pytest.raises(ModelConfigError, match="feature_scale"):
        with_options("vbpr", load_model_params("vbpr"), feature_scale=-1.0)
