"""The Prefect flow ``build-mmkg``: crawl → extract + media → interactions → KG → export → train,
then the quality gates; only a build that passes them becomes the current one."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import asdict
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from mmkg.report import build_report, format_report
from mmkg.settings import CODE_PACKAGES, PROJECT_ROOT, Settings
from warehouse import Warehouse, sha256_file
from warehouse.builds import (code_version, content_hash, finish_build, hold_build_lock, inputs_fingerprint,
                              mark_abandoned, start_build, update_fingerprint)

from flows import tasks
from flows.fanout import TaskFanOut
from flows.gates import QualityGateFailed, crawl_gates, evaluate_gates
from flows.options import BuildOptions
from flows.pause import pause_point
from flows.reuse import StageReuse, as_dict, media_content, pages_content, stage_key
from flows.runners import task_runner
from flows.stage_configs import StageConfigs, ratings_csv, stage_configs


@flow(name="build-mmkg")
def build_mmkg(options: BuildOptions = BuildOptions()) -> dict:
    """Build one versioned MMKG with training shards and metrics; returns the build's stats.

    Raises ``QualityGateFailed`` (the flow run ends Failed) when a gate is missed.
    """
    logger = get_run_logger()
    settings = Settings.from_env()
    settings.apply_environment()
    warehouse = Warehouse.from_settings(settings)
    for build_id in mark_abandoned(warehouse, settings.locks_dir):
        logger.warning("build %s was left running by a process that is gone: marked abandoned", build_id)
    code = code_version([PROJECT_ROOT / name for name in CODE_PACKAGES])
    params = options.model_dump()
    ratings = ratings_csv(settings)
    build_id = start_build(warehouse, params, inputs_fingerprint(params, [ratings], "", code))
    lock = hold_build_lock(settings.locks_dir, build_id)
    try:
        stages = build_stages.with_options(task_runner=task_runner(options, settings.work_dir / "dask"))
        outcome = stages(options, build_id, code)
    except BaseException as exc:
        finish_build(warehouse, build_id, "failed", {"error": f"{type(exc).__name__}: {exc}"[:2000]}, None)
        lock.close()
        raise
    try:
        return _close_build(warehouse, settings, options, build_id, outcome, ratings, code)
    finally:
        lock.close()


def _close_build(warehouse: Warehouse, settings: Settings, options: BuildOptions, build_id: str,
                 outcome: dict[str, Any], ratings: Path, code: str) -> dict:
    """Gates, fingerprint, status, artifact: the build is published only if every gate passed."""
    params = options.model_dump()
    update_fingerprint(warehouse, build_id, inputs_fingerprint(params, [ratings], outcome["site_content"], code))
    gates = evaluate_gates(outcome["summaries"], options)
    export_dir = outcome["export_dir"]
    failed = [gate for gate in gates if gate.passed is False]
    report = build_report(warehouse, build_id)
    stats = _stats(report) | {
        "gates": [asdict(gate) | {"message": gate.message} for gate in gates],
        "reused": outcome["reused"],
        "content_sha256": content_hash(warehouse, build_id, Path(export_dir)) if export_dir else None,
    }
    finish_build(warehouse, build_id, "failed" if failed else "succeeded", stats, export_dir)
    text = format_report(build_report(warehouse, build_id), str(settings.warehouse_path))
    create_markdown_artifact(markdown=text, key="build-mmkg-summary", description=f"mmkg build {build_id}")
    if failed:
        raise QualityGateFailed(build_id, failed)
    return stats | {"build_id": build_id, "export_dir": export_dir}


@flow(name="build-mmkg-stages")
def build_stages(options: BuildOptions, build_id: str, code: str) -> dict:
    """The stages of one build on the chosen task runner; each is skipped when its input key
    equals that of its latest run. Stops after the crawl when it found no movie."""
    settings = Settings.from_env()
    warehouse = Warehouse.from_settings(settings)
    configs = stage_configs(options, settings)
    reuse = StageReuse(warehouse, build_id, options.recompute)
    work = settings.work_dir
    summaries: dict[str, Any] = {}
    embedded = options.start_url is None
    manifest = tasks.embedded_site(configs.site) if embedded else None
    site = _served_site(settings, options.site_port) if embedded else nullcontext(options.start_url)
    with site as served:
        start_url = served if isinstance(served, str) else served.base_url + "/"
        if manifest is not None and not options.more_start_urls:  # the generator's fingerprint covers the whole site
            site_content = stage_key("site", manifest.fingerprint, start_url)
            summaries["crawl"] = reuse.run("crawl", stage_key("crawl", site_content, options.max_pages, code),
                                           lambda: tasks.movie_pages(configs.crawl(start_url), warehouse, build_id))
        else:  # other sites: what they hold is known once they are crawled (revalidated by the HTTP cache)
            summaries["crawl"] = tasks.movie_pages(configs.crawl(start_url), warehouse, build_id)
            site_content = pages_content(warehouse, build_id)
            reuse.ran("crawl", stage_key("crawl", site_content, options.max_pages, code))
        pause_point("crawl", work, build_id)
        outcome = {"summaries": summaries, "site_content": site_content, "reused": reuse.reused, "export_dir": None}
        if not all(gate.passed for gate in crawl_gates(summaries["crawl"])):
            return outcome
        extract_key = stage_key("extract", site_content, code)
        media_key = stage_key("media", site_content, configs.parameters["media"], code)
        extracted = reuse.reusable("extract", extract_key)
        media = reuse.reusable("media", media_key) if embedded else None  # elsewhere media revalidate themselves
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="stage") as drivers:
            extract_run = None if extracted else _in_flow_thread(drivers, _extract, configs, options, warehouse, build_id)
            media_run = None if media else _in_flow_thread(drivers, _media, configs, options, warehouse, build_id)
            if extract_run is not None:
                extracted = extract_run.result()
                reuse.ran("extract", extract_key)
            if media_run is not None:
                media = media_run.result()
                reuse.ran("media", media_key)
        summaries["extract"], summaries["media"] = extracted, media
        pause_point("media", work, build_id)
    interactions_key = stage_key("interactions", site_content, sha256_file(ratings_csv(settings)), code)
    summaries["interactions"] = reuse.run("interactions", interactions_key,
                                          lambda: tasks.interactions(configs.interactions, warehouse, build_id))
    kg_key = stage_key("kg_build", extract_key, media_content(warehouse), interactions_key,
                       configs.parameters["kg_build"], code)
    summaries["kg_build"] = reuse.run("kg_build", kg_key, lambda: tasks.triples(configs.kg, warehouse, build_id))
    pause_point("kg_build", work, build_id)
    export_key = stage_key("export", kg_key, configs.parameters["export"], code)
    summaries["export"] = reuse.run("export", export_key,
                                    lambda: tasks.training_shards(configs.export, warehouse, build_id))
    export_dir = Path(as_dict(summaries["export"])["export_dir"])
    pause_point("export", work, build_id)
    train_key = stage_key("train", content_hash(warehouse, build_id, export_dir), configs.parameters["train"], code)
    summaries["train"] = reuse.run("train", train_key,
                                   lambda: tasks.model_metrics(configs.train, export_dir, warehouse, build_id))
    return outcome | {"export_dir": str(export_dir)}


def _served_site(settings: Settings, port: int):
    from demo_site import serve_site

    return serve_site(settings.site_dir, port=port)


def _in_flow_thread(pool: ThreadPoolExecutor, function: Callable[..., Any], *args: Any) -> Future:
    """Run a stage's driver in a thread that sees the flow run (logger, task runner) as this one does."""
    return pool.submit(contextvars.copy_context().run, function, *args)


