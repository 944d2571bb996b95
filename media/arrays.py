"""Feature arrays travel as .npy bytes so any consumer can read them with ``np.load``."""

from __future__ import annotations

import io

import numpy as np


def to_npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def from_npy_bytes(data: bytes) -> np.ndarray:
    return np.load(io.BytesIO(data), allow_pickle=False)


def shape_text(array: np.ndarray) -> str:
    """The ``media_features.shape`` form, e.g. ``8x64x64x3``."""
    return "x".join(str(n) for n in array.shape)
