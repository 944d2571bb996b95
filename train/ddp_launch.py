"""``mmkg train --ddp N``: train each model data-parallel with N torchrun processes (train/ddp.py)
and store its metrics like ``mmkg train`` does.

Everything that can be wrong with the request (a model without a data-parallel path, N < 1, a
batch smaller than N, no export, CUDA asked for and absent or short of devices) is reported in
one line before any process starts. Each model is one ``python -m torch.distributed.run`` on
this machine (c10d rendezvous on 127.0.0.1, a free port); rank 0's JSON line is the result.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

from train.config import TrainConfig
from train.ddp import DDP_MODELS


def ddp_problem(config: TrainConfig, processes: int, export_dir: Path) -> str | None:
    """Why ``config`` cannot be trained with ``processes`` torchrun processes; None when it can."""
    if processes < 1:
        return f"--ddp needs at least 1 process, got {processes}"
    unable = [name for name in config.models if name not in DDP_MODELS]
    if unable:
        return (f"--ddp: {', '.join(unable)} cannot be trained data-parallel; models that can: "
                f"{', '.join(DDP_MODELS)} (choose them with --models)")
    if config.batch_size < processes:
        return f"--ddp {processes}: --batch-size {config.batch_size} is smaller than the number of processes"
    if not (Path(export_dir) / "manifest.json").exists():
        return f"--ddp: no export at {export_dir} (no manifest.json)"
    if config.device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            return f"--ddp: --device {config.device} asked for, but CUDA is not available"
        if processes > torch.cuda.device_count():
            return f"--ddp {processes}: only {torch.cuda.device_count()} CUDA device(s), one per process is needed"
    return None


def torchrun_command(export_dir: Path, model: str, processes: int, config: TrainConfig,
                     checkpoint: Path | None = None) -> list[str]:
    """The torchrun command line that trains ``model`` under ``config`` on ``processes`` processes."""
    command = [sys.executable, "-m", "torch.distributed.run", "--nnodes", "1", "--nproc-per-node", str(processes),
               "--rdzv-backend", "c10d", "--rdzv-endpoint", "127.0.0.1:0", "-m", "train.ddp",
               "--export-dir", str(export_dir), "--model", model, "--epochs", str(config.epochs),
               "--hidden", str(config.hidden), "--batch-size", str(config.batch_size), "--seed", str(config.seed),
               "--patience", str(config.patience), "--min-epochs", str(config.min_epochs),
               "--threads", str(config.threads or 1),
               "--device", "cuda" if config.device.startswith("cuda") else config.device, "--split", config.split]
    if config.lr is not None:
        command += ["--lr", str(config.lr)]
    if checkpoint is not None:
        command += ["--checkpoint", str(checkpoint)]
    return command


def run_torchrun(command: list[str], threads: int) -> dict:
    """Run one torchrun; its processes' logs pass through to stderr; rank 0's JSON line is returned."""
    env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, env=env, check=False)
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or len(results) != 1:
        raise RuntimeError(f"torchrun exited {done.returncode} with {len(results)} result line(s): {' '.join(command)}")
    return results[0]


def metric_rows(build_id: str, result: dict) -> list[dict]:
    """``metrics`` table rows of one rank-0 result (finite values only, as ``mmkg train``)."""
    return [{"build_id": build_id, "model": result["model"], "split": split, "metric": metric, "value": value}
            for split in ("val", "test") for metric, value in result[split].items() if math.isfinite(value)]
