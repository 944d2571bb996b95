"""MGNN (Alcott, 2.2): multi-modal item encoding + K-hop ripple user representation.

Items: Em(FC) id embedding (the text modality) concatenated with the 3D-CNN keyframe,
CNN log-mel and CNN poster encodings (zeroed where the modality is missing), then a
linear fusion to ``hidden``. Entities: id embeddings. A user is the sum over hops of
Dense_k(mean of the node vectors in hop k of the ripple set). Score = dot(user, item).
With ``modalities=()`` the same network is the paper's text-only ablation TGNN.
"""

from __future__ import annotations

import torch
from torch import nn

from train.data import ExportData
from train.models.encoders import ImageEncoder, VideoEncoder
from train.ripple import RippleSets

ALL_MODALITIES = ("keyframes", "logmel", "poster")


class MGNN(nn.Module):
    def __init__(
        self,
        data: ExportData,
        ripple: RippleSets,
        hidden: int,
        modalities: tuple[str, ...] = ALL_MODALITIES,
        dedup_batch_items: bool = True,
    ) -> None:
        super().__init__()
        self.n_items, self.n_nodes, self.hidden = data.n_items, data.n_nodes, hidden
        self.modalities = modalities
        self.dedup_batch_items = dedup_batch_items
        self.node_emb = nn.Embedding(data.n_nodes + 1, hidden, padding_idx=data.n_nodes)
        nn.init.normal_(self.node_emb.weight, std=0.1)
        with torch.no_grad():
            self.node_emb.weight[data.n_nodes].zero_()
        builders = {"keyframes": lambda: VideoEncoder(hidden), "logmel": lambda: ImageEncoder(1, hidden),
                    "poster": lambda: ImageEncoder(3, hidden)}
        self.encoders = nn.ModuleDict({m: builders[m]() for m in modalities})
        self.fuse = nn.Linear(hidden * (1 + len(modalities)), hidden)
        self.hop_dense = nn.ModuleList(nn.Linear(hidden, hidden) for _ in range(ripple.nodes.shape[1]))
        for m in modalities:
            self.register_buffer(f"media_{m}", data.media[m], persistent=False)
            self.register_buffer(f"has_{m}", data.masks[m].float(), persistent=False)
        self.register_buffer("ripple_nodes", ripple.nodes, persistent=False)
        self.register_buffer("ripple_mask", ripple.mask.float(), persistent=False)

    def item_vectors(self, items: torch.Tensor) -> torch.Tensor:
        """Fused multi-modal vectors of item indices."""
        parts = [self.node_emb(items)]
        for m in self.modalities:
            encoded = self.encoders[m](getattr(self, f"media_{m}")[items])
            parts.append(encoded * getattr(self, f"has_{m}")[items].unsqueeze(1))
        return self.fuse(torch.cat(parts, dim=1))

    def node_vectors(self, nodes: torch.Tensor) -> torch.Tensor:
        """Items get fused vectors, entities (and padding, = 0) their embeddings."""
        is_item = nodes < self.n_items
        out = self.node_emb(nodes)
        if bool(is_item.any()):
            out = out.masked_scatter(is_item.unsqueeze(1), self.item_vectors(nodes[is_item]).to(out.dtype))
        return out

    def _users_from(self, ripple_vectors: torch.Tensor, users: torch.Tensor) -> torch.Tensor:
        """ripple_vectors [B, H, S, h] -> users [B, h]: masked mean per hop, Dense per hop, summed."""
        mask = self.ripple_mask[users].unsqueeze(-1)
        means = (ripple_vectors * mask).sum(2) / mask.sum(2).clamp(min=1.0)
        return sum(dense(means[:, hop]) for hop, dense in enumerate(self.hop_dense))

    def bpr_scores(self, users: torch.Tensor, pos: torch.Tensor, neg: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Scores of positive and negative items; each distinct node of the batch is encoded once."""
        ripple = self.ripple_nodes[users]
        needed = torch.cat([ripple.flatten(), pos, neg])
        if self.dedup_batch_items:
            unique, inverse = torch.unique(needed, return_inverse=True)
            vectors = self.node_vectors(unique)[inverse]
        else:
            vectors = self.node_vectors(needed)
        n_ripple = ripple.numel()
        user = self._users_from(vectors[:n_ripple].view(*ripple.shape, -1), users)
        pos_v, neg_v = vectors[n_ripple:].split(len(pos))
        return (user * pos_v).sum(1), (user * neg_v).sum(1)

    @torch.no_grad()
    def ranking_vectors(self, chunk: int = 1024) -> tuple[torch.Tensor, torch.Tensor]:
        """(all user vectors [U, h], all item vectors [N, h]) from one pass over every node."""
        nodes = torch.arange(self.n_nodes + 1, device=self.node_emb.weight.device)
        table = torch.cat([self.node_vectors(nodes[i : i + chunk]) for i in range(0, len(nodes), chunk)])
        users = torch.arange(self.ripple_nodes.shape[0], device=table.device)
        user_vectors = torch.cat([
            self._users_from(table[self.ripple_nodes[users[i : i + chunk]]], users[i : i + chunk])
            for i in range(0, len(users), chunk)
        ])
        return user_vectors, table[: self.n_items]

    @torch.no_grad()
    def retrieval_item_vectors(self) -> torch.Tensor:
        """The text (id) part of the fused item vector: fuse = W_id·e + W_media·m + b, media left out.

        Cheap enough to index for every item; the media part is added back when re-ranking.
        """
        w_id = self.fuse.weight[:, : self.hidden]
        return self.node_emb.weight[: self.n_items] @ w_id.T
