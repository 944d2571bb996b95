"""Build bookkeeping: every run is a versioned build; only succeeded builds are published."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, is_dataclass
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from warehouse.blobs import sha256_file
from warehouse.store import Warehouse, upsert


def new_build_id(now: datetime | None = None) -> str:
    """Sortable, unique id: UTC timestamp plus random suffix."""
    now = now or datetime.now(timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def inputs_fingerprint(config: Mapping[str, Any], input_files: list[Path]) -> str:
    """Hash of the build's configuration and input files: equal hashes mean equal inputs."""
    digest = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode())
    for path in sorted(input_files):
        digest.update(f"{path.name}:{sha256_file(path)}".encode())
    return digest.hexdigest()


def start_build(warehouse: Warehouse, config: Mapping[str, Any], inputs_sha256: str) -> str:
    """Register a 'running' build first, so a run that dies still leaves its row; returns its id."""
    build_id = new_build_id()
    with warehouse.transaction() as con:
        upsert(con, "builds", [{
            "build_id": build_id,
            "started_at": datetime.now(timezone.utc).replace(tzinfo=None),
            "status": "running",
            "inputs_sha256": inputs_sha256,
            "config_json": json.dumps(config, sort_keys=True, default=str),
        }])
    return build_id


def finish_build(
    warehouse: Warehouse, build_id: str, status: str, stats: Mapping[str, Any], export_dir: str | None
) -> None:
    """Close a build as 'succeeded' or 'failed' with its statistics."""
    with warehouse.transaction() as con:
        con.execute(
            "UPDATE builds SET finished_at = ?, status = ?, stats_json = ?, export_dir = ? WHERE build_id = ?",
            [datetime.now(timezone.utc).replace(tzinfo=None), status,
             json.dumps(stats, sort_keys=True, default=str), export_dir, build_id],
        )


def record_stage_run(
    warehouse: Warehouse, build_id: str, stage: str, started_at: datetime, seconds: float,
    summary: Mapping[str, Any],
) -> None:
    """Keep each stage's time and counts with the build, for the report and for comparing runs."""
    with warehouse.transaction() as con:
        upsert(con, "stage_runs", [{
            "build_id": build_id, "stage": stage, "started_at": started_at.replace(tzinfo=None),
            "seconds": seconds, "summary_json": json.dumps(summary, sort_keys=True, default=str),
        }])


def latest_build(warehouse: Warehouse, status: str = "succeeded") -> dict[str, Any] | None:
    """The newest build with the given status, as a dict, or None."""
    with warehouse.connect() as con:
        cursor = con.execute(
            "SELECT * FROM builds WHERE status = ? ORDER BY started_at DESC, build_id DESC LIMIT 1",
            [status],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cursor.description], row))


T = TypeVar("T")


def run_stage(warehouse: Warehouse, build_id: str, stage: str, entry_point: Callable[..., T], *args: Any) -> T:
    """Run one stage's entry point and record its wall time and summary in ``stage_runs``."""
    started_at = datetime.now(timezone.utc)
    result = entry_point(*args)
    seconds = (datetime.now(timezone.utc) - started_at).total_seconds()
    summary = asdict(result) if is_dataclass(result) else {"result": str(result)}
    record_stage_run(warehouse, build_id, stage, started_at, seconds, summary)
    return result