def _extract(configs: StageConfigs, options: BuildOptions, warehouse: Warehouse, build_id: str):
    """The extract stage with its spaCy parse fanned out in batches of text passages (batch
    tasks run in this process: with an external Dask scheduler the stage parses here, see flows.fanout)."""
    from extract import extract_entities

    fan_out = None if options.dask_address else TaskFanOut("extract", options.extract_batch_size, "text passages",
                                                           get_run_logger())
    return tasks.run_logged("extract", extract_entities, warehouse, build_id, configs.extract, warehouse, build_id,
                            fan_out and fan_out.in_order)


def _media(configs: StageConfigs, options: BuildOptions, warehouse: Warehouse, build_id: str):
    """The media stage with its movies fanned out in batches (network-bound: a failed batch is retried)."""
    from media import fetch_media

    fan_out = None if options.dask_address else TaskFanOut("media", options.media_batch_size, "movies",
                                                           get_run_logger(), retries=2)
    return tasks.run_logged("media", fetch_media, warehouse, build_id, configs.media, warehouse, build_id,
                            fan_out and fan_out.as_completed)


def _stats(report) -> dict:
    return {
        "entities": report.entities, "relations": report.relations, "triples": report.triples,
        "nodes": report.nodes, "interactions": report.interactions,
        "media": report.media_by_kind, "errors": report.errors_by_stage, "metrics": report.metrics,
        "stage_seconds": report.stage_seconds,
    }
