"""Training hyper-parameters; defaults are the MGNN paper's (Adam, lr 0.002, batch 256, hidden 1024)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrainConfig:
    models: tuple[str, ...] = ("mgnn", "bpr_mf")  # any of mgnn | tgnn | bpr_mf | most_pop
    epochs: int = 5  # passes over the training interactions
    batch_size: int = 256  # (user, positive, negative) triples per step
    lr: float = 0.002  # Adam learning rate
    hidden: int = 1024  # size of item, entity and user vectors
    hops: int = 2  # ripple hops around the user's clicked items (hop 0 = the items themselves)
    ripple_size: int = 32  # nodes kept per hop per user
    seed: int = 7  # seeds torch, numpy and the ripple sampling
    device: str = "auto"  # auto | cpu | cuda | cuda:N
    top_k: int = 10  # cut-off of recall@k and ndcg@k
    min_rating: float = 0.0  # implicit feedback: interactions rated below this are dropped
