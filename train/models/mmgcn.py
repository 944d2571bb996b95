"""MMGCN (Wei et al., 2019): one graph convolution network per modality over the user-item
graph, the per-modality user and item representations summed.

Per modality m: items start from a projection of their fixed features f_i^m, users from a
learnt preference vector; each layer aggregates the neighbours (normalised mean), transforms
them and combines the result with the node's own transformed state and a shared id embedding
(MMGCN's "combination" layer, ``combine = "add"``). Score = sum_m <u_m, i_m>.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from train.data import MODALITIES
from train.models.base import DotProductModel, ModelContext
from train.models.lightgcn import normalized_adjacency


class ModalityGCN(nn.Module):
    def __init__(self, n_users: int, feature_dim: int, hidden: int, n_layers: int, init_std: float) -> None:
        super().__init__()
        self.user_pref = nn.Parameter(torch.randn(n_users, hidden) * init_std)
        self.project = nn.Linear(feature_dim, hidden)
        self.aggregate = nn.ModuleList(nn.Linear(hidden, hidden) for _ in range(n_layers))
        self.own = nn.ModuleList(nn.Linear(hidden, hidden) for _ in range(n_layers))

    def forward(self, features: torch.Tensor, adjacency: torch.Tensor, id_embedding: torch.Tensor) -> torch.Tensor:
        x = torch.cat([self.user_pref, F.leaky_relu(self.project(features))])
        for aggregate, own in zip(self.aggregate, self.own):
            with torch.autocast(x.device.type, enabled=False):
                neighbours = torch.sparse.mm(adjacency, x.float())
            x = F.leaky_relu(aggregate(neighbours)) + F.leaky_relu(own(x)) + id_embedding
        return x


class MMGCN(DotProductModel):
    OPTIONS = {"modalities": ["text", "poster", "keyframes", "logmel"], "n_layers": 2, "init_std": 0.1}

    @classmethod
    def validate_options(cls, options):
        unknown = set(options["modalities"]) - set(MODALITIES)
        if unknown or not options["modalities"]:
            return f"modalities must be a non-empty subset of {', '.join(MODALITIES)}; got {options['modalities']}"
        return None

    def __init__(self, ctx: ModelContext) -> None:
        super().__init__()
        d, o = ctx.data, ctx.options
        self.n_users, self.modalities = d.n_users, tuple(o["modalities"])
        self.id_embedding = nn.Parameter(torch.randn(d.n_users + d.n_items, ctx.hidden) * o["init_std"])
        self.register_buffer("adjacency", normalized_adjacency(d), persistent=False)
        self.gcns = nn.ModuleDict()
        for m in self.modalities:
            features = d.flat_features(m)
            self.register_buffer(f"features_{m}", features, persistent=False)
            self.gcns[m] = ModalityGCN(d.n_users, features.shape[1], ctx.hidden, int(o["n_layers"]), o["init_std"])

    def ranking_vectors(self) -> tuple[torch.Tensor, torch.Tensor]:
        out = sum(self.gcns[m](getattr(self, f"features_{m}"), self.adjacency, self.id_embedding)
                  for m in self.modalities)
        return out[: self.n_users], out[self.n_users :]
