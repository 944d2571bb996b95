"""Data-parallel training under torchrun, for the models whose loss is a mean over independent
(user, positive, negative) triples: every process holds the whole model and the whole export,
trains on its DistributedSampler shard of the training interactions (``batch_size / world`` per
step, so a step still covers one global batch), and DistributedDataParallel averages the gradients.

    torchrun --nproc-per-node 2 -m train.ddp --export-dir D --model bpr_mf [--epochs 10 ...]

gloo on CPU, nccl on CUDA (one device per local rank). The sampler pads the pass so every rank
takes the same number of equal-size steps; the averaged gradient is then the gradient of the
global batch's mean loss (tests/train/test_ddp.py checks it against one process). Only rank 0 evaluates
(val ndcg@k for early stopping, test of the best state), saves the checkpoint and prints the
result; the stop decision is broadcast so every rank leaves the epoch loop together.
Models with dropout (NFM) or extra per-batch terms (RippleNet's KG loss) are left out: their
shards would not add up to the one-process step.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DistributedSampler

from train import prepare_data
from train.config import TrainConfig
from train.data import ExportData
from train.fit import BestState, deterministic_on_cpu
from train.hyperparams import resolve_model_params
from train.loop import autocast, evaluate_per_user, sample_negatives, seed_everything
from train.models import ModelContext, RecModel, build_model
from train.models.base import Batch
from train.serving import save_checkpoint
from train.stopping import should_stop
from train.threads import torch_threads

DDP_MODELS = ("bpr_mf", "lightgcn", "mgnn", "tgnn", "vbpr", "mmgcn")


class _LossModule(nn.Module):
    """Puts ``calculate_loss`` behind ``forward``: DDP's gradient hooks only arm on a forward call."""

    def __init__(self, model: RecModel) -> None:
        super().__init__()
        self.model = model

    def forward(self, users: torch.Tensor, pos: torch.Tensor, neg: torch.Tensor) -> torch.Tensor:
        return self.model.calculate_loss(Batch(users, pos, neg))


def wrap(model: RecModel, device: torch.device) -> DistributedDataParallel:
    """DDP around a model: rank 0's parameters are broadcast at construction, so every rank starts
    equal. Buffers (LightGCN's sparse adjacency, built identically on every rank from the export)
    are not synchronised: nothing here has running statistics, and sparse tensors cannot be broadcast."""
    module = _LossModule(model)
    buffers = [f"model.{name}" for name, _ in model.named_buffers()]
    DistributedDataParallel._set_params_and_buffers_to_ignore_for_model(module, buffers)
    return DistributedDataParallel(module, device_ids=[device.index] if device.type == "cuda" else None,
                                   broadcast_buffers=False, find_unused_parameters=True)


def ddp_step(model: DistributedDataParallel, optimizer: torch.optim.Optimizer, batch: Batch,
             device: torch.device) -> torch.Tensor:
    """One step on this rank's batch; backward all-reduces (averages) the gradients over the ranks,
    which equals the gradient of the global batch's mean loss when every rank's batch has the same size."""
    with autocast(device):
        loss = model(batch.users, batch.pos, batch.neg)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss.detach()


def epoch_batches(data: ExportData, sampler: DistributedSampler, epoch: int, local_batch: int,
                  generator: torch.Generator) -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """This rank's batches of one epoch: the sampler's shard of a shuffled pass over the training
    interactions (padded to equal length, so every rank takes the same number of steps), each with
    a negative drawn, identically on every rank, by the shared generator."""
    users = torch.from_numpy(data.splits["train"][0])
    items = torch.from_numpy(data.splits["train"][1])
    negatives = sample_negatives(users, data.n_items, data.train_pair_keys, generator)
    sampler.set_epoch(epoch)
    mine = torch.tensor(list(sampler), dtype=torch.long)
    return [(users[b], items[b], negatives[b]) for b in torch.split(mine, local_batch)]


