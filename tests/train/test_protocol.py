"""The training protocol: validation-based early stopping, best-state selection, per-model TOML
configs and negative sampling, on a small synthetic export on CPU."""

from __future__ import annotations

import pytest
import torch

from tests.train.conftest import TINY
from train import ModelConfigError, TrainConfig, train_models
from train.data import load_export
from train.fit import deterministic_on_cpu
from train.hyperparams import CONFIG_DIR, ModelHyperParams, load_model_params, resolve_model_params
from train.loop import sample_negatives, seed_everything, train_epoch
from train.models import MODEL_NAMES, ModelContext, build_model
from train.synthetic import write_synthetic_export

def test_early_stopping_stops_on_a_plateau(export_dir, warehouse):
    # lr 0 leaves the parameters where they start: val ndcg is flat from the first evaluation on.
    config = TrainConfig(models=("bpr_mf",), epochs=20, patience=2, min_epochs=0, lr=0.0, weight_decay=0.0, **TINY)
    summary = train_models(config, export_dir, warehouse, "plateau")
    assert summary.epochs_run == {"bpr_mf": 3} and summary.best_epoch == {"bpr_mf": 1}
    every_two = train_models(TrainConfig(**{**config.__dict__, "eval_every": 2}), export_dir, warehouse, "plateau2")
    assert every_two.epochs_run == {"bpr_mf": 6} and every_two.best_epoch == {"bpr_mf": 2}


def test_test_metrics_are_those_of_the_best_val_state(export_dir, warehouse):
    # A learning rate this high makes val ndcg peak early and then wander.
    noisy = dict(models=("bpr_mf",), lr=0.3, weight_decay=0.0, seed=1, **TINY)
    selected = train_models(TrainConfig(epochs=12, patience=12, **noisy), export_dir, warehouse, "sel")
    best, ran = selected.best_epoch["bpr_mf"], selected.epochs_run["bpr_mf"]
    assert ran == 12 and 1 <= best < ran
    # Training exactly `best` epochs reproduces the selected state (CPU runs are deterministic) ...
    replay = train_models(TrainConfig(epochs=best, patience=12, **noisy), export_dir, warehouse, "replay")
    assert replay.metrics["bpr_mf"] == selected.metrics["bpr_mf"]
    # ... and differs from the last state, which evaluating only the final epoch selects.
    last = train_models(TrainConfig(epochs=ran, eval_every=ran, **noisy), export_dir, warehouse, "last")
    assert last.best_epoch["bpr_mf"] == ran
    assert last.metrics["bpr_mf"]["test"] != selected.metrics["bpr_mf"]["test"]
    assert selected.metrics["bpr_mf"]["val"]["ndcg@10"] > last.metrics["bpr_mf"]["val"]["ndcg@10"]
    with warehouse.connect() as con:
        stored = dict(con.execute("SELECT metric, value FROM metrics WHERE build_id = 'sel' AND split = 'test'").fetchall())
    assert stored == pytest.approx(selected.metrics["bpr_mf"]["test"])


def test_every_model_has_a_config_file_that_loads():
    for name in MODEL_NAMES:
        params = load_model_params(name)
        assert isinstance(params, ModelHyperParams)
        text = (CONFIG_DIR / f"{name}.toml").read_text()
        assert all(f"{key} =" in text for key in params.options), name  # every option is written down
    assert load_model_params("bpr_mf").weight_decay > 0  # tuned, not the fallback
    assert load_model_params("most_pop") == ModelHyperParams()  # nothing to learn, nothing set
    assert sorted(p.stem for p in CONFIG_DIR.glob("*.toml")) == sorted(MODEL_NAMES)


def test_train_config_values_override_the_files(tmp_path):
    (tmp_path / "bpr_mf.toml").write_text("lr = 0.05  # test value\nweight_decay = 0.001\n")
    from_file = resolve_model_params("bpr_mf", TrainConfig(config_dir=tmp_path))
    assert (from_file.lr, from_file.weight_decay, from_file.options) == (0.05, 0.001, {"init_std": 0.1, "reg_weight": 0.0})
    overridden = resolve_model_params("bpr_mf", TrainConfig(config_dir=tmp_path, lr=0.2))
    assert (overridden.lr, overridden.weight_decay) == (0.2, 0.001)
    (tmp_path / "mgnn.toml").write_text("hops = 1\nfusion = \"sum\"\n")
    mgnn = resolve_model_params("mgnn", TrainConfig(config_dir=tmp_path, ripple_size=4))
    assert (mgnn.options["hops"], mgnn.options["fusion"], mgnn.options["ripple_size"]) == (1, "sum", 4)


