"""Load an export directory into tensors: the only thing training reads.

Media tensors are downsampled once here to the encoders' input size, so every epoch
reuses them instead of pooling full-resolution keyframes again per batch. Files or tensors
an older export lacks (the text tensor, the KG's relation column) are read defensively:
the modality is then marked missing for every item instead of failing the whole build.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import torch
import torch.nn.functional as F
from safetensors.numpy import load_file

from export.split import TEST, TRAIN, VALID

# Encoder input sizes: (frames, side) for keyframes, side for posters, (mels, steps) for log-mel.
# Keyframes at 16 px: at 32 px the 3D CNN took 0.31 s of a batch against 0.07 s for the poster CNN
# (demo export, hidden 128, one thread), most of an MGNN epoch.
KEYFRAME_INPUT = (4, 16)
POSTER_INPUT = 32
LOGMEL_INPUT = (32, 32)
MODALITIES = ("text", "keyframes", "logmel", "poster")
# Side of the pooled grids that turn image-like inputs into flat feature vectors (VBPR, MMGCN).
FLAT_GRID = 4


@dataclass
class ExportData:
    n_users: int
    n_items: int
    n_nodes: int  # items first, then entities; index n_nodes is padding
    splits: dict[str, tuple[np.ndarray, np.ndarray]]  # train | val | test -> (user_idx, item_idx)
    kg_head: np.ndarray
    kg_tail: np.ndarray
    media: dict[str, torch.Tensor]  # modality -> float32 [N, C, ...] encoder input (text: [N, D])
    masks: dict[str, torch.Tensor]  # modality -> bool [N]
    kg_relation: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # relation id per edge
    relation_names: tuple[str, ...] = ()
    timestamps: dict[str, np.ndarray] = field(default_factory=dict)  # split -> timestamp per interaction
    titles: tuple[str, ...] = ()
    entity_names: tuple[str, ...] = ()  # by node_idx - n_items
    user_ids: dict[int, int] = field(default_factory=dict)  # the source's user id -> user_idx
    notes: tuple[str, ...] = ()  # what the export lacked and how it was read

    def __post_init__(self) -> None:
        if len(self.kg_relation) != len(self.kg_head):
            self.kg_relation = np.zeros(len(self.kg_head), dtype=np.int64)
            self.relation_names = self.relation_names or ("related_to",)

    @property
    def n_relations(self) -> int:
        return max(len(self.relation_names), 1)

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

    def flat_features(self, modality: str) -> torch.Tensor:
        """[N, D] standardised feature vector of one modality (zeros where it is missing), for the
        feature-based models (VBPR, MMGCN) that take fixed vectors rather than learn encoders."""
        x = self.media[modality]
        if modality == "keyframes":
            x = F.adaptive_avg_pool3d(x, (1, FLAT_GRID, FLAT_GRID))
        elif modality in ("poster", "logmel"):
            x = F.adaptive_avg_pool2d(x, FLAT_GRID)
        x = x.reshape(len(x), -1).float()
        mask = self.masks[modality]
        if mask.any():
            present = x[mask]
            x = (x - present.mean(0)) / (present.std(0) + 1e-6) if len(present) > 1 else x - present.mean(0)
        return x * mask.view(-1, 1).float()

    def item_attributes(self, max_attributes: int, relations: tuple[str, ...] = ()) -> torch.Tensor:
        """Long [N, max_attributes] KG tails of each item (padding = n_nodes), optionally only
        those of the named relations; the first ``max_attributes`` in KG order are kept."""
        keep = np.ones(len(self.kg_head), dtype=bool)
        if relations:
            wanted = [i for i, name in enumerate(self.relation_names) if name in relations]
            keep = np.isin(self.kg_relation, wanted)
        heads, tails = self.kg_head[keep], self.kg_tail[keep]
        heads, tails = heads[heads < self.n_items], tails[heads < self.n_items]
        out = np.full((self.n_items, max_attributes), self.n_nodes, dtype=np.int64)
        order = np.argsort(heads, kind="stable")
        heads, tails = heads[order], tails[order]
        starts = np.searchsorted(heads, np.arange(self.n_items))
        rank = np.arange(len(heads)) - starts[heads]
        fits = rank < max_attributes
        out[heads[fits], rank[fits]] = tails[fits]
        return torch.from_numpy(out)

    def with_changes(self, **changes) -> "ExportData":
        """A copy with some fields replaced (controls, time split); cached properties are recomputed."""
        return replace(self, **changes)


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


def _text_input(raw: dict[str, np.ndarray], n_items: int) -> tuple[torch.Tensor, torch.Tensor, str | None]:
    """The export's TF-IDF + SVD text tensor [N, D]; all-missing [N, 1] zeros when it is absent."""
    if "text" not in raw or len(raw["text"]) != n_items:
        return torch.zeros(n_items, 1), torch.zeros(n_items, dtype=torch.bool), "no text tensor in features.safetensors"
    text = torch.from_numpy(raw["text"].astype(np.float32))
    mask = raw.get("has_text")
    has = torch.from_numpy(mask.astype(bool)) if mask is not None else text.abs().sum(1) > 0
    return text * has.view(-1, 1).float(), has, None


