"""Every train test runs with the thread count training itself would choose (train/threads.py):
torch's default of one thread per core oversubscribes a loaded machine and slowed these tests ~2x."""

from __future__ import annotations

import pytest

from train.threads import torch_threads


@pytest.fixture(autouse=True)
def training_threads():
    with torch_threads(None) as threads:
        yield threads