def fit_ddp(name: str, data: ExportData, config: TrainConfig, rank: int, world: int,
            device: torch.device) -> dict | None:
    """Train ``name`` on this rank's shards; rank 0 returns the result (others None)."""
    if name not in DDP_MODELS:
        raise ValueError(f"{name} cannot be trained data-parallel; models that can: {', '.join(DDP_MODELS)}")
    params = resolve_model_params(name, config)
    started = time.perf_counter()
    generator = seed_everything(config.seed)
    model = build_model(name, ModelContext(data, config.hidden, params.options, config.seed)).to(device)
    ddp = wrap(model, device)
    optimizer = torch.optim.Adam(model.parameters(), lr=params.lr, weight_decay=params.weight_decay)
    n_train = len(data.splits["train"][0])
    sampler = DistributedSampler(range(n_train), num_replicas=world, rank=rank, shuffle=True, seed=config.seed)
    local_batch = max(1, config.batch_size // world)
    best = BestState(model) if rank == 0 else None
    k, epochs_run, train_seconds = config.top_k, 0, 0.0
    for epoch in range(1, config.epochs + 1):
        model.train()
        epoch_started = time.perf_counter()
        for users, pos, neg in epoch_batches(data, sampler, epoch, local_batch, generator):
            ddp_step(ddp, optimizer, Batch(users.to(device), pos.to(device), neg.to(device)), device)
        train_seconds += time.perf_counter() - epoch_started
        epochs_run = epoch
        stop = torch.zeros(1, device=device)
        if rank == 0 and (epoch % config.eval_every == 0 or epoch == config.epochs):
            best.update(model, epoch, _ndcg(model, data, "val", k))
            stop[0] = float(should_stop(epoch, best.evaluations_since_best, config.patience, config.min_epochs))
        dist.broadcast(stop, 0)
        if stop.item():
            break
    if rank != 0:
        return None
    best.restore(model)
    return {"model": name, "world_size": world, "backend": dist.get_backend(), "epochs_run": epochs_run,
            "best_epoch": best.epoch, "seconds": round(time.perf_counter() - started, 2),
            "train_seconds": round(train_seconds, 3), "train_interactions": n_train,
            "val": _metrics(model, data, "val", k),
            "test": _metrics(model, data, "test", k), "state": model}


def _metrics(model: RecModel, data: ExportData, split: str, k: int) -> dict[str, float]:
    users, recalls, ndcgs = evaluate_per_user(model, data, split, k)
    if len(users) == 0:
        return {f"recall@{k}": math.nan, f"ndcg@{k}": math.nan}
    return {f"recall@{k}": recalls.mean().item(), f"ndcg@{k}": ndcgs.mean().item()}


def _ndcg(model: RecModel, data: ExportData, split: str, k: int) -> float:
    return _metrics(model, data, split, k)[f"ndcg@{k}"]


def init_distributed(device_name: str) -> tuple[int, int, torch.device]:
    """Join the torchrun process group: nccl with one CUDA device per local rank, else gloo on CPU."""
    cuda = device_name != "cpu" and torch.cuda.is_available()
    if device_name.startswith("cuda") and not cuda:
        raise SystemExit(f"--device {device_name}: CUDA is not available")
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    device = torch.device("cuda", local_rank) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    dist.init_process_group("nccl" if cuda else "gloo")
    return dist.get_rank(), dist.get_world_size(), device


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="torchrun --nproc-per-node N -m train.ddp", description=__doc__.split("\n\n")[0])
    parser.add_argument("--export-dir", type=Path, required=True)
    parser.add_argument("--model", choices=DDP_MODELS, default="bpr_mf")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=256, help="global batch (split over the processes)")
    parser.add_argument("--lr", type=float, help="Adam learning rate (default: the model's TOML)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--patience", type=int, default=TrainConfig.patience,
                        help="val evaluations without improvement before stopping (default: %(default)s)")
    parser.add_argument("--min-epochs", type=int, default=TrainConfig.min_epochs,
                        help="no stop before this many epochs (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads per process (default: %(default)s)")
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda (default: %(default)s)")
    parser.add_argument("--checkpoint", type=Path, help="rank 0 saves the best state here")
    parser.add_argument("--split", choices=("export", "time"), default="export")
    args = parser.parse_args(argv)
    config = replace(TrainConfig(models=(args.model,)), epochs=args.epochs, hidden=args.hidden,
                     batch_size=args.batch_size, lr=args.lr, seed=args.seed, patience=args.patience, min_epochs=args.min_epochs, threads=args.threads,
                     device=args.device, split=args.split)
    data = prepare_data(config, args.export_dir)
    rank, world, device = init_distributed(args.device)
    try:
        if config.batch_size < world:
            raise SystemExit(f"--batch-size {config.batch_size} is smaller than the {world} processes")
        with torch_threads(config.threads), deterministic_on_cpu(device):
            result = fit_ddp(args.model, data, config, rank, world, device)
        if result is not None:
            model = result.pop("state")
            if args.checkpoint:
                params = resolve_model_params(args.model, config)
                save_checkpoint(args.checkpoint, args.model, model, config.hidden, params.options, config.seed,
                                config.split)
                result["checkpoint"] = str(args.checkpoint)
            print(json.dumps(result), flush=True)
        # Every rank leaves together: a rank that tears gloo down while rank 0 still saves and
        # prints was seen to abort ("terminate called without an active exception").
        dist.barrier()
    finally:
        dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    # A torchrun worker ends without interpreter finalisation: gloo's C++ threads can still own
    # tensors of the finished run, and destroying them during teardown aborted a rank now and then
    # ("terminate called without an active exception", after the result was printed and the group
    # destroyed), which made torchrun fail the whole run. Everything the run writes is flushed first.
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
