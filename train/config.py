"""Training settings shared by all models; per-model hyper-parameters live in train/configs/.

Precedence for the per-model keys (``lr``, ``weight_decay``): a TrainConfig value that is
not None applies to every model; None (the default) takes each model's value from
``<config_dir>/<model>.toml``; a key the file leaves out falls back to
``train.hyperparams.ModelHyperParams`` (the paper's lr 0.002, no weight decay).
``epochs`` is a shared budget, as in the paper's protocol (every model gets the same number
of steps); validation-based early stopping decides how many of them each model uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TrainConfig:
    models: tuple[str, ...] = ("mgnn", "bpr_mf")  # any of mgnn | tgnn | bpr_mf | most_pop
    epochs: int = 10  # most passes over the training interactions per model (early stopping may use fewer)
    eval_every: int = 1  # epochs between two val ndcg@k evaluations (the last epoch is always evaluated)
    patience: int = 3  # stop after this many val evaluations without a better ndcg@k
    batch_size: int = 256  # (user, positive, negative) triples per step
    lr: float | None = None  # Adam learning rate for every model; None: each model's TOML value
    weight_decay: float | None = None  # Adam L2 penalty for every model; None: each model's TOML value
    hidden: int = 1024  # size of item, entity and user vectors (the paper's)
    hops: int = 2  # ripple hops around the user's clicked items (hop 0 = the items themselves)
    ripple_size: int = 32  # nodes kept per hop per user
    seed: int = 7  # seeds torch, numpy, the ripple sampling and the negative sampling
    device: str = "auto"  # auto | cpu | cuda | cuda:N
    top_k: int = 10  # cut-off of recall@k and ndcg@k
    min_rating: float = 0.0  # implicit feedback: interactions rated below this are dropped
    config_dir: Path | None = None  # folder of <model>.toml files; None: train/configs

    def __post_init__(self) -> None:
        if self.epochs < 0 or self.eval_every < 1 or self.patience < 1:
            raise ValueError(f"need epochs >= 0, eval_every >= 1, patience >= 1; got epochs={self.epochs}, "
                             f"eval_every={self.eval_every}, patience={self.patience}")
