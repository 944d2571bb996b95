"""Every train test runs with the thread count training itself would choose (train/threads.py):
torch's default of one thread per core oversubscribes a loaded machine and slowed these tests ~2x."""

from __future__ import annotations

from pathlib import Path

import pytest

from train.synthetic import write_synthetic_export
from train.threads import torch_threads

# A model small enough to train in a second, for the protocol and stopping tests.
TINY = dict(hidden=16, ripple_size=8, batch_size=64, device="cpu")


@pytest.fixture(autouse=True)
def training_threads():
    with torch_threads(None) as threads:
        yield threads


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory) -> Path:
    """A small synthetic export (80 users, 50 items); test files may define their own."""
    out = tmp_path_factory.mktemp("export")
    write_synthetic_export(out, n_users=80, n_items=50, clicks_per_user=12, side=8, frames=2, seed=5)
    return out
