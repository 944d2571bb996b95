"""Time one MGNN training epoch: batch-deduplicated modality encoding vs per-example encoding.

MGNN's user vector needs the multi-modal vectors of every node in the user's ripple set,
and a batch of 256 users names the same few hundred items thousands of times. Encoding
each distinct item once per batch (the default) instead of once per mention is the main
optimisation; BPR-MF (ids only) is the floor. Epoch times are extrapolated from a few
timed batches so the script stays under a minute. Figures are CPU (one thread), synthetic
export of 600 users x 500 items.

The training protocol adds per epoch: drawing negatives that are not the user's positives
(timed against the naive per-user set difference), and one val evaluation plus a copy of
the best state (timed as a fraction of an MGNN epoch).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from train.data import load_export
from train.fit import BestState
from train.loop import evaluate, sample_negatives, seed_everything, train_epoch
from train.models import build_model
from train.ripple import build_ripple_sets
from train.synthetic import write_synthetic_export

N_USERS, N_ITEMS, CLICKS = 600, 500, 20
HIDDEN, HOPS, RIPPLE, BATCH = 64, 2, 32, 256
TIMED_BATCHES = 2
SIDE, FRAMES = 16, 2  # media resolution; the encoders' cost grows with it, the ratio hardly


def time_epoch(model: torch.nn.Module, data, batches_per_epoch: int) -> float:
    """Seconds per epoch, from TIMED_BATCHES batches after one warm-up batch."""
    optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
    generator = seed_everything(7)
    train_epoch(model, optimizer, data, BATCH, generator, torch.device("cpu"), max_batches=1)
    started = time.perf_counter()
    train_epoch(model, optimizer, data, BATCH, generator, torch.device("cpu"), max_batches=TIMED_BATCHES)
    return (time.perf_counter() - started) / TIMED_BATCHES * batches_per_epoch


def naive_negatives(users: np.ndarray, items: np.ndarray, n_items: int, rng: np.random.Generator) -> np.ndarray:
    """The obvious way: per interaction, a uniform draw from the user's non-positive items."""
    positives = {u: set() for u in np.unique(users).tolist()}
    for u, i in zip(users.tolist(), items.tolist()):
        positives[u].add(i)
    free = {u: np.array(sorted(set(range(n_items)) - s)) for u, s in positives.items()}
    return np.array([rng.choice(free[u]) for u in users.tolist()])


def best_of(fn, repeats: int = 3) -> float:
    """Fastest of a few runs, in seconds: the least disturbed by other work on a shared machine."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    torch.set_num_threads(1)  # the machine is shared; one thread gives repeatable figures
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "export"
        write_synthetic_export(export, n_users=N_USERS, n_items=N_ITEMS, clicks_per_user=CLICKS,
                               n_entities=100, side=SIDE, frames=FRAMES)
        started = time.perf_counter()
        data = load_export(export)
        load_s = time.perf_counter() - started
    started = time.perf_counter()
    ripple = build_ripple_sets(*data.splits["train"], data.n_users, data.n_nodes, data.kg_head, data.kg_tail,
                               HOPS, RIPPLE, seed=7)
    ripple_s = time.perf_counter() - started
    n_train = len(data.splits["train"][0])
    batches = -(-n_train // BATCH)

    seed_everything(7)
    dedup = build_model("mgnn", data, ripple, HIDDEN)
    per_example = build_model("mgnn", data, ripple, HIDDEN)
    per_example.load_state_dict(dedup.state_dict())
    per_example.dedup_batch_items = False
    bpr = build_model("bpr_mf", data, ripple, HIDDEN)

    t_bpr = time_epoch(bpr, data, batches)
    t_dedup = time_epoch(dedup, data, batches)
    t_naive = time_epoch(per_example, data, batches)

    print(f"export: {N_USERS} users x {N_ITEMS} items, {n_train} train interactions, {batches} batches of {BATCH}; "
          f"hidden {HIDDEN}, hops {HOPS}, ripple {RIPPLE}, media {FRAMES}x{SIDE}x{SIDE}, torch threads {torch.get_num_threads()}")
    print(f"load_export {load_s:.2f} s, ripple sets {ripple_s:.2f} s")
    print(f"epoch  bpr_mf (baseline)           {t_bpr:8.2f} s")
    print(f"epoch  mgnn, dedup per batch       {t_dedup:8.2f} s   = {t_dedup / t_bpr:6.1f} x bpr_mf")
    print(f"epoch  mgnn, encode per example    {t_naive:8.2f} s   = {t_naive / t_bpr:6.1f} x bpr_mf")
    print(f"speed-up of batch dedup over per-example encoding: {t_naive / t_dedup:.1f} x")

    users_np, items_np = data.splits["train"]
    users_t = torch.from_numpy(users_np)
    t_neg = best_of(lambda: sample_negatives(users_t, data.n_items, data.train_pair_keys, torch.Generator().manual_seed(0)))
    t_neg_naive = best_of(lambda: naive_negatives(users_np, items_np, data.n_items, np.random.default_rng(0)), repeats=1)
    t_eval = best_of(lambda: evaluate(dedup, data, "val", 10))
    t_copy = best_of(lambda: BestState(dedup))  # the constructor copies the state, as every improvement does
    print(f"negatives for one epoch ({n_train}), not positives: searchsorted {t_neg * 1e3:8.2f} ms   "
          f"naive per-user set difference {t_neg_naive * 1e3:8.2f} ms   speed-up {t_neg_naive / t_neg:6.1f} x")
    print(f"per-epoch protocol overhead on mgnn: val evaluation {t_eval:.3f} s + best-state copy {t_copy * 1e3:.2f} ms"
          f" = {(t_eval + t_copy) / t_dedup:.1%} of an epoch")


if __name__ == "__main__":
    main()
