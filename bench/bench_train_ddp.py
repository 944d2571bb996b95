"""Data-parallel training throughput: BPR-MF (or another train.ddp model) trained by
``torchrun --nproc-per-node N -m train.ddp`` for N = 1 and N = 2 (gloo on CPU, nccl on CUDA)
on the same synthetic export, as training interactions/s, the ratio against one process.

On CPU the processes share the machine's cores (one torch thread each), so the ratio says what
the all-reduce costs against what a second core gives; on a multi-GPU machine each rank has
its own device.
Usage: python bench/bench_train_ddp.py [--model bpr_mf] [--epochs 3] [--users 600] [--items 500] [--device cpu]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from train.config import TrainConfig  # noqa: E402
from train.ddp_launch import run_torchrun, torchrun_command  # noqa: E402
from train.synthetic import write_synthetic_export  # noqa: E402


def run(export_dir: Path, processes: int, args: argparse.Namespace) -> dict:
    config = TrainConfig(models=(args.model,), epochs=args.epochs, patience=args.epochs, hidden=args.hidden,
                         device=args.device, threads=1)
    return run_torchrun(torchrun_command(export_dir, args.model, processes, config), threads=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="bpr_mf")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--users", type=int, default=600)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        export_dir = Path(tmp)
        write_synthetic_export(export_dir, n_users=args.users, n_items=args.items, clicks_per_user=20, side=8, frames=2)
        results = {n: run(export_dir, n, args) for n in (1, 2)}
    base = None
    print(f"{args.model}, synthetic export {args.users} users x {args.items} items, hidden {args.hidden}, "
          f"{args.epochs} epochs, device {args.device}")
    for n, r in results.items():
        rate = r["epochs_run"] * r["train_interactions"] / r["train_seconds"]
        base = base or rate
        print(f"{n} process(es), {r['backend']}: {rate:,.0f} interactions/s ({rate / base:.2f} x one process), "
              f"test ndcg@10 {r['test']['ndcg@10']:.4f}")


if __name__ == "__main__":
    main()
