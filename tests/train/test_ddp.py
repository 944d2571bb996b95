"""Data-parallel training on CPU with 2 real processes (gloo): one DDP step, each rank on half of
a global batch, must give the gradients and parameters of one process on the whole batch; and
``torchrun -m train.ddp`` must train, evaluate on rank 0 and save a loadable checkpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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
OPTIONS = {"mgnn": {"ripple_size": 4, "cnn_channels": 4}}


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ddp-export")
    write_synthetic_export(out, n_users=40, n_items=30, clicks_per_user=8, n_entities=10, side=8, frames=2, seed=5)
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


def _worker(rank: int, init_file: str, export_dir: str, out_dir: str) -> None:
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=WORLD)
    try:
        data = load_export(Path(export_dir))
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
    mp.spawn(_worker, args=(str(tmp_path / "init"), str(export_dir), str(tmp_path)), nprocs=WORLD, join=True)
    data = load_export(export_dir)
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


def test_torchrun_trains_two_processes_and_rank0_saves_the_checkpoint(export_dir, tmp_path):
    checkpoint = tmp_path / "bpr_mf.pt"
    command = [sys.executable, "-m", "torch.distributed.run", "--nnodes", "1", "--nproc-per-node", str(WORLD),
               "--rdzv-backend", "c10d", "--rdzv-endpoint", "127.0.0.1:0", "-m", "train.ddp",
               "--export-dir", str(export_dir), "--model", "bpr_mf", "--epochs", "3", "--hidden", "16",
               "--batch-size", "64", "--lr", "0.01", "--device", "cpu", "--checkpoint", str(checkpoint)]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=200, env=env)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(results) == 1, done.stdout  # only rank 0 reports
    result = results[0]
    assert result["world_size"] == WORLD and result["backend"] == "gloo" and 1 <= result["best_epoch"] <= 3
    assert 0.0 <= result["test"]["ndcg@10"] <= 1.0
    name, model = load_checkpoint(checkpoint, load_export(export_dir))
    assert name == "bpr_mf" and model.user_emb.weight.shape == (40, 16)
