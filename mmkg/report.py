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
    errors_by_reason: list[tuple[str, str, int]] = field(default_factory=list)  # stage, reason kind, count
    error_samples: list[tuple[str, str, str]] = field(default_factory=list)  # stage, source, reason
    metrics: dict[str, dict[str, float]] = field(default_factory=dict)       # model -> metric -> test value
    stage_seconds: dict[str, float] = field(default_factory=dict)
    interactions: int = 0
    users: int = 0
    export_dir: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)


class UnknownBuild(LookupError):
    """No build has the id asked for."""


# A reason's kind: its text before the first ':' ("HTTP 404", "malformed JSON-LD", "ffmpeg keyframes").
REASON_KIND_SQL = "trim(split_part(reason, ':', 1))"


def build_report(warehouse: Warehouse, build_id: str, sample_errors: int | None = None) -> BuildReport:
    """Collect Table-1 counts, media, errors (all of them unless ``sample_errors``), metrics and timings."""
    with warehouse.connect() as con:
        rows = con.execute(
            "SELECT status, export_dir, stats_json FROM builds WHERE build_id = ?", [build_id]
        ).fetchall()
        if not rows:
            recent = [r[0] for r in con.execute(
                "SELECT build_id FROM builds ORDER BY started_at DESC LIMIT 3").fetchall()]
            raise UnknownBuild(f"no build {build_id!r} in {warehouse.db_path}; "
                               + (f"latest builds: {', '.join(recent)}" if recent else "no builds yet: run `mmkg build`"))
        status, export_dir, stats_json = rows[0]
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
        by_reason = con.execute(
            f"SELECT stage, {REASON_KIND_SQL} AS kind, count(*) FROM errors WHERE build_id = ?"
            " GROUP BY ALL ORDER BY stage, count(*) DESC, kind", [build_id],
        ).fetchall()
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
        media_by_kind=media, errors_by_stage=errors, errors_by_reason=[tuple(r) for r in by_reason],
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
    lines += ["", *_gate_lines(report.stats.get("gates", []))]
    lines += ["", "| errors by stage | reason | count |", "|---|---|---|"]
    lines += [f"| {stage} | {kind} | {n} |" for stage, kind, n in report.errors_by_reason] or ["| (none) | | 0 |"]
    lines += [f"| {stage} | (all) | {n} |" for stage, n in report.errors_by_stage.items()]
    for stage, source, reason in report.error_samples:
        lines.append(f"- {stage}: {source}: {reason}")
    reused = report.stats.get("reused") or {}
    if reused:
        lines += ["", "Reused (inputs unchanged): " + ", ".join(f"{s} from {b}" for s, b in reused.items())]
    lines += ["", "| model | recall@10 | ndcg@10 |", "|---|---|---|"]
    for model, values in report.metrics.items():
        lines.append(
            f"| {model} | {values.get('recall@10', float('nan')):.4f} | {values.get('ndcg@10', float('nan')):.4f} |"
        )
    lines += ["", "| stage | seconds |", "|---|---|"]
    lines += [f"| {stage} | {seconds:.1f} |" for stage, seconds in report.stage_seconds.items()]
    lines += ["", f"DuckDB: {warehouse_path}", f"Export: {_export_link(report.export_dir)}"]
    if report.stats.get("content_sha256"):
        lines.append(f"Content sha256: {report.stats['content_sha256']}")
    return "\n".join(lines)


def _gate_lines(gates: list[dict[str, Any]]) -> list[str]:
    """Every gate with its figure, threshold and verdict (a truncated crawl that was allowed is flagged)."""
    if not gates:
        return ["Quality gates: not evaluated"]
    lines = ["| quality gate | figure | threshold | verdict |", "|---|---|---|---|"]
    failures = []
    for gate in gates:
        figure = gate["figure"]
        shown = "n/a" if figure is None else f"{figure:.3f}" if isinstance(figure, float) else str(figure)
        verdict = {True: "passed", False: "**FAILED**", None: "not applicable"}[gate["passed"]]
        if gate["gate"] == "crawl_truncated" and figure and gate["passed"]:
            verdict = "passed (truncated crawl allowed: flagged)"
        lines.append(f"| {gate['gate']} | {shown} | {gate['threshold']} | {verdict} |")
        if gate["passed"] is False:
            failures.append(f"- {gate['message']}")
    return lines + ([""] + failures if failures else [])


def _export_link(export_dir: str | None) -> str:
    return f"[{export_dir}](file://{export_dir})" if export_dir else "(none)"
