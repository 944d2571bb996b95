"""Command-line parts of train: the flags of ``mmkg train``, and ``mmkg compare`` / ``mmkg recommend``.

Kept here so mmkg/cli.py only wires them in, and every flag is validated (by TrainConfig,
PipelineConfig and the model registry) before any work starts.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from train.config import SPLITS, TrainConfig
from train.models import MODEL_NAMES


def _models(value: str) -> str:
    if value not in MODEL_NAMES:
        raise argparse.ArgumentTypeError(f"unknown model {value!r}; known: {', '.join(MODEL_NAMES)}")
    return value


def add_train_arguments(sub: argparse.ArgumentParser) -> None:
    """Flags `mmkg train` and `mmkg compare` share (the epochs and hidden flags are the stage's own)."""
    sub.add_argument("--models", nargs="+", type=_models, help=f"models to train (known: {', '.join(MODEL_NAMES)})")
    sub.add_argument("--seed", type=int, help="seed of initialisation, negatives and ripple sampling")
    sub.add_argument("--lr", type=float, help="Adam learning rate for every model (default: each model's TOML)")
    sub.add_argument("--batch-size", type=int, default=256, help="triples per step (default: %(default)s)")
    sub.add_argument("--patience", type=int, help=f"stop after this many val evaluations without a better ndcg@10 "
                     f"(default: {TrainConfig.patience}; one rule for every model, train/stopping.py)")
    sub.add_argument("--config-dir", type=Path, help="folder of <model>.toml files to use instead of train/configs "
                     "(e.g. one option changed, for a validation run)")
    sub.add_argument("--min-epochs", type=int, help=f"never stop before this many epochs (default: {TrainConfig.min_epochs})")
    sub.add_argument("--device", default="auto", help="auto | cpu | cuda | cuda:N (default: %(default)s)")
    sub.add_argument("--threads", type=int, help="torch CPU threads (default: half the cores, 1-4; see train/threads.py)")
    sub.add_argument("--split", choices=SPLITS, default="export",
                     help="export: the export's per-user split | time: a global time split (default: %(default)s)")


def train_config(base: TrainConfig, args: argparse.Namespace, **more) -> TrainConfig:
    changes = {"epochs": args.epochs, "hidden": args.hidden, "batch_size": args.batch_size, "device": args.device,
               "threads": args.threads, "split": args.split, **more}
    for key in ("models", "seed", "lr", "patience", "min_epochs", "config_dir"):
        if getattr(args, key) is not None:
            changes[key] = tuple(args.models) if key == "models" else getattr(args, key)
    return replace(base, **changes)


def add_compare_parser(commands) -> None:
    sub = commands.add_parser("compare", help="train every model and control on an export over several seeds; "
                              "write results.md and results.json")
    source = sub.add_mutually_exclusive_group(required=True)
    source.add_argument("--export-dir", type=Path, help="export directory of a build")
    source.add_argument("--merge", type=Path, nargs="+", metavar="RESULTS_JSON",
                        help="instead of training: join the results.json of runs on one export and settings (e.g. "
                        "seeds run as separate processes) into one table, p-values recomputed; needs --out")
    sub.add_argument("--replace-rows", nargs="+", default=[], metavar="ROW",
                     help="with --merge: take these rows only from the last run that has them (a model refitted "
                     "with new defaults replaces its earlier fits)")
    sub.add_argument("--seeds", type=int, default=3, help="number of seeds (7, 8, ...; default: %(default)s)")
    sub.add_argument("--epochs", type=int, default=30, help="most epochs per fit; early stopping on val ndcg@10 "
                     "ends most fits sooner (default: %(default)s; LightGCN peaked at epoch 19-20, docs/RESULTS.md)")
    sub.add_argument("--hidden", type=int, default=128, help="hidden size (default: %(default)s, as `mmkg build`)")
    sub.add_argument("--no-controls", action="store_true", help="models only, no MGNN controls")
    sub.add_argument("--controls", nargs="+", metavar="KEY", help="only these MGNN controls, by key: kg-tails-shuffled, "
                     "kg-removed, no-MODALITY, MODALITY-shuffled (default: all)")
    sub.add_argument("--out", type=Path, help="output folder (default: $MMKG_HOME/comparisons/<export name>)")
    sub.add_argument("--label", help="put this into every row name of the run (\"mgnn [lr 0.0005]\"): a run with "
                     "changed options (--config-dir, --lr) can then be merged beside the default rows, with a p-value "
                     "against the default mgnn")
    add_train_arguments(sub)
    sub.set_defaults(handler=run_compare)


def run_compare(args: argparse.Namespace, settings) -> int:
    from train.compare import compare_export

    if args.merge:
        return _merge(args)
    if args.seeds < 1:
        print("--seeds must be >= 1", file=sys.stderr)
        return 2
    config = train_config(TrainConfig(), args)
    first = config.seed
    out = args.out or settings.home / "comparisons" / Path(args.export_dir).name
    try:
        md, js = compare_export(args.export_dir, out, config, tuple(range(first, first + args.seeds)),
                                config.models if args.models else MODEL_NAMES,
                                False if args.no_controls else (tuple(args.controls) if args.controls else True),
                                log=lambda line: print(line, flush=True), label=args.label)
    except ValueError as error:
        print(f"mmkg compare: {error}", file=sys.stderr)
        return 2
    print(md.read_text(encoding="utf-8"))
    print(f"written: {md} and {js}")
    return 0


def _merge(args: argparse.Namespace) -> int:
    from train.compare import merge_files

    if args.out is None:
        print("--merge needs --out (the folder for the merged results.md and results.json)", file=sys.stderr)
        return 2
    missing = [str(path) for path in args.merge if not path.is_file()]
    if missing:
        print(f"no such results file: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        md, js = merge_files(list(args.merge), args.out, tuple(args.replace_rows))
    except ValueError as error:
        print(f"cannot merge: {error}", file=sys.stderr)
        return 2
    print(md.read_text(encoding="utf-8"))
    print(f"written: {md} and {js}")
    return 0


def add_recommend_parser(commands) -> None:
    sub = commands.add_parser("recommend", help="top-K movies for a user from a build's checkpoint, explained")
    sub.add_argument("--build-id", required=True, help="build whose export and checkpoint to use")
    sub.add_argument("--user", type=int, required=True, help="the user's id in the source ratings (MovieLens userId)")
    sub.add_argument("--model", type=_models, default="mgnn", help="model (default: %(default)s)")
    sub.add_argument("--k", type=int, default=10, help="movies to recommend (default: %(default)s)")
    sub.add_argument("--no-rearrange", action="store_true", help="skip the diversity rearrangement")
    sub.add_argument("--export-dir", type=Path, help="default: $MMKG_HOME/exports/<build id>")
    sub.set_defaults(handler=run_recommend)


def run_recommend(args: argparse.Namespace, settings) -> int:
    from train import prepare_data
    from train.fit import fit_model
    from train.hyperparams import resolve_model_params
    from train.loop import resolve_device
    from train.pipeline import PipelineConfig
    from train.serving import load_checkpoint, recommend, save_checkpoint
    from train.threads import torch_threads

    pipeline = PipelineConfig(k=args.k, retrieve=max(100, args.k), rough=max(40, args.k),
                              rearrange=not args.no_rearrange)
    export_dir = args.export_dir or settings.exports_dir / args.build_id
    if not (export_dir / "manifest.json").exists():
        print(f"no export for build {args.build_id} at {export_dir}", file=sys.stderr)
        return 1
    checkpoint = settings.home / "checkpoints" / args.build_id / f"{args.model}.pt"
    config = TrainConfig(models=(args.model,), hidden=128)
    data = prepare_data(config, export_dir)
    if args.user not in data.user_ids:
        print(f"user {args.user} has no interactions in build {args.build_id}", file=sys.stderr)
        return 1
    if not checkpoint.exists():
        print(f"no checkpoint {checkpoint}: training {args.model} on the export first", file=sys.stderr, flush=True)
        params = resolve_model_params(args.model, config)
        with torch_threads(config.threads):
            fit = fit_model(args.model, data, config, params, resolve_device(config.device))
        save_checkpoint(checkpoint, args.model, fit.model, config.hidden, params.options, config.seed, config.split)
    name, model = load_checkpoint(checkpoint, data)
    user = data.user_ids[args.user]
    print(f"# top {args.k} for user {args.user} ({name}, build {args.build_id}, rearrangement "
          f"{'off' if args.no_rearrange else 'on'})")
    for rank, rec in enumerate(recommend(model, data, user, pipeline), 1):
        why = " -> ".join((f"user {args.user}", *rec.path[1:])) if rec.path else "no KG path from the user's movies"
        parts = ", ".join(f"{part} {value:+.3f}" for part, value in rec.contributions.items())
        print(f"{rank:2d}. {rec.title}  (score {rec.score:.3f})\n    path: {why}" + (f"\n    parts: {parts}" if parts else ""))
    return 0


def add_ddp_argument(sub: argparse.ArgumentParser) -> None:
    """`mmkg train --ddp N`: the data-parallel path (train/ddp.py under torchrun)."""
    from train.ddp import DDP_MODELS

    sub.add_argument("--ddp", type=int, metavar="N",
                     help=f"train each model data-parallel with N torchrun processes on this machine (gloo on CPU, "
                          f"nccl with one CUDA device per process; models: {', '.join(DDP_MODELS)})")


def run_train_ddp(args: argparse.Namespace, settings) -> int:
    """Validate the whole request, then one torchrun per model; metrics rows and checkpoints as `mmkg train`."""
    from flows.options import BuildOptions
    from flows.stage_configs import stage_configs
    from train.ddp_launch import ddp_problem, metric_rows, run_torchrun, torchrun_command
    from warehouse.store import Warehouse, upsert

    try:
        config = train_config(stage_configs(BuildOptions(), settings).train, args)
    except ValueError as error:
        print(f"mmkg train: {error}", file=sys.stderr)
        return 2
    if problem := ddp_problem(config, args.ddp, args.export_dir):
        print(f"mmkg train: {problem}", file=sys.stderr)
        return 2
    checkpoints = settings.home / "checkpoints" / args.build_id
    rows, results = [], {}
    for name in config.models:
        command = torchrun_command(args.export_dir, name, args.ddp, config, checkpoints / f"{name}.pt")
        results[name] = run_torchrun(command, config.threads or 1)
        rows += metric_rows(args.build_id, results[name])
    with Warehouse.from_settings(settings).transaction() as con:
        upsert(con, "metrics", rows)
    print(json.dumps(results, indent=2))
    return 0
