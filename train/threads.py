"""How many CPU threads torch uses while training, chosen on purpose.

The models here run small dense ops (batches of 256 x hidden 128-1024, sparse graph products
over a few thousand nodes): per-op work is far below what amortises waking many threads, and
the build runs on shared machines where other stages and other users hold the cores. Measured
on a loaded 2-core machine, one BPR-MF epoch took 28.5 s with torch's default threads (= all
cores, oversubscribed by the load) against 1.1-1.5 s with one thread. So the default is half of
the cores this process may run on, at least 1 and at most 4: 1 on the 2-core build machine,
4 on a workstation, leaving cores for data loading and concurrent stages. Set
``TrainConfig.threads`` (``mmkg train --threads``) to override.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import torch

MAX_DEFAULT_THREADS = 4


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_threads() -> int:
    return max(1, min(MAX_DEFAULT_THREADS, available_cores() // 2))


@contextlib.contextmanager
def torch_threads(threads: int | None) -> Iterator[int]:
    """Run the block with ``threads`` intra-op threads (None: the default above), then restore."""
    chosen = threads or default_threads()
    previous = torch.get_num_threads()
    torch.set_num_threads(chosen)
    try:
        yield chosen
    finally:
        torch.set_num_threads(previous)
