"""Check a model's shipped hyper-parameters against a small grid, selected on validation only.

Each grid point is fitted with validation-based early stopping (patience as `mmkg train`) under a
larger epoch budget than the shipped one, so the best epoch also says whether the shipped budget
(TrainConfig.epochs) is enough. The point with the best val ndcg@10 wins; test metrics are
printed beside it but never used to choose. One JSON line per fit, then a markdown table.

    python scripts/hparam_grid.py --export-dir D --model bpr_mf --grid lr=0.001,0.005,0.02 \
        weight_decay=0,1e-5,1e-4 [--epochs 40 --hidden 128 --seeds 7]
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from train import prepare_data
from train.config import TrainConfig
from train.fit import fit_model
from train.hyperparams import OPTIMISER_KEYS, resolve_model_params, with_options
from train.loop import resolve_device
from train.threads import torch_threads


def parse_grid(items: list[str]) -> dict[str, list]:
    grid = {}
    for item in items:
        key, _, values = item.partition("=")
        grid[key] = [json.loads(v) if v[:1] in "[\"tf" else float(v) if any(c in v for c in ".e") else int(v)
                     for v in values.split(",")]
    return grid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--export-dir", type=Path, required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--grid", nargs="*", default=[], help="key=v1,v2 ... (lr, weight_decay or a TOML option)")
    parser.add_argument("--epochs", type=int, default=40, help="epoch budget of every grid point")
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--skip-shipped", action="store_true", help="grid points only (the shipped rows were run before)")
    args = parser.parse_args()
    config = TrainConfig(models=(args.model,), epochs=args.epochs, hidden=args.hidden, device="cpu",
                         threads=args.threads)
    data = prepare_data(config, args.export_dir)
    shipped = resolve_model_params(args.model, config)
    grid = parse_grid(args.grid)
    points = [dict(zip(grid, values)) for values in itertools.product(*grid.values())] if grid else [{}]
    rows = []
    with torch_threads(args.threads):
        shipped_budget = TrainConfig().epochs
        runs = [] if args.skip_shipped else [({"shipped": f"{budget} epochs"}, budget)
                                             for budget in sorted({shipped_budget, args.epochs})]
        runs += [(p, args.epochs) for p in points if p]
        for point, epochs in runs:
            params = shipped
            optimiser = {k: float(v) for k, v in point.items() if k in OPTIMISER_KEYS}
            options = {k: v for k, v in point.items() if k not in {*OPTIMISER_KEYS, "shipped"}}
            params = with_options(args.model, replace(params, **optimiser), **options)
            fits = []
            for seed in args.seeds:
                started = time.perf_counter()
                fit = fit_model(args.model, data, replace(config, seed=seed, epochs=epochs), params,
                                resolve_device("cpu"))
                fits.append(fit)
                line = {"model": args.model, "point": point, "epoch_budget": epochs, "seed": seed, "lr": params.lr,
                        "weight_decay": params.weight_decay, "val": fit.metrics["val"], "test": fit.metrics["test"],
                        "best_epoch": fit.best_epoch, "epochs_run": fit.epochs_run,
                        "seconds": round(time.perf_counter() - started, 1)}
                print(json.dumps(line), flush=True)
            rows.append((point, params, fits))
    best = max(rows, key=lambda r: np.mean([f.metrics["val"]["ndcg@10"] for f in r[2]]))
    print(f"\n| {args.model} | lr | weight_decay | val ndcg@10 | test recall@10 | test ndcg@10 | best epoch |")
    print("|---|---|---|---|---|---|---|")
    for point, params, fits in rows:
        mean = lambda split, m: np.mean([f.metrics[split][m] for f in fits])  # noqa: E731
        label = f"shipped, {point['shipped']}" if "shipped" in point else ", ".join(f"{k}={v}" for k, v in point.items())
        label += " **(best val)**" if best[0] is point else ""
        print(f"| {label} | {params.lr:g} | {params.weight_decay:g} | {mean('val', 'ndcg@10'):.4f} | "
              f"{mean('test', 'recall@10'):.4f} | {mean('test', 'ndcg@10'):.4f} | "
              f"{', '.join(str(f.best_epoch) for f in fits)} |")


if __name__ == "__main__":
    main()
