"""The budget of one asset: a wall-time clock every fetch and decode draws on, and a memory cap
for each decoder process.

A trickling server sends a byte before every socket timeout, and a decoder may stall on a
crafted file; a per-call timeout bounds neither, a clock shared by all steps does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from media.errors import MediaError


@dataclass
class Budget:
    """``seconds`` from creation (``remaining`` is what the next step may still spend), and the
    address space an ffmpeg / ffprobe child may map (``None``: unlimited)."""

    seconds: float
    decoder_bytes: int | None = None
    started: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        return self.seconds - (time.monotonic() - self.started)

    def check(self, step: str) -> float:
        """The seconds left, or ``MediaError`` naming the step that ran out of budget."""
        left = self.remaining()
        if left <= 0:
            raise self.exceeded(step)
        return left

    def exceeded(self, step: str) -> MediaError:
        return MediaError(f"{step}: wall-time budget of {self.seconds:g} s per asset exceeded")
