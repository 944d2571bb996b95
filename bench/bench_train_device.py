"""Train the models on a real export on each device in the same run: seconds and metrics.

The paper's setting (hidden 1024, Adam lr 0.002, batch 256) on the export of a build;
prints each device's wall time per model as a ratio against the first device (the CPU
baseline), and the metrics, which should agree across devices up to AMP rounding.
Usage: python bench/bench_train_device.py [--export-dir .mmkg/exports/<build_id>] [--devices cpu cuda]
(default: the newest export of the workspace, on the CPU and on CUDA when there is one).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from mmkg.settings import Settings  # noqa: E402
from train import TrainConfig, train_models  # noqa: E402
from warehouse import Warehouse  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export-dir", type=Path, help="export directory of a build (default: the newest)")
    parser.add_argument("--devices", nargs="+", default=["cpu"] + (["cuda"] if torch.cuda.is_available() else []),
                        help="devices to compare; the first is the baseline (default: %(default)s)")
    parser.add_argument("--models", nargs="+", default=["mgnn", "tgnn", "bpr_mf", "most_pop"], help="models to train")
    parser.add_argument("--hidden", type=int, default=1024, help="hidden size (default: the paper's %(default)s)")
    parser.add_argument("--epochs", type=int, default=5, help="epochs per model (default: %(default)s)")
    args = parser.parse_args()
    if args.export_dir is None:
        exports = sorted(Settings.from_env().exports_dir.glob("*/manifest.json"))
        if not exports:
            print("skipped: no export yet (run `make run` first, or pass --export-dir)")
            return
        args.export_dir = exports[-1].parent
    print(f"export {args.export_dir}, hidden {args.hidden}, up to {args.epochs} epochs", flush=True)
    seconds: dict[tuple[str, str], float] = {}
    for device in args.devices:
        for model in args.models:
            config = TrainConfig(models=(model,), epochs=args.epochs, hidden=args.hidden, device=device)
            with tempfile.TemporaryDirectory() as tmp:
                warehouse = Warehouse(Path(tmp) / "w.duckdb", Path(tmp) / "blobs")
                started = time.perf_counter()
                summary = train_models(config, args.export_dir, warehouse, "bench")
                seconds[device, model] = time.perf_counter() - started
            test = summary.metrics.get(model, {}).get("test", {})
            ratio = seconds[args.devices[0], model] / seconds[device, model]
            print(f"{device:>6} {model:>9}: {seconds[device, model]:8.2f} s  speed-up vs {args.devices[0]} "
                  f"{ratio:6.2f}x  recall@10 {test.get('recall@10', float('nan')):.4f}  "
                  f"ndcg@10 {test.get('ndcg@10', float('nan')):.4f}  ({summary.device}, "
                  f"{summary.n_users} users x {summary.n_items} items)", flush=True)


if __name__ == "__main__":
    main()
