"""Training settings shared by all models; per-model hyper-parameters live in train/configs/.

Precedence for the per-model keys (``lr``, ``weight_decay``, and the ``hops``/``ripple_size``
options of the ripple models): a TrainConfig value that is not None applies to every model
that has the key; None (the default) takes each model's value from ``<config_dir>/<model>.toml``;
a key the file leaves out falls back to the model's declared default (the paper's lr 0.002).
``epochs`` is a shared budget, as in the paper's protocol (every model gets the same number
of steps); validation-based early stopping decides how many of them each model uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SPLITS = ("export", "time")


@dataclass(frozen=True)
class TrainConfig:
    models: tuple[str, ...] = ("mgnn", "bpr_mf")  # names of train.MODEL_NAMES
    epochs: int = 10  # most passes over the training interactions per model (early stopping may use fewer)
    eval_every: int = 1  # epochs between two val ndcg@k evaluations (the last epoch is always evaluated)
    # One stopping rule for every model (train/stopping.py), chosen on val ndcg@10 only (docs/RESULTS.md,
    # "Stopping rule"): patience 3 without a minimum stopped MGNN controls at epoch 2-5 on an early plateau.
    patience: int = 5  # stop after this many val evaluations without a better ndcg@k ...
    min_epochs: int = 10  # ... but never before this many epochs
    batch_size: int = 256  # (user, positive, negative) triples per step
    lr: float | None = None  # Adam learning rate for every model; None: each model's TOML value
    weight_decay: float | None = None  # Adam L2 penalty for every model; None: each model's TOML value
    hidden: int = 1024  # size of item, entity and user vectors (the paper's)
    hops: int | None = None  # ripple hops (MGNN, TGNN) for every model; None: each model's TOML value
    ripple_size: int | None = None  # nodes kept per hop per user; None: each model's TOML value
    seed: int = 7  # seeds torch, numpy, the ripple sampling and the negative sampling
    device: str = "auto"  # auto | cpu | cuda | cuda:N
    top_k: int = 10  # cut-off of recall@k and ndcg@k
    min_rating: float = 0.0  # implicit feedback: interactions rated below this are dropped
    config_dir: Path | None = None  # folder of <model>.toml files; None: train/configs
    threads: int | None = None  # torch intra-op threads on CPU; None: train.threads.default_threads()
    split: str = "export"  # export: the export's per-user random split | time: one global time split
    checkpoint_dir: Path | None = None  # save each fitted model as <checkpoint_dir>/<model>.pt; None: none saved

    def __post_init__(self) -> None:
        if self.epochs < 0 or self.eval_every < 1 or self.patience < 1 or self.min_epochs < 0:
            raise ValueError(f"need epochs >= 0, eval_every >= 1, patience >= 1, min_epochs >= 0; got epochs={self.epochs}, "
                             f"eval_every={self.eval_every}, patience={self.patience}, min_epochs={self.min_epochs}")
        if self.batch_size < 1 or self.hidden < 1 or self.top_k < 1:
            raise ValueError(f"need batch_size, hidden, top_k >= 1; got {self.batch_size}, {self.hidden}, {self.top_k}")
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"threads must be >= 1 or None, got {self.threads}")
        if self.split not in SPLITS:
            raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {self.split!r}")
