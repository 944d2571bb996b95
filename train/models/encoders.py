"""Per-modality encoders of MGNN: an FC text encoder, a 3D CNN over keyframes, 2D CNNs over
log-mel and posters.

Each ends in a fully connected layer to ``hidden`` (the CNNs after global average pooling),
so any input size the export carries works and every modality lands in the same space.
"""

from __future__ import annotations

import torch
from torch import nn


class TextEncoder(nn.Module):
    """Em(FC(text)) of the paper's Eq. (2): FC layers over the export's TF-IDF + SVD vector of the
    movie's title, genres, description and crawled documents."""

    def __init__(self, in_features: int, hidden: int, layers: int = 1) -> None:
        super().__init__()
        blocks: list[nn.Module] = []
        width = in_features
        for _ in range(layers - 1):
            blocks += [nn.Linear(width, hidden), nn.ReLU()]
            width = hidden
        blocks.append(nn.Linear(width, hidden))
        self.net = nn.Sequential(*blocks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class VideoEncoder(nn.Module):
    """3D CNN over [B, 3, F, S, S] keyframes."""

    def __init__(self, hidden: int, channels: int = 16) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv3d(3, channels, 3, stride=(1, 2, 2), padding=1), nn.ReLU(),
            nn.Conv3d(channels, 2 * channels, 3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool3d(1), nn.Flatten(), nn.Linear(2 * channels, hidden),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class ImageEncoder(nn.Module):
    """2D CNN over [B, C, H, W]: posters (C=3) and log-mel spectrograms (C=1)."""

    def __init__(self, in_channels: int, hidden: int, channels: int = 16) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(in_channels, channels, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(channels, 2 * channels, 3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2 * channels, hidden),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)
