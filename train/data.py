"""Load an export directory into tensors: the only thing training reads.

Media tensors are downsampled once here to the encoders' input size, so every epoch
reuses them instead of pooling full-resolution keyframes again per batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import torch
import torch.nn.functional as F
from safetensors.numpy import load_file

from export.split import TEST, TRAIN, VALID

# Encoder input sizes: (frames, side) for keyframes, side for posters, (mels, steps) for log-mel.
KEYFRAME_INPUT = (4, 32)
POSTER_INPUT = 32
LOGMEL_INPUT = (32, 32)
MODALITIES = ("keyframes", "logmel", "poster")


@dataclass
class ExportData:
    n_users: int
    n_items: int
    n_nodes: int  # items first, then entities; index n_nodes is padding
    splits: dict[str, tuple[np.ndarray, np.ndarray]]  # train | val | test -> (user_idx, item_idx)
    kg_head: np.ndarray
    kg_tail: np.ndarray
    media: dict[str, torch.Tensor]  # modality -> float32 [N, C, ...] encoder input
    masks: dict[str, torch.Tensor]  # modality -> bool [N]

    def seen(self, split: str) -> torch.Tensor:
        """Bool [U, N]: interactions of ``split`` (to exclude from, or score against, a ranking)."""
        users, items = self.splits[split]
        matrix = torch.zeros(self.n_users, self.n_items, dtype=torch.bool)
        matrix[torch.from_numpy(users), torch.from_numpy(items)] = True
        return matrix

    @cached_property
    def train_pair_keys(self) -> torch.Tensor:
        """Sorted ``user * n_items + item`` of the training interactions: O(interactions) memory,
        so negative sampling can reject a user's own positives without a dense [U, N] matrix."""
        users, items = self.splits["train"]
        return torch.from_numpy(np.unique(users * self.n_items + items))


def _pool_chunks(x: np.ndarray, to_float, pool, chunk: int = 256) -> torch.Tensor:
    """Convert and pool in chunks so full-resolution float copies never exist for all items at once."""
    return torch.cat([pool(to_float(torch.from_numpy(x[i : i + chunk]))) for i in range(0, max(len(x), 1), chunk)])


def _keyframes_input(x: np.ndarray) -> torch.Tensor:
    """[N,F,S,S,3] uint8 -> [N,3,F',S',S'] in [0,1]."""
    frames, side = min(KEYFRAME_INPUT[0], x.shape[1]), min(KEYFRAME_INPUT[1], x.shape[2])
    return _pool_chunks(
        x,
        lambda t: t.permute(0, 4, 1, 2, 3).float() / 255.0,
        lambda t: F.adaptive_avg_pool3d(t, (frames, side, side)),
    )


def _poster_input(x: np.ndarray) -> torch.Tensor:
    """[N,S,S,3] uint8 -> [N,3,S',S'] in [0,1]."""
    side = min(POSTER_INPUT, x.shape[1])
    return _pool_chunks(x, lambda t: t.permute(0, 3, 1, 2).float() / 255.0, lambda t: F.adaptive_avg_pool2d(t, side))


def _logmel_input(x: np.ndarray, mask: np.ndarray) -> torch.Tensor:
    """[N,M,T] -> [N,1,M',T'], standardised with the statistics of the items that have audio."""
    t = torch.from_numpy(x.astype(np.float32)).unsqueeze(1)
    t = F.adaptive_avg_pool2d(t, (min(LOGMEL_INPUT[0], x.shape[1]), min(LOGMEL_INPUT[1], x.shape[2])))
    if mask.any():
        present = t[torch.from_numpy(mask)]
        t = (t - present.mean()) / (present.std() + 1e-6)
    return t * torch.from_numpy(mask).view(-1, 1, 1, 1)


def load_export(export_dir: Path, min_rating: float = 0.0) -> ExportData:
    """Read items, interactions (with the export's split), KG edges and features."""
    export_dir = Path(export_dir)
    n_items = pq.read_metadata(export_dir / "items.parquet").num_rows
    n_entities = pq.read_metadata(export_dir / "entities.parquet").num_rows
    inter = pq.read_table(export_dir / "interactions.parquet", columns=["user_idx", "item_idx", "rating", "split"])
    keep = inter.column("rating").to_numpy() >= min_rating
    users = inter.column("user_idx").to_numpy()[keep].astype(np.int64)
    items = inter.column("item_idx").to_numpy()[keep].astype(np.int64)
    split = inter.column("split").to_numpy()[keep]
    kg = pq.read_table(export_dir / "kg.parquet", columns=["head_idx", "tail_idx"])
    raw = load_file(str(export_dir / "features.safetensors"))
    masks = {m: torch.from_numpy(raw[f"has_{m}"].astype(bool)) for m in MODALITIES}
    media = {
        "keyframes": _keyframes_input(raw["keyframes"]),
        "logmel": _logmel_input(raw["logmel"], raw["has_logmel"].astype(bool)),
        "poster": _poster_input(raw["poster"]),
    }
    return ExportData(
        n_users=int(users.max()) + 1 if len(users) else 0,
        n_items=n_items,
        n_nodes=n_items + n_entities,
        splits={name: (users[split == code], items[split == code]) for name, code in
                (("train", TRAIN), ("val", VALID), ("test", TEST))},
        kg_head=kg.column("head_idx").to_numpy().astype(np.int64),
        kg_tail=kg.column("tail_idx").to_numpy().astype(np.int64),
        media=media,
        masks=masks,
    )
