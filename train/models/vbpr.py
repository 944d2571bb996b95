"""VBPR (He & McAuley, 2016): BPR-MF plus a visual/content term theta_u . (E f_i) + beta' f_i,
with f_i the item's fixed feature vectors of the chosen modalities. The feature-based
multimodal baseline of current benchmarks (MMRec ships it), here over the export's features."""

from __future__ import annotations

import torch
from torch import nn

from train.data import MODALITIES
from train.models.base import DotProductModel, ModelContext


class VBPR(DotProductModel):
    # feature_scale multiplies the standardised features: under Adam every entry of the projection E
    # moves by about lr per step whatever its gradient, so E f can move by up to lr * |f|_1 per step, and
    # with standardised features (|f|_1 ~ 50 for the 64 text dimensions) the content term would learn
    # tens of times faster than the id factors.
    OPTIONS = {"modalities": ["text", "poster", "keyframes", "logmel"], "init_std": 0.1, "feature_scale": 1.0}

    @classmethod
    def validate_options(cls, options):
        unknown = set(options["modalities"]) - set(MODALITIES)
        if unknown:
            return f"unknown modalities {sorted(unknown)}; known: {', '.join(MODALITIES)}"
        return "feature_scale must be >= 0" if options["feature_scale"] < 0 else None

    def __init__(self, ctx: ModelContext) -> None:
        super().__init__()
        d, half = ctx.data, max(ctx.hidden // 2, 1)
        feats = [d.flat_features(m) for m in ctx.options["modalities"]]
        features = torch.cat(feats, 1) * ctx.options["feature_scale"] if feats else torch.zeros(d.n_items, 1)
        self.register_buffer("features", features, persistent=False)
        self.user_emb = nn.Embedding(d.n_users, 2 * half)  # [gamma_u, theta_u]
        self.item_emb = nn.Embedding(d.n_items, half)  # gamma_i
        self.project = nn.Linear(features.shape[1], half, bias=False)  # E
        self.feature_bias = nn.Linear(features.shape[1], 1, bias=False)  # beta'
        for emb in (self.user_emb, self.item_emb):
            nn.init.normal_(emb.weight, std=ctx.options["init_std"])

    def ranking_vectors(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Users [gamma_u, theta_u, 1] . items [gamma_i, E f_i, beta' f_i] is VBPR's score."""
        ones = torch.ones(len(self.user_emb.weight), 1, device=self.features.device)
        items = torch.cat([self.item_emb.weight, self.project(self.features), self.feature_bias(self.features)], 1)
        return torch.cat([self.user_emb.weight, ones], 1), items