def _column(table_path: Path, name: str, fallback):
    names = pq.read_schema(table_path).names
    return pq.read_table(table_path, columns=[name]).column(name).to_pylist() if name in names else fallback


def load_export(export_dir: Path, min_rating: float = 0.0) -> ExportData:
    """Read items, interactions (with the export's split), KG edges with their relation, and features."""
    export_dir = Path(export_dir)
    n_items = pq.read_metadata(export_dir / "items.parquet").num_rows
    n_entities = pq.read_metadata(export_dir / "entities.parquet").num_rows
    inter_path = export_dir / "interactions.parquet"
    inter_columns = [c for c in ("user_idx", "item_idx", "rating", "split", "timestamp", "user_id")
                     if c in pq.read_schema(inter_path).names]
    inter = pq.read_table(inter_path, columns=inter_columns)
    keep = inter.column("rating").to_numpy() >= min_rating
    users = inter.column("user_idx").to_numpy()[keep].astype(np.int64)
    items = inter.column("item_idx").to_numpy()[keep].astype(np.int64)
    split = inter.column("split").to_numpy()[keep]
    stamps = (inter.column("timestamp").to_numpy()[keep].astype(np.float64) if "timestamp" in inter_columns
              else np.zeros(len(users)))
    user_ids = ({int(source): int(idx) for source, idx in zip(inter.column("user_id").to_numpy(),
                                                           inter.column("user_idx").to_numpy())}
                if "user_id" in inter_columns else {})
    kg_path = export_dir / "kg.parquet"
    kg = pq.read_table(kg_path, columns=["head_idx", "tail_idx"])
    notes = []
    relation_values = _column(kg_path, "relation", None)
    if relation_values is None:
        notes.append("kg.parquet has no relation column: every edge read as one relation")
        relation_names, kg_relation = ("related_to",), np.zeros(kg.num_rows, dtype=np.int64)
    else:
        names, codes = np.unique(np.asarray(relation_values, dtype=object).astype(str), return_inverse=True)
        relation_names, kg_relation = tuple(names.tolist()), codes.astype(np.int64)
    raw = load_file(str(export_dir / "features.safetensors"))
    text, has_text, text_note = _text_input(raw, n_items)
    if text_note:
        notes.append(text_note)
    masks = {m: torch.from_numpy(raw[f"has_{m}"].astype(bool)) for m in MODALITIES if m != "text"}
    masks["text"] = has_text
    media = {
        "text": text,
        "keyframes": _keyframes_input(raw["keyframes"]),
        "logmel": _logmel_input(raw["logmel"], raw["has_logmel"].astype(bool)),
        "poster": _poster_input(raw["poster"]),
    }
    codes = (("train", TRAIN), ("val", VALID), ("test", TEST))
    return ExportData(
        n_users=int(users.max()) + 1 if len(users) else 0,
        n_items=n_items,
        n_nodes=n_items + n_entities,
        splits={name: (users[split == code], items[split == code]) for name, code in codes},
        kg_head=kg.column("head_idx").to_numpy().astype(np.int64),
        kg_tail=kg.column("tail_idx").to_numpy().astype(np.int64),
        media=media,
        masks=masks,
        kg_relation=kg_relation,
        relation_names=relation_names,
        timestamps={name: stamps[split == code] for name, code in codes},
        titles=tuple(str(t) for t in _column(export_dir / "items.parquet", "title", [""] * n_items)),
        entity_names=tuple(str(n) for n in _column(export_dir / "entities.parquet", "name", [""] * n_entities)),
        user_ids=user_ids,
        notes=tuple(notes),
    )
