"""MMGCN (Wei et al., 2019): one graph convolution network per modality over the user-item
graph, the per-modality user and item representations summed.

Per modality m: items start from a projection of their fixed features f_i^m, users from a
learnt preference vector; each layer aggregates the neighbours (normalised mean), transforms
them and combines the result with the node's own transformed state and a shared id embedding
(MMGCN's "combination" layer, ``combine = "add"``). Score = sum_m <u_m, i_m>.
"""

from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F
from torch import nn

from train.data import MODALITIES
from train.models.base import Batch, DotProductModel, ModelContext
from train.models.lightgcn import SymmetricSparseMM, normalized_adjacency


def row_edges(adjacency: torch.Tensor, rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(position in ``rows``, column, value) of every stored entry of a CSR ``adjacency``'s ``rows``."""
    crow = adjacency.crow_indices()
    starts, counts = crow[rows], crow[rows + 1] - crow[rows]
    local = torch.repeat_interleave(torch.arange(len(rows), device=rows.device), counts)
    offsets = torch.arange(len(local), device=rows.device) - (counts.cumsum(0) - counts)[local]
    edges = starts[local] + offsets
    return local, adjacency.col_indices()[edges], adjacency.values()[edges]


def rows_times(edges: tuple[torch.Tensor, torch.Tensor, torch.Tensor], n_rows: int, x: torch.Tensor) -> torch.Tensor:
    """``(adjacency @ x)[rows]`` from the rows' ``row_edges``, without the other rows."""
    local, cols, values = edges
    out = torch.zeros(n_rows, x.shape[1], dtype=x.dtype, device=x.device)
    return out.index_add(0, local, values.unsqueeze(1).to(x.dtype) * x[cols])


class ModalityGCN(nn.Module):
    def __init__(self, n_users: int, feature_dim: int, hidden: int, n_layers: int, init_std: float) -> None:
        super().__init__()
        self.user_pref = nn.Parameter(torch.randn(n_users, hidden) * init_std)
        self.project = nn.Linear(feature_dim, hidden)
        self.aggregate = nn.ModuleList(nn.Linear(hidden, hidden) for _ in range(n_layers))
        self.own = nn.ModuleList(nn.Linear(hidden, hidden) for _ in range(n_layers))

    def forward(self, features: torch.Tensor, adjacency: torch.Tensor, id_embedding: torch.Tensor,
                rows: torch.Tensor | None = None) -> torch.Tensor:
        """Node representations [n_users + n_items, h], or only those of ``rows``: the last layer
        then runs on those rows alone (a training batch names ~660 of ml-latest-small's 10,341
        nodes), the same values as the full pass's rows. Earlier layers stay whole: the rows they
        would need cover ~80 % of the nodes there, where a gather costs more than it saves."""
        x = torch.cat([self.user_pref, F.leaky_relu(self.project(features))])
        for layer, (aggregate, own) in enumerate(zip(self.aggregate, self.own)):
            last = rows is not None and layer == len(self.aggregate) - 1
            with torch.autocast(x.device.type, enabled=False):
                if last:
                    neighbours = rows_times(row_edges(adjacency, rows), len(rows), x.float())
                else:
                    neighbours = SymmetricSparseMM.apply(adjacency, x.float())
            x, ids = (x[rows], id_embedding[rows]) if last else (x, id_embedding)
            x = F.leaky_relu(aggregate(neighbours)) + F.leaky_relu(own(x)) + ids
        return x[rows] if rows is not None and not len(self.aggregate) else x


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
        with warnings.catch_warnings():  # torch flags its CSR layout as beta; CSR @ dense and its indices are all this uses
            warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta", category=UserWarning)
            self.register_buffer("adjacency", normalized_adjacency(d).to_sparse_csr(), persistent=False)
        self.gcns = nn.ModuleDict()
        for m in self.modalities:
            features = d.flat_features(m)
            self.register_buffer(f"features_{m}", features, persistent=False)
            self.gcns[m] = ModalityGCN(d.n_users, features.shape[1], ctx.hidden, int(o["n_layers"]), o["init_std"])

    def ranking_vectors(self) -> tuple[torch.Tensor, torch.Tensor]:
        out = sum(self.gcns[m](getattr(self, f"features_{m}"), self.adjacency, self.id_embedding)
                  for m in self.modalities)
        return out[: self.n_users], out[self.n_users :]

    def pair_scores(self, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        """The batch's scores from the batch's nodes only (``ModalityGCN.forward``'s ``rows``)."""
        nodes = torch.cat([batch.users, self.n_users + batch.pos, self.n_users + batch.neg])
        rows, inverse = torch.unique(nodes, return_inverse=True)
        out = sum(self.gcns[m](getattr(self, f"features_{m}"), self.adjacency, self.id_embedding, rows)
                  for m in self.modalities)
        user, pos, neg = out[inverse].split(len(batch.users))
        return (user * pos).sum(1), (user * neg).sum(1)
