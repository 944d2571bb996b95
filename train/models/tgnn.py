"""TGNN: the paper's text-only ablation of MGNN -- the same network with the id embedding and
the text encoder as the only item parts (no keyframes, audio or poster encoders)."""

from __future__ import annotations

from train.models.mgnn import MGNN


class TGNN(MGNN):
    OPTIONS = {**MGNN.OPTIONS, "modalities": ["text"]}
