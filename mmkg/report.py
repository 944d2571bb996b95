"""What a build produced, read back from the warehouse (the build summary's facts)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from kg_build.statistics import graph_statistics
from kg_build.vocabulary import vocabulary
from warehouse.store import Warehouse


@dataclass
class BuildReport:
    build_id: str
    status: str
    entities: int                      # item + entity + media nodes (paper's Table 1)
    relations: int                     # distinct predicates linking two of those nodes
    triples: int
    nodes: dict[str, Any] = field(default_factory=dict)   # item / entity / media node counts
    media_by_kind: dict[str, dict[str, int]] = field(default_factory=dict)   # kind -> status -> n
    errors_by_stage: dict[str, int] = field(default_factory=dict)
    error_samples: list[tuple[str, str, str]] = field(default_factory=list)  # stage, source, reason
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)       # model -> metric -> test value
    stage_seconds: dict[str, float] = field(default_factory=dict)
    interactions: int = 0
    users: int = 0
    export_dir: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)


def build_report(warehouse: Warehouse, build_id: str, sample_errors: int = 5) -> BuildReport:
    """Collect Table-1 counts, media, errors, metrics and timings of one build."""
    with warehouse.connect() as con:
        status, export_dir, stats_json = con.execute(
            "SELECT status, export_dir, stats_json FROM builds WHERE build_id = ?", [build_id]
        ).fetchall()[0]
        graph = graph_statistics(con, vocabulary(), build_id)
        media: dict[str, dict[str, int]] = {}
        for kind, status_, n in con.execute(
            "SELECT kind, status, count(*) FROM media_assets SEMI JOIN build_movies b "
            "ON b.movie_id = media_assets.movie_id AND b.build_id = ? GROUP BY ALL ORDER BY ALL", [build_id]
        ).fetchall():
            media.setdefault(kind, {})[status_] = n
        errors = dict(con.execute(
            "SELECT stage, count(*) FROM errors WHERE build_id = ? GROUP BY stage ORDER BY stage", [build_id]
        ).fetchall())
        samples = con.execute(
            "SELECT stage, source, reason FROM errors WHERE build_id = ? ORDER BY stage, source LIMIT ?",
            [build_id, sample_errors],
        ).fetchall()
        metrics: dict[str, dict[str, float]] = {}
        for model, metric, value in con.execute(
            "SELECT model, metric, value FROM metrics WHERE build_id = ? AND split = 'test' ORDER BY ALL",
            [build_id],
        ).fetchall():
            metrics.setdefault(model, {})[metric] = value
        seconds = dict(con.execute(
            "SELECT stage, seconds FROM stage_runs WHERE build_id = ? ORDER BY started_at", [build_id]
        ).fetchall())
        interactions, users = con.execute(
            "SELECT count(*), count(DISTINCT user_id) FROM interactions SEMI JOIN build_movies b "
            "ON b.movie_id = interactions.movie_id AND b.build_id = ?", [build_id]
        ).fetchall()[0]
    return BuildReport(
        build_id=build_id, status=status, entities=graph.entities, relations=graph.relations,
        triples=graph.triples,
        nodes={"items": graph.item_nodes, "entities": graph.entity_nodes, "media": graph.media_nodes},
        media_by_kind=media, errors_by_stage=errors,
        error_samples=[tuple(s) for s in samples], metrics=metrics, stage_seconds=seconds,
        interactions=interactions, users=users, export_dir=export_dir,
        stats=json.loads(stats_json) if stats_json else {},
    )


def format_report(report: BuildReport, warehouse_path: str) -> str:
    """Markdown summary for the console and the Prefect artifact."""
    lines = [
        f"# mmkg build {report.build_id}: {report.status}",
        "",
        "| item (as the paper's Table 1) | number |",
        "|---|---|",
        f"| # of entities | {report.entities} |",
        f"| # of relations | {report.relations} |",
        f"| # of triplets | {report.triples} |",
        "",
        f"Nodes: {report.nodes.get('items', 0)} items (movies), {report.nodes.get('entities', 0)} entities, "
        f"media {report.nodes.get('media', {})}; interactions: {report.interactions} from {report.users} users",
        "",
        "| media kind | ok | failed |",
        "|---|---|---|",
    ]
    for kind, counts in sorted(report.media_by_kind.items()):
        lines.append(f"| {kind} | {counts.get('ok', 0)} | {counts.get('failed', 0)} |")
    lines += ["", "| errors by stage | count |", "|---|---|"]
    lines += [f"| {stage} | {n} |" for stage, n in report.errors_by_stage.items()] or ["| (none) | 0 |"]
    for stage, source, reason in report.error_samples:
        lines.append(f"- {stage}: {source}: {reason}")
    lines += ["", "| model | recall@10 | ndcg@10 |", "|---|---|---|"]
    for model, values in report.metrics.items():
        lines.append(
            f"| {model} | {values.get('recall@10', float('nan')):.4f} | {values.get('ndcg@10', float('nan')):.4f} |"
        )
    lines += ["", "| stage | seconds |", "|---|---|"]
    lines += [f"| {stage} | {seconds:.1f} |" for stage, seconds in report.stage_seconds.items()]
    lines += ["", f"DuckDB: {warehouse_path}", f"Export: {report.export_dir}"]
    return "\n".join(lines)
