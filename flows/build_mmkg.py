"""The Prefect flow ``build-mmkg``: crawl → extract + media → interactions → KG → export → train."""

from contextlib import nullcontext
from pathlib import Path

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from demo_site import serve_site
from mmkg.settings import Settings
from warehouse import Warehouse
from warehouse.builds import finish_build, inputs_fingerprint, start_build
from mmkg.report import BuildReport, build_report, format_report

from flows import tasks
from flows.options import BuildOptions
from flows.stage_configs import StageConfigs, stage_configs


@flow(name="build-mmkg")
def build_mmkg(options: BuildOptions = BuildOptions()) -> dict:
    """Build one versioned MMKG with training shards and metrics; returns the build report."""
    settings = Settings.from_env()
    settings.apply_environment()
    warehouse = Warehouse.from_settings(settings)
    configs = stage_configs(options, settings)
    build_id = start_build(
        warehouse, options.model_dump(),
        inputs_fingerprint(options.model_dump(), [configs.interactions.ratings_csv]),
    )
    try:
        export_dir = _run_stages(options, configs, settings, warehouse, build_id)
    except BaseException:
        finish_build(warehouse, build_id, "failed", {}, None)
        raise
    report = build_report(warehouse, build_id)
    finish_build(warehouse, build_id, "succeeded", _stats(report), str(export_dir))
    report = build_report(warehouse, build_id)
    text = format_report(report, str(settings.warehouse_path))
    create_markdown_artifact(markdown=text, key="build-mmkg-summary", description=f"mmkg build {build_id}")
    return _stats(report) | {"build_id": build_id, "export_dir": str(export_dir)}


def _run_stages(
    options: BuildOptions, configs: StageConfigs, settings: Settings, warehouse: Warehouse, build_id: str
) -> Path:
    if options.start_url:
        site = nullcontext(options.start_url)
    else:
        tasks.embedded_site(configs.site)
        site = serve_site(settings.site_dir, port=options.site_port)
    with site as served:
        start_url = served if isinstance(served, str) else served.base_url + "/"
        tasks.movie_pages(configs.crawl(start_url, settings, options), warehouse, build_id)
        extracted = tasks.entities.submit(configs.extract, warehouse, build_id)
        media = tasks.media_features.submit(configs.media, warehouse, build_id)
        extracted.result(), media.result()
    tasks.interactions(configs.interactions, warehouse, build_id)
    tasks.triples(configs.kg, warehouse, build_id)
    export = tasks.training_shards(configs.export, warehouse, build_id)
    tasks.model_metrics(configs.train, Path(export.export_dir), warehouse, build_id)
    return Path(export.export_dir)


def _stats(report: BuildReport) -> dict:
    return {
        "entities": report.entities, "relations": report.relations, "triples": report.triples,
        "nodes": report.nodes, "interactions": report.interactions,
        "media": report.media_by_kind, "errors": report.errors_by_stage, "metrics": report.metrics,
        "stage_seconds": report.stage_seconds,
    }
