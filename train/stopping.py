"""The early-stopping rule every fit obeys, and its replay on a recorded validation curve.

One rule for every model of a comparison keeps the comparison fair: a fit may stop only once it
has trained ``min_epochs`` epochs AND ``patience`` validation evaluations in a row brought no
better ndcg@k. The minimum exists because MGNN-family fits at lr 0.002 can sit on an early
plateau (val flat for a few epochs, then rising): with patience alone they stopped at epoch 2-5,
below MostPop (docs/RESULTS.md, "Stopping rule").
"""

from __future__ import annotations

import math


def should_stop(epoch: int, evaluations_since_best: int, patience: int, min_epochs: int) -> bool:
    """True when training may end after ``epoch``: past the minimum and out of patience."""
    return epoch >= min_epochs and evaluations_since_best >= patience


def replay(curve: list[tuple[int, float]], patience: int, min_epochs: int) -> tuple[int, float, int]:
    """(best epoch, its val score, epochs run) that a fit under this rule would have had, given the
    val curve ``[(epoch, score), ...]`` of a fit that ran at least as long (training does not depend
    on the rule, only where it ends). Same selection as train.fit.BestState: strictly better wins."""
    best_epoch, best_score, since, epochs_run = 0, float("-inf"), 0, 0
    for epoch, score in curve:
        epochs_run = epoch
        if math.isnan(score):
            best_epoch = epoch
        elif score > best_score:
            best_epoch, best_score, since = epoch, score, 0
        else:
            since += 1
        if should_stop(epoch, since, patience, min_epochs):
            break
    return best_epoch, best_score, epochs_run
