"""Training throughput of every model vs BPR-MF in the same run, the thread choice, and MGNN's
two batch optimisations, on a synthetic export (CPU unless --device says otherwise).

- interactions/s of one training epoch per model (extrapolated from a few timed batches after a
  warm-up batch), as a ratio against BPR-MF, the seconds of one full-ranking validation pass
  (every fit runs one per epoch, and RippleNet's was its largest cost), and the process's peak RSS after each model
  (CPU: a high-water mark, so only growth is attributable) or torch's peak CUDA memory;
- one BPR-MF epoch with one torch thread vs torch's default (one per core): why
  train/threads.py picks few threads;
- MGNN with each distinct node of a batch encoded once (default) vs once per mention.
``--export-dir D`` measures on a build's export instead (e.g. the full-size interactions-only one,
where MGNN's per-batch cost grows with the catalogue its ripple sets reach); ``--models`` limits
the models timed (BPR-MF, the baseline, is always timed first).
Usage: python bench/bench_train.py [--device cpu|cuda] [--users 600] [--items 500] [--export-dir D]
       [--models mgnn tgnn] [--hidden 64]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from train.data import load_export  # noqa: E402
from train.hyperparams import load_model_params  # noqa: E402
from train.loop import evaluate_per_user, resolve_device, seed_everything, train_epoch  # noqa: E402
from train.models import MODEL_NAMES, ModelContext, build_model  # noqa: E402
from train.synthetic import write_synthetic_export  # noqa: E402

HIDDEN, BATCH, TIMED_BATCHES = 64, 256, 3


def epoch_seconds(model, data, device: torch.device, batches_per_epoch: int) -> float:
    optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
    generator = seed_everything(7)
    train_epoch(model, optimizer, data, BATCH, generator, device, max_batches=1)
    if device.type == "cuda":
        torch.cuda.synchronize()
    started = time.perf_counter()
    train_epoch(model, optimizer, data, BATCH, generator, device, max_batches=TIMED_BATCHES)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - started) / TIMED_BATCHES * batches_per_epoch


def eval_seconds(model, data, device: torch.device) -> float:
    started = time.perf_counter()
    evaluate_per_user(model, data, "val", 10)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - started


def peak_memory_mb(device: torch.device) -> float:
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", help="cpu | cuda | auto (default: %(default)s)")
    parser.add_argument("--users", type=int, default=600)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--export-dir", type=Path, help="a build's export instead of the synthetic one")
    parser.add_argument("--models", nargs="+", choices=MODEL_NAMES, help="models to time (default: all)")
    parser.add_argument("--hidden", type=int, default=HIDDEN)
    args = parser.parse_args()
    device = resolve_device(args.device)
    default_threads = torch.get_num_threads()
    if args.export_dir:
        data, source = load_export(args.export_dir), f"export {args.export_dir.name}"
    else:
        with tempfile.TemporaryDirectory() as tmp:
            write_synthetic_export(Path(tmp), n_users=args.users, n_items=args.items, clicks_per_user=20,
                                   n_entities=100, side=16, frames=2)
            data = load_export(Path(tmp))
        source = "synthetic export"
    n_train = len(data.splits["train"][0])
    batches = -(-n_train // BATCH)
    hidden = args.hidden
    print(f"{source}: {data.n_users} users x {data.n_items} items, {n_train} train interactions "
          f"({batches} batches of {BATCH}), hidden {hidden}, device {device}")

    torch.set_num_threads(default_threads)
    bpr = build_model("bpr_mf", ModelContext(data, hidden, load_model_params("bpr_mf").options)).to(device)
    t_default = epoch_seconds(bpr, data, device, batches)
    torch.set_num_threads(1)  # the rest of the run: what train/threads.py picks on a 2-core machine
    t_one = epoch_seconds(bpr, data, device, batches)
    print(f"bpr_mf epoch, {default_threads} threads (torch default) {t_default:.3f} s, 1 thread {t_one:.3f} s: "
          f"1 thread is {t_default / t_one:.2f} x as fast")

    print("| model | s / epoch | interactions / s | vs bpr_mf | s / val ranking | peak memory MB |\n|---|---|---|---|---|---|")
    seconds: dict[str, float] = {}
    ripples: dict = {}
    for name in ("bpr_mf", *(n for n in args.models or MODEL_NAMES if n != "bpr_mf")):  # the baseline first
        model = build_model(name, ModelContext(data, hidden, load_model_params(name).options, 7, ripples)).to(device)
        if not model.trainable:
            print(f"| {name} | – (nothing to train) | – | – | {eval_seconds(model, data, device):.2f} |"
                  f" {peak_memory_mb(device):.0f} |")
            continue
        seconds[name] = epoch_seconds(model, data, device, batches)
        ratio = seconds[name] / seconds["bpr_mf"]
        print(f"| {name} | {seconds[name]:.2f} | {n_train / seconds[name]:,.0f} | {ratio:.1f} x slower |"
              f" {eval_seconds(model, data, device):.2f} | {peak_memory_mb(device):.0f} |", flush=True)

    if "mgnn" in (args.models or MODEL_NAMES):
        options = load_model_params("mgnn").options
        dedup = build_model("mgnn", ModelContext(data, hidden, options, 7, ripples)).to(device)
        naive = build_model("mgnn", ModelContext(data, hidden, {**options, "dedup_batch_items": False}, 7, ripples)).to(device)
        naive.load_state_dict(dedup.state_dict())
        t_dedup, t_naive = epoch_seconds(dedup, data, device, batches), epoch_seconds(naive, data, device, batches)
        print(f"mgnn epoch, each distinct node encoded once per batch {t_dedup:.2f} s vs once per mention "
              f"{t_naive:.2f} s: {t_naive / t_dedup:.1f} x faster")


if __name__ == "__main__":
    main()
