"""How much of a model's top-k is popularity: validation-only diagnostics for a weak model.

A model whose accuracy sits at MostPop's level may be a popularity ranker in disguise (its user
part carries little personal signal, so every user gets nearly the same list) or a different,
equally weak ranker. Two figures of the top-k lists tell which: the share of each user's top-k
that is also in MostPop's top-k for that user (same exclusions), and the catalogue coverage (the
distinct items recommended to all users, as a share of the items).

    python -m train.diagnostics --export-dir D --model mgnn --seed 7 --option clicked_pool='"all"'

fits one model (validation early stopping, as every fit) and prints one JSON line of validation
figures only: test metrics are never printed, so the tool can be used to choose settings.
``--ripple-stats`` instead says how personal each hop of the users' ripple sets is (MGNN's, TGNN's
and RippleNet's user side), from the training interactions and the KG alone.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from train.config import TrainConfig
from train.data import ExportData
from train.loop import exclusions, model_device
from train.metrics import top_k_items
from train.models.base import ModelContext, RecModel
from train.ripple import RippleSets


def popularity_order(data: ExportData) -> torch.Tensor:
    """MostPop's scores [n_items] with ties broken by item index (lower first), so its top-k is one
    fixed list: n_items for the most popular item down to 1."""
    counts = np.bincount(data.splits["train"][1], minlength=data.n_items)
    order = np.lexsort((np.arange(data.n_items), -counts))  # most popular first, then by index
    scores = np.empty(data.n_items, dtype=np.float32)
    scores[order] = np.arange(data.n_items, 0, -1, dtype=np.float32)
    return torch.from_numpy(scores)


def popularity_profile(model: RecModel, data: ExportData, split: str, k: int) -> dict[str, float]:
    """Over the users with held-out items in ``split``: mean share of a user's top-k also in MostPop's
    top-k for that user (``mostpop_overlap@k``; MostPop itself: 1) and the distinct items in all
    top-k lists over the number of items (``coverage@k``)."""
    relevant = data.seen(split)
    users = torch.nonzero(relevant.any(1)).flatten()
    exclude = exclusions(data, split)[users]
    pop_top = top_k_items(popularity_order(data).expand(len(users), -1), exclude, k)
    model.eval()
    with torch.no_grad():
        scores = model.scorer()(users.to(model_device(model))).float().cpu()
    top = top_k_items(scores, exclude, k)
    overlap = (top.unsqueeze(2) == pop_top.unsqueeze(1)).any(2).float().sum(1) / top.shape[1]
    return {f"mostpop_overlap@{k}": overlap.mean().item() if len(users) else float("nan"),
            f"coverage@{k}": len(torch.unique(top)) / data.n_items}


def ripple_overlap(ripple: RippleSets, n_items: int) -> list[dict[str, float]]:
    """Per hop of the ripple sets: distinct nodes over all users, the share of them that are items,
    and the mean Jaccard overlap of two users' node sets over every pair of users with a non-empty
    union. Near 0: each user's hop is personal; high: every user gets the same generic nodes."""
    out = []
    n_users = ripple.nodes.shape[0]
    for hop in range(ripple.nodes.shape[1]):
        nodes, mask = ripple.nodes[:, hop], ripple.mask[:, hop]
        distinct = torch.unique(nodes[mask])
        member = torch.zeros(n_users, len(distinct))
        rows = torch.arange(n_users).unsqueeze(1).expand_as(nodes)[mask]
        member[rows, torch.searchsorted(distinct, nodes[mask])] = 1.0  # duplicates within a user count once
        inter = member @ member.T
        sizes = member.sum(1)
        union = sizes.unsqueeze(0) + sizes.unsqueeze(1) - inter
        pairs = torch.triu(torch.ones(n_users, n_users, dtype=torch.bool), diagonal=1) & (union > 0)
        jaccard = (inter[pairs] / union[pairs]).mean().item() if pairs.any() else float("nan")
        out.append({"hop": hop, "distinct_nodes": len(distinct),
                    "share_items": (distinct < n_items).float().mean().item() if len(distinct) else float("nan"),
                    "mean_pair_jaccard": jaccard})
    return out


def _option(text: str) -> tuple[str, object]:
    key, _, value = text.partition("=")
    return key, json.loads(value)


def main(argv: list[str] | None = None) -> None:
    from train import prepare_data
    from train.fit import fit_model
    from train.hyperparams import OPTIMISER_KEYS, resolve_model_params, with_options
    from train.loop import resolve_device
    from train.threads import torch_threads

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--export-dir", type=Path, required=True)
    parser.add_argument("--model", help="model to fit (not needed with --ripple-stats)")
    parser.add_argument("--ripple-stats", action="store_true",
                        help="instead of fitting: per hop, how much users' ripple sets overlap (hops / ripple_size from "
                        "--model's config, MGNN's by default, or --option)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--option", type=_option, action="append", default=[],
                        help="key=JSON value: lr, weight_decay or one of the model's TOML options")
    args = parser.parse_args(argv)
    if not args.ripple_stats and not args.model:
        parser.error("--model is needed unless --ripple-stats")
    config = TrainConfig(models=(args.model or "mgnn",), epochs=args.epochs, hidden=args.hidden, device="cpu",
                         threads=args.threads, seed=args.seed)
    data = prepare_data(config, args.export_dir)
    changes = dict(args.option)
    if args.ripple_stats:
        defaults = resolve_model_params(args.model or "mgnn", config).options  # the model's TOML values
        if not {"hops", "ripple_size"} <= defaults.keys():
            parser.error(f"--ripple-stats reads hops and ripple_size from the model's config; {args.model} has none")
        options = {"hops": defaults["hops"], "ripple_size": defaults["ripple_size"], **changes}
        ripple = ModelContext(data, args.hidden, {}, args.seed).ripple(int(options["hops"]), int(options["ripple_size"]))
        print(json.dumps({"seed": args.seed, **options, "hops_overlap": ripple_overlap(ripple, data.n_items)}), flush=True)
        return
    params = resolve_model_params(args.model, config)
    params = replace(params, **{key: float(v) for key, v in changes.items() if key in OPTIMISER_KEYS})
    params = with_options(args.model, params, **{k: v for k, v in changes.items() if k not in OPTIMISER_KEYS})
    with torch_threads(args.threads):
        fit = fit_model(args.model, data, config, params, resolve_device("cpu"))
        profile = popularity_profile(fit.model, data, "val", config.top_k)
    print(json.dumps({"model": args.model, "seed": args.seed, "changes": changes, "val": fit.metrics["val"],
                      "val_profile": profile, "best_epoch": fit.best_epoch, "epochs_run": fit.epochs_run,
                      "val_curve": [[e, round(v, 4)] for e, v in fit.val_curve],
                      "seconds": round(fit.seconds, 1)}), flush=True)


if __name__ == "__main__":
    main()