@pytest.mark.parametrize(("text", "message"), [
    ("lr = 0.01\nlearning_rate = 0.1\n", "unknown key(s) learning_rate"),
    ('lr = "fast"\n', "lr must be a non-negative number"),
    ("lr = [0.01\n", "not valid TOML"),
    ("init_std = \"wide\"\n", "init_std must be of type float"),
])
def test_a_broken_config_file_is_a_clear_error_before_training(tmp_path, export_dir, warehouse, text, message):
    (tmp_path / "bpr_mf.toml").write_text(text)
    with pytest.raises(ModelConfigError, match=r"bpr_mf\.toml") as raised:
        train_models(TrainConfig(models=("bpr_mf",), config_dir=tmp_path, **TINY), export_dir, warehouse, "bad")
    assert message in str(raised.value)
    with warehouse.connect() as con:
        assert con.execute("SELECT count(*) FROM metrics WHERE build_id = 'bad'").fetchall() == [(0,)]


def test_impossible_option_values_are_rejected_before_training(tmp_path, export_dir, warehouse):
    (tmp_path / "mgnn.toml").write_text('modalities = ["smell"]\n')
    with pytest.raises(ModelConfigError, match="unknown modalities"):
        train_models(TrainConfig(models=("mgnn",), config_dir=tmp_path, **TINY), export_dir, warehouse, "bad2")


def test_threads_are_chosen_and_restored(export_dir, warehouse):
    before = torch.get_num_threads()
    summary = train_models(TrainConfig(models=("most_pop",), epochs=0, threads=1, **TINY), export_dir, warehouse, "t")
    assert summary.threads == 1 and torch.get_num_threads() == before
    from train.threads import default_threads
    assert 1 <= default_threads() <= 4


def test_a_missing_config_file_is_a_clear_error(tmp_path):
    with pytest.raises(ModelConfigError, match="no config file for model 'mgnn'"):
        load_model_params("mgnn", tmp_path)


def test_negatives_are_never_the_users_training_positives():
    n_users, n_items = 50, 20
    generator = torch.Generator().manual_seed(0)
    positives = torch.rand(n_users, n_items, generator=generator) < 0.5
    users, items = torch.nonzero(positives, as_tuple=True)
    keys = torch.unique(users * n_items + items)
    queries = torch.arange(n_users).repeat(400)
    negatives = sample_negatives(queries, n_items, keys, torch.Generator().manual_seed(1))
    assert not positives[queries, negatives].any()
    drawn, counts = torch.unique(queries * n_items + negatives, return_counts=True)
    assert len(drawn) == int((~positives).sum())  # every non-positive is reachable
    free_per_user = (~positives).sum(1)[drawn // n_items]
    expected = 400 / free_per_user
    assert ((counts - expected).abs() < 5 * expected.sqrt()).all()  # uniform among them, up to 5 sd
    again = sample_negatives(queries, n_items, keys, torch.Generator().manual_seed(1))
    assert torch.equal(negatives, again)


def test_packaged_bpr_mf_config_beats_most_pop_on_val(export_dir, warehouse):
    config = TrainConfig(models=("bpr_mf", "most_pop"), epochs=15, **TINY)
    summary = train_models(config, export_dir, warehouse, "pop")
    val = {name: summary.metrics[name]["val"]["ndcg@10"] for name in ("bpr_mf", "most_pop")}
    # 0.03: on this 80 x 50 synthetic export the packaged values (chosen on both real builds,
    # docs/RESULTS.md) give +0.048 val ndcg@10; the demo-tuned weight_decay 3e-4 gave more here.
    assert val["bpr_mf"] > val["most_pop"] + 0.03, val
    assert summary.epochs_run["most_pop"] == 0 and summary.model_seconds.keys() == {"bpr_mf", "most_pop"}


def test_mgnn_training_on_cpu_is_deterministic_with_the_seed(tmp_path):
    # 3D-CNN backward passes vary with the thread schedule unless deterministic kernels are on.
    write_synthetic_export(tmp_path, n_users=80, n_items=50, clicks_per_user=12, side=16, frames=4, seed=5)
    data = load_export(tmp_path)
    options = load_model_params("mgnn").options

    def one_epoch() -> dict[str, torch.Tensor]:
        generator = seed_everything(7)
        model = build_model("mgnn", ModelContext(data, 32, {**options, "ripple_size": 16}))
        optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
        with deterministic_on_cpu(torch.device("cpu")):
            train_epoch(model, optimizer, data, 64, generator, torch.device("cpu"))
        return model.state_dict()

    first, second = one_epoch(), one_epoch()
    assert all(torch.equal(first[key], second[key]) for key in first)
    assert not torch.are_deterministic_algorithms_enabled()  # the global setting is restored
