"""The one interface every model implements, after RecBole's: ``calculate_loss(batch)`` for
training and ``full_sort_predict(users)`` for the full-ranking evaluation.

A model is built from the export and a ``ModelContext`` (shared hidden size, its own options
from ``train/configs/<name>.toml``, the seed); ``OPTIONS`` declares each model-specific
hyper-parameter with its default, so the config loader can reject unknown keys and wrong types.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from train.data import ExportData
from train.ripple import RippleSets, build_ripple_sets


@dataclass(frozen=True)
class Batch:
    """One step of pairwise training: each user with a training positive and a sampled negative."""

    users: torch.Tensor
    pos: torch.Tensor
    neg: torch.Tensor


@dataclass
class ModelContext:
    data: ExportData
    hidden: int
    options: dict[str, Any]
    seed: int = 7
    _ripples: dict[tuple[int, int], RippleSets] = field(default_factory=dict)

    def ripple(self, hops: int, size: int) -> RippleSets:
        """Ripple sets of the training interactions, built once per (hops, size)."""
        if (hops, size) not in self._ripples:
            d = self.data
            self._ripples[hops, size] = build_ripple_sets(
                *d.splits["train"], d.n_users, d.n_nodes, d.kg_head, d.kg_tail, hops, size, self.seed,
                kg_relation=d.kg_relation, n_relations=d.n_relations)
        return self._ripples[hops, size]


class RecModel(nn.Module, ABC):
    """Base of every recommender here."""

    OPTIONS: ClassVar[dict[str, Any]] = {}  # model-specific hyper-parameters and their defaults
    trainable: ClassVar[bool] = True  # False: fitted in the constructor (MostPop, ItemKNN), no epochs

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> str | None:
        """A reason the option values cannot work, checked before any training; None when fine."""
        return None

    @abstractmethod
    def calculate_loss(self, batch: Batch) -> torch.Tensor:
        """Scalar loss of one batch."""

    @abstractmethod
    def full_sort_predict(self, users: torch.Tensor) -> torch.Tensor:
        """Scores [len(users), n_items] of every item for each user (higher is better)."""

    def scorer(self) -> Callable[[torch.Tensor], torch.Tensor]:
        """A users -> scores function for one evaluation pass; models with an expensive shared
        step (propagating a graph, encoding every item) do it once here instead of per chunk."""
        return self.full_sort_predict

    def stage_scores(self, users: torch.Tensor, stage: str) -> torch.Tensor:
        """Scores of the serving cascade's ``stage`` (retrieval | rough | fine). A model with cheaper
        partial scores (MGNN: id part, id + text parts, all parts) overrides this; by default every
        stage uses the full scores, so retrieval and rough sort only cut the candidate list."""
        return self.full_sort_predict(users)


class PairwiseModel(RecModel):
    """A model trained with BPR on (user, positive, negative) triples."""

    @abstractmethod
    def pair_scores(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        """Scores of the positives and of the negatives of a batch."""

    def calculate_loss(self, batch: Batch) -> torch.Tensor:
        """BPR: -log sigmoid(score(pos) - score(neg)), averaged over the batch."""
        pos, neg = self.pair_scores(batch)
        return -F.logsigmoid(pos.float() - neg.float()).mean()


class DotProductModel(PairwiseModel):
    """Score = <user vector, item vector>; subclasses say how the two tables are made."""

    @abstractmethod
    def ranking_vectors(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(user vectors [U, h], item vectors [N, h]) with gradients when training."""

    def pair_scores(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        users, items = self.ranking_vectors()
        user = users[batch.users]
        return (user * items[batch.pos]).sum(1), (user * items[batch.neg]).sum(1)

    def full_sort_predict(self, users: torch.Tensor) -> torch.Tensor:
        user_vectors, item_vectors = self.ranking_vectors()
        return user_vectors[users] @ item_vectors.T

    def scorer(self) -> Callable[[torch.Tensor], torch.Tensor]:
        with torch.no_grad():
            user_vectors, item_vectors = (t.float() for t in self.ranking_vectors())
        return lambda users: user_vectors[users.to(user_vectors.device)] @ item_vectors.T


def batch_l2(*rows: torch.Tensor) -> torch.Tensor:
    """Squared L2 norm of a batch's embedding rows per triple (RecBole's reg_weight term, squared).
    Unlike Adam's weight_decay, which shrinks every row of a table at every step, it penalises a
    row only when the row is in a batch (grid in docs/RESULTS.md)."""
    return sum(r.float().pow(2).sum() for r in rows) / max(len(rows[0]), 1)


class FixedModel(RecModel):
    """Nothing to learn: the scores are computed from the training interactions at construction."""

    trainable = False

    def calculate_loss(self, batch: Batch) -> torch.Tensor:
        raise TypeError(f"{type(self).__name__} has nothing to train")
