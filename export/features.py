"""Per-modality feature matrices row-aligned to item_idx, gathered from .npy blobs.

Researchers want one fixed tensor per modality plus a mask, not a blob store: this
module turns the (asset -> feature blob) rows into exactly that, recording every blob
that is unreadable or has the wrong shape instead of failing the export.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field

import duckdb
import numpy as np

from warehouse.blobs import BlobStore

# feature -> (asset kind it should come from, array ndim, stored dtype, shape used when no item has it)
FEATURE_SPECS: dict[str, tuple[str, int, np.dtype, tuple[int, ...]]] = {
    "keyframes": ("trailer", 4, np.dtype(np.uint8), (1, 1, 1, 3)),
    "logmel": ("audio", 2, np.dtype(np.float16), (1, 1)),
    "poster": ("poster", 3, np.dtype(np.uint8), (1, 1, 3)),
}

# One feature blob per (movie, feature): prefer the asset kind meant for it, then the newest extractor.
_KIND_OF_FEATURE = " ".join(f"WHEN '{name}' THEN '{spec[0]}'" for name, spec in FEATURE_SPECS.items())
FEATURE_ROWS_SQL = f"""
SELECT a.movie_id, f.feature, f.blob_sha256
FROM media_assets a
JOIN media_features f ON a.content_sha256 = f.content_sha256
WHERE a.status = 'ok' AND f.feature IN ({", ".join(f"'{name}'" for name in FEATURE_SPECS)})
  AND a.movie_id IN (SELECT movie_id FROM x_items)
QUALIFY row_number() OVER (
    PARTITION BY a.movie_id, f.feature
    ORDER BY (a.kind = CASE f.feature {_KIND_OF_FEATURE} END) DESC, f.extractor DESC, f.blob_sha256
) = 1
ORDER BY a.movie_id, f.feature
"""


@dataclass
class FeatureMatrices:
    """Dense arrays (zeros where missing) and has_* masks, plus the failures met."""

    tensors: dict[str, np.ndarray] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)

    def coverage(self) -> dict[str, int]:
        """Items that have each modality, for the manifest and the dataset card."""
        return {name: int(self.tensors[f"has_{name}"].sum()) for name in FEATURE_SPECS}


def read_feature_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """Read inside the export's snapshot connection (its ``x_items``: the build's movies),
    so features match the tables it read."""
    return con.execute(FEATURE_ROWS_SQL).fetchall()


def _load_npy(blobs: BlobStore, sha: str) -> np.ndarray:
    return np.load(io.BytesIO(blobs.get(sha)), allow_pickle=False)


def build_feature_matrices(
    rows: list[tuple[str, str, str]], item_index: dict[str, int], blobs: BlobStore
) -> FeatureMatrices:
    """Stack each modality into [N, ...]; the most common valid shape wins, others are errors."""
    result = FeatureMatrices()
    n_items = len(item_index)
    loaded: dict[str, list[tuple[int, str, np.ndarray]]] = {name: [] for name in FEATURE_SPECS}
    for movie_id, feature, blob_sha in rows:
        if movie_id not in item_index:
            continue
        source = f"{movie_id}/{feature}/{blob_sha}"
        try:
            array = _load_npy(blobs, blob_sha)
        except (OSError, ValueError) as exc:
            result.failures.append((source, f"feature blob unreadable: {type(exc).__name__}: {exc}"))
            continue
        if array.ndim != FEATURE_SPECS[feature][1]:
            result.failures.append((source, f"{feature} has ndim {array.ndim}, expected {FEATURE_SPECS[feature][1]}"))
            continue
        loaded[feature].append((item_index[movie_id], source, array))

    for name, (_, _, dtype, default_shape) in FEATURE_SPECS.items():
        entries = loaded[name]
        shape = Counter(a.shape for _, _, a in entries).most_common(1)[0][0] if entries else default_shape
        matrix = np.zeros((n_items, *shape), dtype=dtype)
        mask = np.zeros(n_items, dtype=bool)
        for row, source, array in entries:
            if array.shape != shape:
                result.failures.append((source, f"{name} shape {array.shape} differs from the export's {shape}"))
                continue
            matrix[row] = array.astype(dtype, copy=False)
            mask[row] = True
        result.tensors[name] = matrix
        result.tensors[f"has_{name}"] = mask
    return result


def pooled_logmel_features(logmel: np.ndarray) -> np.ndarray:
    """[N,M,T] log-mel -> [N, 2M] float32: per mel band the mean and the std over time (MMRec-style audio_feat)."""
    frames = logmel.astype(np.float32)
    return np.concatenate([frames.mean(axis=2), frames.std(axis=2)], axis=1).astype(np.float32)


def pooled_poster_features(poster: np.ndarray, grid: int = 8) -> np.ndarray:
    """[N,S,S,3] uint8 -> [N, grid*grid*3] float32 in [0,1] by average pooling (MMRec image_feat)."""
    n, height, width, channels = poster.shape
    g_h, g_w = min(grid, height), min(grid, width)
    cropped = poster[:, : height - height % g_h, : width - width % g_w].astype(np.float32) / 255.0
    blocks = cropped.reshape(n, g_h, cropped.shape[1] // g_h, g_w, cropped.shape[2] // g_w, channels)
    return blocks.mean(axis=(2, 4)).reshape(n, g_h * g_w * channels).astype(np.float32)
