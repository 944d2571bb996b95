"""Build bookkeeping: every run is a versioned build; only succeeded builds are published."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import struct
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


CODE_SUFFIXES = (".py", ".sql", ".ttl", ".cfg", ".toml")


def code_version(package_dirs: list[Path]) -> str:
    """sha256 over the source, schema, ontology and config files of the given packages."""
    digest = hashlib.sha256()
    for root in sorted(package_dirs):
        for path in sorted(p for p in Path(root).rglob("*") if p.suffix in CODE_SUFFIXES and "__pycache__" not in p.parts):
            digest.update(f"{path.relative_to(root.parent)}:{sha256_file(path)}".encode())
    return digest.hexdigest()


def inputs_fingerprint(
    config: Mapping[str, Any], input_files: list[Path], site_content: str, code: str
) -> str:
    """Hash of the parameters, the data files, the site content and the code version:
    equal hashes mean equal inputs."""
    digest = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode())
    for path in sorted(input_files):
        digest.update(f"{path.name}:{sha256_file(path)}".encode())
    digest.update(f"site:{site_content}|code:{code}".encode())
    return digest.hexdigest()


def update_fingerprint(warehouse: Warehouse, build_id: str, inputs_sha256: str) -> None:
    """Record the full fingerprint once the site content is known (after the crawl for another site)."""
    with warehouse.transaction() as con:
        con.execute("UPDATE builds SET inputs_sha256 = ? WHERE build_id = ?", [inputs_sha256, build_id])


def hold_build_lock(locks_dir: Path, build_id: str):
    """An exclusive lock that lives as long as this process: the proof that a build is alive.

    The open file is returned and must be kept referenced; the kernel drops the lock when the
    process dies, however it dies, so the next start can tell a running build from a dead one.
    """
    locks_dir.mkdir(parents=True, exist_ok=True)
    handle = (locks_dir / f"{build_id}.lock").open("w")
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def mark_abandoned(warehouse: Warehouse, locks_dir: Path) -> list[str]:
    """Mark 'running' builds whose process is gone (their lock is free) as 'abandoned'."""
    with warehouse.connect() as con:
        running = [r[0] for r in con.execute("SELECT build_id FROM builds WHERE status = 'running'").fetchall()]
    dead = [build_id for build_id in running if not _lock_held(locks_dir / f"{build_id}.lock")]
    if dead:
        with warehouse.transaction() as con:
            con.execute(
                "UPDATE builds SET status = 'abandoned', finished_at = ? WHERE list_contains(?, build_id)",
                [datetime.now(timezone.utc).replace(tzinfo=None), dead],
            )
    for build_id in dead:
        (locks_dir / f"{build_id}.lock").unlink(missing_ok=True)
    return dead


def _lock_held(path: Path) -> bool:
    if not path.exists():
        return False
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def get_build(warehouse: Warehouse, build_id: str) -> dict[str, Any] | None:
    """One build's row as a dict, or None when there is no such build."""
    with warehouse.connect() as con:
        cursor = con.execute("SELECT * FROM builds WHERE build_id = ?", [build_id])
        row = cursor.fetchone()
        return None if row is None else dict(zip([d[0] for d in cursor.description], row))


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
    """Close a build as 'succeeded' or 'failed' with its statistics (an export_dir of None keeps the one recorded)."""
    with warehouse.transaction() as con:
        con.execute(
            "UPDATE builds SET finished_at = ?, status = ?, stats_json = ?, export_dir = coalesce(?, export_dir)"
            " WHERE build_id = ?",
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


# Per-build rows a stage writes, besides its `errors` rows: what reusing the stage copies.
_PER_BUILD_TABLES = {"crawl": ("build_movies",), "kg_build": ("triples",), "train": ("metrics",)}
# The `errors.stage` each stage records its failures under.
ERROR_STAGE = {"export": "warehouse"}


def previous_stage_run(warehouse: Warehouse, stage: str) -> dict[str, Any] | None:
    """The latest recorded run of a stage (any build status): its build, input key and summary.

    Only the latest counts: the working tables hold what that run left, so its outputs are
    the ones a build with the same key may reuse.
    """
    with warehouse.connect() as con:
        row = con.execute(
            "SELECT k.build_id, k.input_key, coalesce(k.reused_from, k.build_id), r.summary_json"
            " FROM stage_inputs k JOIN stage_runs r USING (build_id, stage)"
            " WHERE k.stage = ? ORDER BY r.started_at DESC LIMIT 1", [stage],
        ).fetchall()
    if not row:
        return None
    build_id, input_key, origin, summary = row[0]
    return {"build_id": build_id, "input_key": input_key, "origin": origin, "summary": json.loads(summary or "{}")}


def record_stage_input(warehouse: Warehouse, build_id: str, stage: str, input_key: str, reused_from: str | None) -> None:
    with warehouse.transaction() as con:
        upsert(con, "stage_inputs", [{"build_id": build_id, "stage": stage, "input_key": input_key,
                                      "reused_from": reused_from}])


def reuse_stage(warehouse: Warehouse, build_id: str, stage: str, source_build: str, summary: Mapping[str, Any],
                input_key: str, origin: str | None = None) -> None:
    """Give this build the outputs of ``source_build``'s run of the stage: its per-build rows,
    its error rows, its export directory (export), and a stage run of zero seconds.
    ``origin``: the build that ran the stage, when ``source_build`` reused it too (so a chain
    of reruns names the build that did the work)."""
    started_at = datetime.now(timezone.utc)
    with warehouse.transaction() as con:
        for table in _PER_BUILD_TABLES.get(stage, ()):
            columns = [c[0] for c in con.execute(f"SELECT * FROM {table} LIMIT 0").description if c[0] != "build_id"]
            names = ", ".join(columns)
            con.execute(f"INSERT OR REPLACE INTO {table} (build_id, {names}) SELECT ?, {names} FROM {table}"
                        " WHERE build_id = ?", [build_id, source_build])
        con.execute("INSERT OR REPLACE INTO errors (build_id, stage, source, reason, recorded_at)"
                    " SELECT ?, stage, source, reason, recorded_at FROM errors WHERE build_id = ? AND stage = ?",
                    [build_id, source_build, ERROR_STAGE.get(stage, stage)])
        if stage == "export":
            con.execute("UPDATE builds SET export_dir = (SELECT export_dir FROM builds WHERE build_id = ?)"
                        " WHERE build_id = ?", [source_build, build_id])
        upsert(con, "stage_runs", [{
            "build_id": build_id, "stage": stage, "started_at": started_at.replace(tzinfo=None),
            "seconds": (datetime.now(timezone.utc) - started_at).total_seconds(),
            "summary_json": json.dumps(summary, sort_keys=True, default=str),
        }])
        upsert(con, "stage_inputs", [{"build_id": build_id, "stage": stage, "input_key": input_key,
                                      "reused_from": origin or source_build}])


# Files of an export that name its build (ids, timestamps) rather than hold its content.
_BUILD_NAMING_FILES = {"manifest.json", "README.md"}


def content_hash(warehouse: Warehouse, build_id: str, export_dir: Path | None) -> str:
    """sha256 of what a build produced, blind to its id and timestamps: its triples in order
    and its export files (safetensors by tensor bytes, without the build-id metadata)."""
    digest = hashlib.sha256()
    with warehouse.connect() as con:
        (triples,) = con.execute(
            "SELECT coalesce(sha256(string_agg(subject || ' ' || predicate || ' ' || object, chr(10)"
            " ORDER BY subject, predicate, object)), '') FROM triples WHERE build_id = ?", [build_id],
        ).fetchall()[0]
    digest.update(f"triples:{triples}".encode())
    if export_dir is not None and Path(export_dir).is_dir():
        for path in sorted(p for p in Path(export_dir).rglob("*") if p.is_file()):
            if path.name in _BUILD_NAMING_FILES:
                continue
            data = _safetensors_content(path) if path.suffix == ".safetensors" else path.read_bytes()
            digest.update(f"{path.relative_to(export_dir)}:".encode() + hashlib.sha256(data).digest())
    return digest.hexdigest()


def _safetensors_content(path: Path) -> bytes:
    raw = path.read_bytes()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + header_len])
    header.pop("__metadata__", None)
    return json.dumps(header, sort_keys=True).encode() + raw[8 + header_len:]
