"""LightGCN (He et al., 2020): id embeddings smoothed over the normalised user-item graph,
the layers' outputs averaged. The strongest id-only baseline RecBole ships for this task."""

from __future__ import annotations

import warnings

import torch
from torch import nn

from train.data import ExportData
from train.models.base import Batch, DotProductModel, ModelContext, batch_l2


def normalized_adjacency(data: ExportData) -> torch.Tensor:
    """Sparse D^-1/2 A D^-1/2 of the bipartite training graph, users first then items."""
    users, items = (torch.from_numpy(a) for a in data.splits["train"])
    pairs = torch.unique(users * data.n_items + items)
    users, items = pairs // data.n_items, pairs % data.n_items
    n = data.n_users + data.n_items
    rows = torch.cat([users, items + data.n_users])
    cols = torch.cat([items + data.n_users, users])
    degree = torch.bincount(rows, minlength=n).float().clamp(min=1)
    values = degree[rows].rsqrt() * degree[cols].rsqrt()
    return torch.sparse_coo_tensor(torch.stack([rows, cols]), values, (n, n), check_invariants=True).coalesce()


class SymmetricSparseMM(torch.autograd.Function):
    """``adjacency @ x`` for a symmetric sparse ``adjacency``: the gradient is ``adjacency @ grad``
    (A^T = A), so no step transposes and re-coalesces A, as ``torch.sparse.mm``'s backward does
    (1.7-2.7x faster propagation on the full ml-latest-small graph, docs/BENCHMARKS.md, train)."""

    @staticmethod
    def forward(ctx, adjacency: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        ctx.adjacency = adjacency
        return adjacency @ x

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[None, torch.Tensor]:
        return None, ctx.adjacency @ grad


class LightGCN(DotProductModel):
    OPTIONS = {"n_layers": 3, "init_std": 0.1, "reg_weight": 0.0}

    @classmethod
    def validate_options(cls, options):
        if options["n_layers"] < 0 or options["reg_weight"] < 0:
            return "n_layers and reg_weight must be >= 0"
        return None

    def __init__(self, ctx: ModelContext) -> None:
        super().__init__()
        self.n_users, self.n_layers = ctx.data.n_users, int(ctx.options["n_layers"])
        self.embedding = nn.Embedding(ctx.data.n_users + ctx.data.n_items, ctx.hidden)
        nn.init.normal_(self.embedding.weight, std=ctx.options["init_std"])
        with warnings.catch_warnings():  # torch flags its CSR layout as beta; CSR @ dense is all this uses
            warnings.filterwarnings("ignore", message="Sparse CSR tensor support is in beta", category=UserWarning)
            adjacency = normalized_adjacency(ctx.data).to_sparse_csr()
        self.register_buffer("adjacency", adjacency, persistent=False)
        self.reg_weight = float(ctx.options["reg_weight"])

    def calculate_loss(self, batch: Batch) -> torch.Tensor:
        """BPR on the propagated vectors plus, as in the paper, L2 on the batch's layer-0 embeddings."""
        loss = super().calculate_loss(batch)
        if self.reg_weight:
            ego = self.embedding.weight
            loss = loss + self.reg_weight * batch_l2(ego[batch.users], ego[self.n_users + batch.pos],
                                                     ego[self.n_users + batch.neg])
        return loss

    def ranking_vectors(self) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.embedding.weight
        layers = [x]
        with torch.autocast(x.device.type, enabled=False):  # sparse kernels stay in float32 under AMP
            for _ in range(self.n_layers):
                x = SymmetricSparseMM.apply(self.adjacency, x)
                layers.append(x)
        out = torch.stack(layers).mean(0)
        return out[: self.n_users], out[self.n_users :]
