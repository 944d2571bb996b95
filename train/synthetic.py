"""A synthetic export with a planted multi-modal signal, for tests and the benchmark.

Half the items have bright posters, half dark; each user belongs to a "bright" or a
"dark" taste group and mostly clicks items of that brightness. Entities are random
(pure noise), so only the poster modality and the collaborative signal explain clicks.
The files follow the export contract of warehouse/export.py exactly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from safetensors.numpy import save_file

from export.split import assign_splits


def write_synthetic_export(
    out: Path,
    n_users: int = 120,
    n_items: int = 80,
    clicks_per_user: int = 15,
    n_entities: int = 20,
    side: int = 16,
    frames: int = 4,
    taste_strength: float = 0.9,
    seed: int = 0,
    text_dim: int = 8,
    n_groups: int = 2,
    poster_noise: int = 30,
) -> np.ndarray:
    """Write the export files into ``out``; returns each item's brightness group (int [N]; with the
    default two groups, 1 = bright, 0 = dark).

    Each user likes one group; the poster's brightness level tells the groups apart. The text
    tensor is noise (no link to the groups), so only the poster carries the planted signal."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    group = rng.permutation(n_items) % n_groups
    user_group = rng.integers(0, n_groups, n_users)

    rows_u, rows_i = [], []
    for user in range(n_users):
        liked = np.flatnonzero(group == user_group[user])
        other = np.flatnonzero(group != user_group[user])
        n_liked = int(round(clicks_per_user * taste_strength))
        picks = np.concatenate([rng.choice(liked, n_liked, replace=False),
                                rng.choice(other, clicks_per_user - n_liked, replace=False)])
        rows_u.append(np.full(len(picks), user))
        rows_i.append(np.sort(picks))
    users, items = np.concatenate(rows_u), np.concatenate(rows_i)
    order = np.lexsort((items, users))
    users, items = users[order], items[order]

    pq.write_table(pa.table({
        "item_idx": np.arange(n_items, dtype=np.int64),
        "movie_id": [f"syn{i}" for i in range(n_items)],
        "title": [f"Synthetic {i}" for i in range(n_items)],
        "year": np.full(n_items, 2000, dtype=np.int32),
        "movielens_id": np.arange(n_items, dtype=np.int32),
        "imdb_id": [None] * n_items,
    }), out / "items.parquet")
    pq.write_table(pa.table({
        "user_idx": users.astype(np.int64), "item_idx": items.astype(np.int64),
        "user_id": (users + 1).astype(np.int32), "rating": np.full(len(users), 4.0),
        "timestamp": np.arange(len(users), dtype=np.float64),
        "split": assign_splits(users, seed=seed),
    }), out / "interactions.parquet")
    pq.write_table(pa.table({
        "entity_idx": np.arange(n_entities, dtype=np.int64),
        "node_idx": n_items + np.arange(n_entities, dtype=np.int64),
        "entity_id": [f"genre/g{e}" for e in range(n_entities)],
        "kind": ["Genre"] * n_entities, "name": [f"G{e}" for e in range(n_entities)],
    }), out / "entities.parquet")
    heads = np.repeat(np.arange(n_items), 2)
    tails = n_items + rng.integers(0, n_entities, len(heads))
    pq.write_table(pa.table({"head_idx": heads.astype(np.int64), "relation": ["has_genre"] * len(heads),
                             "tail_idx": tails.astype(np.int64)}), out / "kg.parquet")

    level = np.linspace(40, 200, n_groups).round().astype(np.int64)[group][:, None, None, None]
    poster = np.clip(level + rng.integers(-poster_noise, poster_noise, (n_items, side, side, 3)), 0, 255).astype(np.uint8)
    has_keyframes = rng.random(n_items) < 0.7
    keyframes = rng.integers(0, 256, (n_items, frames, side, side, 3), dtype=np.uint8) * has_keyframes[:, None, None, None, None]
    has_logmel = rng.random(n_items) < 0.7
    logmel = (rng.standard_normal((n_items, side, side)) * has_logmel[:, None, None]).astype(np.float16)
    has_text = rng.random(n_items) < 0.9
    text = (rng.standard_normal((n_items, text_dim)) * has_text[:, None]).astype(np.float32)
    save_file({
        "keyframes": keyframes.astype(np.uint8), "logmel": logmel, "poster": poster,
        "has_keyframes": has_keyframes, "has_logmel": has_logmel, "has_poster": np.ones(n_items, dtype=bool),
        "text": text, "has_text": has_text,
    }, str(out / "features.safetensors"))
    return group
