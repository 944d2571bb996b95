"""Seeded choices that do not depend on iteration order or Python's hash randomisation."""

from __future__ import annotations

import hashlib


def seeded_int(seed: int, *parts: object) -> int:
    """A stable 64-bit number for ``(seed, parts)``: the same inputs pick the same thing."""
    key = ":".join(str(p) for p in (seed, *parts))
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
