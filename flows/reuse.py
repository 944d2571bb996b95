"""Stage reuse by content hash: a stage whose input key equals that of the latest run of the
same stage gets that run's outputs instead of running again.

Why content hashes in the warehouse and not Prefect's result cache: a stage's outputs are
warehouse rows and export files, not a task's return value, and a killed process must leave
its finished stages reusable; keys recorded next to those rows (``stage_inputs``) survive any
death, and a key covers the upstream content, the stage's config and the code version.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from typing import Any

from prefect import get_run_logger

from warehouse import Warehouse
from warehouse.builds import previous_stage_run, record_stage_input, reuse_stage


def stage_key(stage: str, *parts: Any) -> str:
    """sha256 of a stage name and everything its outputs depend on."""
    return hashlib.sha256(json.dumps([stage, *parts], sort_keys=True, default=str).encode()).hexdigest()


def pages_content(warehouse: Warehouse, build_id: str) -> str:
    """What the crawl of this build saw: every page's URL, status and content hash."""
    with warehouse.connect() as con:
        return con.execute(
            "SELECT coalesce(sha256(string_agg(url || ' ' || status || ' ' || coalesce(content_sha256, ''),"
            " chr(10) ORDER BY url)), '') FROM pages WHERE build_id = ?", [build_id],
        ).fetchall()[0][0]


def media_content(warehouse: Warehouse) -> str:
    """What the media stage left: every asset's movie, kind, status and content hash."""
    with warehouse.connect() as con:
        return con.execute(
            "SELECT coalesce(sha256(string_agg(movie_id || ' ' || kind || ' ' || status || ' '"
            " || coalesce(content_sha256, ''), chr(10) ORDER BY movie_id, kind)), '') FROM media_assets",
        ).fetchall()[0][0]


class StageReuse:
    """Decides, per stage of one build, whether to run it or take an earlier run's outputs."""

    def __init__(self, warehouse: Warehouse, build_id: str, recompute: bool) -> None:
        self.warehouse, self.build_id, self.recompute = warehouse, build_id, recompute
        self.reused: dict[str, str] = {}  # stage -> build whose outputs were taken

    def reusable(self, stage: str, key: str) -> dict[str, Any] | None:
        """The earlier summary when the stage may be skipped, after giving this build its outputs."""
        previous = None if self.recompute else previous_stage_run(self.warehouse, stage)
        if previous is None or previous["input_key"] != key:
            return None
        reuse_stage(self.warehouse, self.build_id, stage, previous["build_id"], previous["summary"], key,
                    previous["origin"])
        self.reused[stage] = previous["origin"]
        get_run_logger().info("%s: inputs unchanged since build %s, its outputs reused", stage, previous["origin"])
        return previous["summary"]

    def ran(self, stage: str, key: str) -> None:
        record_stage_input(self.warehouse, self.build_id, stage, key, None)

    def run(self, stage: str, key: str, execute: Callable[[], Any]) -> Any:
        """The stage's summary: reused when the key matches, else from ``execute()``."""
        summary = self.reusable(stage, key)
        if summary is not None:
            return summary
        result = execute()
        self.ran(stage, key)
        return result


def as_dict(summary: Any) -> dict[str, Any]:
    return asdict(summary) if is_dataclass(summary) else dict(summary)
