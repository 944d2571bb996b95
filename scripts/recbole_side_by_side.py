"""RecBole 1.2.1's BPR and LightGCN on an export's own split, with our hyper-parameters and seeds,
printed beside our BPR-MF and LightGCN (the results.json of `mmkg compare`).

Runs in the RecBole environment (scripts/recbole-check.sh makes it), not in .venv:
    <venv>/bin/python scripts/recbole_side_by_side.py EXPORT_DIR --ours RESULTS_JSON [--epochs 20 --hidden 64]

Same on both sides: the split (the export's mmkg.train/.valid/.test.inter as RecBole benchmark
files), embedding size, Adam with our learning rate and weight decay (an L2 penalty on every
parameter; RecBole's LightGCN reg_weight is set to 0 so it adds nothing of its own), batch 256,
one uniform negative that is not a training positive, the epoch budget, early stopping after the
same number of validation evaluations without a better ndcg@10 (RecBole stops when more than
``stopping_step`` evaluations did not improve, so it gets patience - 1), the best-validation state tested,
full ranking with training (and, for test, validation) items excluded, seeds 7, 8, 9.
Different, as each library has it: the initialisation (ours N(0, 0.1); RecBole xavier), the
random streams (per-seed values differ; only the seed means are compared).

Tolerance: the two 3-seed means agree when they differ by at most max(0.01, 2 x the standard
error of their difference) in recall@10 and in ndcg@10. Exit status 1 when a pair does not.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import tomllib
from pathlib import Path

os.environ.setdefault("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")  # RecBole saves its config in checkpoints

PAIRS = {"bpr_mf": "BPR", "lightgcn": "LightGCN"}
CONFIGS = Path(__file__).resolve().parent.parent / "train" / "configs"
METRICS = ("recall@10", "ndcg@10")
MIN_TOLERANCE = 0.01


def recbole_run(export_dir: Path, ours: str, seed: int, args: argparse.Namespace, work: Path) -> dict[str, float]:
    from recbole.config import Config
    from recbole.data import create_dataset, data_preparation
    from recbole.utils import get_model, get_trainer, init_seed

    params = tomllib.loads((CONFIGS / f"{ours}.toml").read_text(encoding="utf-8"))
    os.chdir(work)  # RecBole writes log/ under the current folder
    data = work / "recbole-data"
    if not (data / "mmkg").exists():
        shutil.copytree(export_dir / "recbole", data / "mmkg")
    settings = {"data_path": str(data), "epochs": args.epochs, "use_gpu": False, "device": "cpu", "seed": seed,
                "reproducibility": True, "checkpoint_dir": str(work / "saved"), "show_progress": False,
                "state": "WARNING", "embedding_size": args.hidden, "learning_rate": params["lr"],
                "weight_decay": params.get("weight_decay", 0.0), "train_batch_size": args.batch_size,
                "train_neg_sample_args": {"distribution": "uniform", "sample_num": 1},
                "eval_args": {"group_by": "user", "order": "RO", "mode": "full"},
                "eval_step": 1, "stopping_step": args.patience - 1, "topk": [10], "metrics": ["Recall", "NDCG"],
                "valid_metric": "NDCG@10", "worker": 0}
    if ours == "lightgcn":
        settings |= {"n_layers": params.get("n_layers", 3), "reg_weight": 0.0}
    config = Config(model=PAIRS[ours], dataset="mmkg", config_file_list=[str(data / "mmkg" / "mmkg.yaml")],
                    config_dict=settings)
    init_seed(config["seed"], config["reproducibility"])
    dataset = create_dataset(config)
    train, valid, test = data_preparation(config, dataset)
    init_seed(config["seed"], config["reproducibility"])
    model = get_model(config["model"])(config, train._dataset).to(config["device"])
    trainer = get_trainer(config["MODEL_TYPE"], config["model"])(config, model)
    trainer.fit(train, valid, saved=True, show_progress=False)
    result = trainer.evaluate(test, load_best_model=True, show_progress=False)
    return {m: float(result[m]) for m in METRICS}


def _mean_sd(values: list[float]) -> tuple[float, float]:
    return statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export_dir", type=Path)
    parser.add_argument("--ours", type=Path, required=True, help="results.json of mmkg compare on the same export")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--patience", type=int, default=3)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 8, 9])
    args = parser.parse_args()
    export_dir = args.export_dir.resolve()
    ours = {row["row"]: row for row in json.loads(args.ours.read_text(encoding="utf-8"))["rows"]}
    print(f"| model | metric | ours (mean ± std, {len(args.seeds)} seeds) | RecBole 1.2.1 | |Δ| | tolerance | agree |")
    print("|---|---|---|---|---|---|---|")
    disagreements = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in PAIRS:
            theirs = [recbole_run(export_dir, name, seed, args, Path(tmp)) for seed in args.seeds]
            print(json.dumps({"recbole": PAIRS[name], "per_seed": theirs}), file=sys.stderr, flush=True)
            for metric in METRICS:
                a, sa = _mean_sd(ours[name]["test"][metric])
                b, sb = _mean_sd([t[metric] for t in theirs])
                n_a, n_b = len(ours[name]["test"][metric]), len(theirs)
                tolerance = max(MIN_TOLERANCE, 2 * math.sqrt(sa**2 / n_a + sb**2 / n_b))
                agree = abs(a - b) <= tolerance
                disagreements += not agree
                print(f"| {name} / {PAIRS[name]} | {metric} | {a:.4f} ± {sa:.4f} | {b:.4f} ± {sb:.4f} | "
                      f"{abs(a - b):.4f} | {tolerance:.4f} | {'yes' if agree else 'NO'} |", flush=True)
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
