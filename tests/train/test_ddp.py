"""Data-parallel training on CPU with 2 real processes (gloo): one DDP step, each rank on half of
a global batch, must give the gradients and parameters of one process on the whole batch; and
``mmkg train --ddp 2`` must run ``torchrun -m train.ddp``, which trains, evaluates on rank 0 and
saves a loadable checkpoint, and store rank 0's metrics; a request it cannot run fails first."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from train.data import load_export
from train.ddp import ddp_step, wrap
from train.models import ModelContext, build_model, model_class
from train.models.base import Batch
from train.serving import load_checkpoint
from train.synthetic import write_synthetic_export

MODELS = ("bpr_mf", "lightgcn", "mgnn")
WORLD = 2
GLOBAL_BATCH = 64
LR = 0.05
# float32 all-reduce sums the two halves in another order than one process's mean does: a few ulps.
ATOL, RTOL = 1e-6, 1e-4
WORKER_TIMEOUT_S = 300
OPTIONS = {"mgnn": {"ripple_size": 4, "cnn_channels": 4}}


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ddp-export")
    write_synthetic_export(out, n_users=40, n_items=30, clicks_per_user=8, n_entities=10, side=8, frames=2, seed=5)
    (out / "manifest.json").write_text(json.dumps({"build_id": "ddp"}))
    return out


def _model(name: str, data):
    options = {**model_class(name).OPTIONS, **OPTIONS.get(name, {})}
    torch.manual_seed(11)
    return build_model(name, ModelContext(data, 16, options, seed=7))


def _global_batch(data) -> Batch:
    generator = torch.Generator().manual_seed(3)
    users, items = (torch.from_numpy(a) for a in data.splits["train"])
    pick = torch.randperm(len(users), generator=generator)[:GLOBAL_BATCH]
    return Batch(users[pick], items[pick], torch.randint(data.n_items, (GLOBAL_BATCH,), generator=generator))


def _step_state(model) -> dict[str, torch.Tensor]:
    return {f"grad.{n}": p.grad.clone() for n, p in model.named_parameters() if p.grad is not None} | {
        f"param.{n}": p.detach().clone() for n, p in model.named_parameters()}


def _worker(rank: int, init_file: str, data, out_dir: str) -> None:
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=WORLD)
    try:
        batch = _global_batch(data)
        half = GLOBAL_BATCH // WORLD
        mine = Batch(*(t[rank * half : (rank + 1) * half] for t in (batch.users, batch.pos, batch.neg)))
        for name in MODELS:
            torch.manual_seed(100 + rank)  # different RNG per rank: DDP must broadcast rank 0's start
            model = _model(name, data) if rank == 0 else _perturbed(_model(name, data))
            ddp = wrap(model, torch.device("cpu"))
            ddp_step(ddp, torch.optim.SGD(model.parameters(), lr=LR), mine, torch.device("cpu"))
            torch.save(_step_state(model), Path(out_dir) / f"{name}.rank{rank}.pt")
    finally:
        dist.destroy_process_group()


def _perturbed(model):
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p))
    return model


def test_two_gloo_processes_match_one_process_on_the_same_global_batch(export_dir, tmp_path):
    data = load_export(export_dir)
    # Spawned, not forked: a child forked from a process whose torch thread pools have run can
    # hang in its first parallel op (a forked run hung for the whole timeout on a loaded machine);
    # spawning costs the workers their imports (about 17 s instead of 4 s), never a hang.
    workers = mp.start_processes(_worker, args=(str(tmp_path / "init"), data, str(tmp_path)), nprocs=WORLD,
                                 join=False, start_method="spawn")
    deadline = time.monotonic() + WORKER_TIMEOUT_S
    while not workers.join(timeout=5):
        if time.monotonic() > deadline:
            for process in workers.processes:
                process.kill()
            pytest.fail(f"the {WORLD} DDP workers did not finish in {WORKER_TIMEOUT_S} s")
    batch = _global_batch(data)
    for name in MODELS:
        model = _model(name, data)
        optimizer = torch.optim.SGD(model.parameters(), lr=LR)
        optimizer.zero_grad()
        model.calculate_loss(batch).backward()
        optimizer.step()
        reference = _step_state(model)
        ranks = [torch.load(tmp_path / f"{name}.rank{r}.pt") for r in range(WORLD)]
        assert set(ranks[0]) == set(reference), name
        moved = 0
        for key, expected in reference.items():
            for got in ranks:
                torch.testing.assert_close(got[key], expected, atol=ATOL, rtol=RTOL, msg=lambda m: f"{name} {key}: {m}")
            moved += key.startswith("grad.") and bool(expected.abs().sum() > 0)
        assert moved >= 1, f"{name}: no parameter got a gradient to compare"


def test_mmkg_train_ddp_runs_two_torchrun_processes_and_stores_rank0s_result(export_dir, tmp_path, monkeypatch, capsys):
    from mmkg.cli import main
    from warehouse.store import Warehouse

    home = tmp_path / "home"
    monkeypatch.setenv("MMKG_HOME", str(home))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    code = main(["train", "--build-id", "b1", "--export-dir", str(export_dir), "--ddp", str(WORLD), "--models", "bpr_mf",
                 "--epochs", "3", "--hidden", "16", "--batch-size", "64", "--lr", "0.01", "--device", "cpu", "--threads", "1"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)["bpr_mf"]  # only rank 0 reports
    assert result["world_size"] == WORLD and result["backend"] == "gloo" and 1 <= result["best_epoch"] <= 3
    assert 0.0 <= result["test"]["ndcg@10"] <= 1.0
    with Warehouse(home / "warehouse.duckdb", home / "blobs").connect() as con:
        stored = dict(((s, m), v) for s, m, v in con.execute(
            "select split, metric, value from metrics where build_id = 'b1' and model = 'bpr_mf'").fetchall())
    assert stored[("test", "ndcg@10")] == pytest.approx(result["test"]["ndcg@10"]) and len(stored) == 4
    name, model = load_checkpoint(home / "checkpoints" / "b1" / "bpr_mf.pt", load_export(export_dir))
    assert name == "bpr_mf" and model.user_emb.weight.shape == (40, 16)


@pytest.mark.parametrize("flags, expected", [
    (["--ddp", "2", "--models", "bpr_mf", "most_pop"], "most_pop cannot be trained data-parallel"),
    (["--ddp", "2"], "cannot be trained data-parallel"),  # the build's default models include most_pop
    (["--ddp", "0", "--models", "bpr_mf"], "at least 1 process"),
    (["--ddp", "4", "--models", "bpr_mf", "--batch-size", "2"], "smaller than the number of processes"),
])
def test_mmkg_train_ddp_rejects_a_bad_request_in_one_line_before_any_work(flags, expected, export_dir, tmp_path,
                                                                           monkeypatch, capsys):
    from mmkg.cli import main

    home = tmp_path / "home"
    monkeypatch.setenv("MMKG_HOME", str(home))
    assert main(["train", "--export-dir", str(export_dir), *flags]) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and len(err.splitlines()) == 1
    assert not (home / "warehouse.duckdb").exists() and not (home / "checkpoints").exists()


def test_mmkg_train_ddp_without_an_export_says_so(tmp_path, monkeypatch, capsys):
    from mmkg.cli import main

    monkeypatch.setenv("MMKG_HOME", str(tmp_path / "home"))
    assert main(["train", "--export-dir", str(tmp_path / "missing"), "--ddp", "2", "--models", "bpr_mf"]) == 2
    assert "no export at" in capsys.readouterr().err
