"""Stopping rules replayed on the val curves of ``mmkg compare`` runs that trained without early
stopping (``--patience`` >= ``--epochs``): for each row and rule, the val ndcg@10 of the state the
rule selects, the epochs it trains and its best epoch, as means over the run's seeds.

Training does not depend on the rule, only where it ends (CPU fits are deterministic; the test
tests/train/test_stopping.py checks that a replay equals the fit), so one long run per row
measures every rule at once. Only validation figures are read: the rule is chosen on them.
Usage: python bench/stopping_rules.py RESULTS_JSON... --rules 3:0 3:10 5:10 30:0:20
(a rule is patience:min_epochs[:epoch budget]).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from train.stopping import replay  # noqa: E402


def parse_rule(text: str) -> tuple[int, int, int | None]:
    parts = [int(p) for p in text.split(":")]
    if len(parts) not in (2, 3):
        raise argparse.ArgumentTypeError(f"rule {text!r}: expected patience:min_epochs[:budget]")
    return parts[0], parts[1], parts[2] if len(parts) == 3 else None


def rule_name(rule: tuple[int, int, int | None]) -> str:
    patience, min_epochs, budget = rule
    return f"patience {patience}, min {min_epochs}" + (f", budget {budget}" if budget else "")


def row_under_rule(curves: list[list[list[float]]], rule: tuple[int, int, int | None]) -> tuple[float, float, float]:
    """(mean selected val ndcg, mean epochs run, mean best epoch) over the seeds' curves."""
    patience, min_epochs, budget = rule
    outcomes = []
    for curve in curves:
        points = [(int(e), float(s)) for e, s in curve if budget is None or e <= budget]
        best_epoch, best_val, epochs_run = replay(points, patience, min_epochs)
        outcomes.append((best_val, epochs_run, best_epoch))
    return tuple(float(np.mean(column)) for column in zip(*outcomes))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", type=Path, nargs="+", help="results.json of mmkg compare runs")
    parser.add_argument("--rules", type=parse_rule, nargs="+", required=True, help="patience:min_epochs[:budget]")
    args = parser.parse_args(argv)
    print("| run | row | seeds | longest curve | " + " | ".join(rule_name(r) for r in args.rules) + " |")
    print("|---|---|---|---|" + "---|" * len(args.rules))
    for path in args.results:
        payload = json.loads(path.read_text(encoding="utf-8"))
        for row in payload["rows"]:
            curves = [c for c in row.get("val_curve", []) if c]
            if not curves:
                continue
            cells = []
            for rule in args.rules:
                val, ran, best = row_under_rule(curves, rule)
                cells.append(f"{val:.4f} ({ran:.1f} / {best:.1f})")
            longest = max(int(c[-1][0]) for c in curves)
            print(f"| {path.parent.name} | {row['row']} | {len(curves)} | {longest} | " + " | ".join(cells) + " |")
    print("\ncells: mean val ndcg@10 of the selected state (mean epochs run / mean best epoch) over seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
