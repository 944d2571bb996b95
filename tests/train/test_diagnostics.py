"""The popularity profile: a popularity ranker overlaps MostPop fully, its reverse not at all, and
coverage counts the distinct recommended items; the CLI prints validation figures only."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from train.data import load_export
from train.diagnostics import main, popularity_order, popularity_profile, ripple_overlap
from train.loop import exclusions
from train.models.base import FixedModel
from train.ripple import RippleSets


class ScoreTable(FixedModel):
    """Every user gets the same fixed item scores."""

    def __init__(self, scores: torch.Tensor) -> None:
        super().__init__()
        self.register_buffer("scores", scores)

    def full_sort_predict(self, users: torch.Tensor) -> torch.Tensor:
        return self.scores.expand(len(users), -1)


@pytest.fixture(scope="module")
def data(export_dir):
    return load_export(export_dir)


def test_popularity_order_breaks_ties_by_index(data):
    counts = np.bincount(data.splits["train"][1], minlength=data.n_items)
    order = popularity_order(data).numpy()
    assert sorted(order.tolist()) == list(range(1, data.n_items + 1))  # distinct scores
    for a in range(data.n_items):
        for b in range(data.n_items):
            if counts[a] > counts[b] or (counts[a] == counts[b] and a < b):
                assert order[a] > order[b]


def test_popularity_ranker_overlaps_fully_and_its_reverse_not_at_all(data):
    k = 5
    pop = popularity_profile(ScoreTable(popularity_order(data)), data, "val", k)
    rev = popularity_profile(ScoreTable(-popularity_order(data)), data, "val", k)
    assert pop[f"mostpop_overlap@{k}"] == 1.0
    assert rev[f"mostpop_overlap@{k}"] == 0.0  # >= 2k free items per user on this export


def test_coverage_is_the_distinct_recommended_items(data):
    k = 5
    scores = torch.randn(data.n_items, generator=torch.Generator().manual_seed(3))
    profile = popularity_profile(ScoreTable(scores), data, "val", k)
    users = torch.nonzero(data.seen("val").any(1)).flatten().tolist()
    excluded = exclusions(data, "val")
    by_hand = set()
    for u in users:
        free = [i for i in range(data.n_items) if not excluded[u, i]]
        by_hand |= set(sorted(free, key=lambda i: -scores[i].item())[:k])
    assert profile[f"coverage@{k}"] == pytest.approx(len(by_hand) / data.n_items)
    assert len(by_hand) > k  # the exclusions make the lists differ, so the check can fail


def test_cli_prints_validation_figures_only(export_dir, capsys):
    main(["--export-dir", str(export_dir), "--model", "bpr_mf", "--epochs", "1", "--hidden", "8",
          "--option", "weight_decay=0.0", "--option", "init_std=0.05"])
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert "test" not in line and "test" not in json.dumps(line)
    assert line["changes"] == {"weight_decay": 0.0, "init_std": 0.05}
    assert set(line["val_profile"]) == {"mostpop_overlap@10", "coverage@10"}
    assert 0.0 <= line["val_profile"]["mostpop_overlap@10"] <= 1.0 and line["epochs_run"] == 1


def test_ripple_overlap_by_hand():
    """Hop 0: users {1, 2}, {2, 3} (3 padded twice), {} -> Jaccard 1/3, 0, 0 over the three pairs;
    hop 1: every user the same node -> 1. Node 1 is the only item (n_items = 2) of hop 0's three."""
    pad = 9
    nodes = torch.tensor([[[1, 2, 1], [5, pad, pad]],
                          [[2, 3, 3], [5, 5, pad]],
                          [[pad, pad, pad], [5, pad, pad]]])
    mask = nodes != pad
    hops = ripple_overlap(RippleSets(nodes=nodes, mask=mask), n_items=2)
    assert hops[0]["distinct_nodes"] == 3 and hops[0]["share_items"] == pytest.approx(1 / 3)
    assert hops[0]["mean_pair_jaccard"] == pytest.approx((1 / 3) / 3)
    assert hops[1] == {"hop": 1, "distinct_nodes": 1, "share_items": 0.0, "mean_pair_jaccard": 1.0}


def test_cli_ripple_stats_fits_nothing(export_dir, capsys):
    main(["--export-dir", str(export_dir), "--ripple-stats", "--option", "hops=1", "--option", "ripple_size=4"])
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert [h["hop"] for h in line["hops_overlap"]] == [0, 1] and line["ripple_size"] == 4
    assert 0.0 <= line["hops_overlap"][0]["mean_pair_jaccard"] <= 1.0
