"""Prefect tasks: each calls one stage's entry point and records its timing; no logic here.

Stage tasks do not use Prefect's result cache: stages write to the warehouse, and they skip
unchanged inputs themselves by content hash (documents, media), which survives across runs;
whole stages are skipped by ``flows.reuse``. Every task has a timeout; network-bound ones retry
with backoff. A stage package (spaCy, torch, Scrapy...) is imported only when its task runs,
so a build that reuses a stage never pays for loading it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from warehouse import Warehouse
from warehouse.builds import run_stage

if TYPE_CHECKING:
    from crawl import CrawlConfig, CrawlSummary
    from demo_site import SiteConfig, SiteManifest
    from export import ExportConfig, ExportSummary
    from extract import ExtractConfig, ExtractSummary
    from interactions import InteractionsConfig, InteractionsSummary
    from kg_build import KGConfig, KGSummary
    from media import MediaConfig, MediaSummary
    from train import TrainConfig, TrainSummary

T = TypeVar("T")


def run_logged(stage: str, entry_point: Callable[..., T], warehouse: Warehouse, build_id: str, *args: Any) -> T:
    """Run a stage, logging its start and its counts so long builds show progress."""
    logger = get_run_logger()
    logger.info("%s: started", stage)
    result = run_stage(warehouse, build_id, stage, entry_point, *args)
    counts = {k: v for k, v in asdict(result).items() if isinstance(v, (int, float, dict)) and k != "errors"}
    logger.info("%s: done %s", stage, counts)
    return result


@task(name="site", cache_policy=NO_CACHE, timeout_seconds=1800)
def embedded_site(config: SiteConfig) -> SiteManifest:
    """Generate (or reuse, by fingerprint) the embedded default site."""
    from demo_site import generate_site

    return generate_site(config)


@task(name="movie_pages", retries=2, retry_delay_seconds=exponential_backoff(backoff_factor=5), cache_policy=NO_CACHE,
      timeout_seconds=3600)
def movie_pages(config: CrawlConfig, warehouse: Warehouse, build_id: str) -> CrawlSummary:
    """Crawl the site into pages, movies, attributes and documents."""
    from crawl import crawl_movie_site

    return run_logged("crawl", crawl_movie_site, warehouse, build_id, config, warehouse, build_id)


@task(name="interactions", cache_policy=NO_CACHE, timeout_seconds=3600)
def interactions(config: InteractionsConfig, warehouse: Warehouse, build_id: str) -> InteractionsSummary:
    """Link user ratings to the crawled movies."""
    from interactions import load_interactions

    return run_logged("interactions", load_interactions, warehouse, build_id, config, warehouse, build_id)


@task(name="triples", cache_policy=NO_CACHE, timeout_seconds=3600)
def triples(config: KGConfig, warehouse: Warehouse, build_id: str) -> KGSummary:
    """Assemble the build's RDF triples."""
    from kg_build import build_triples

    return run_logged("kg_build", build_triples, warehouse, build_id, config, warehouse, build_id)


@task(name="training_shards", cache_policy=NO_CACHE, timeout_seconds=3600)
def training_shards(config: ExportConfig, warehouse: Warehouse, build_id: str) -> ExportSummary:
    """Export the build for training (Parquet, safetensors, RecBole, MMRec, N-Triples)."""
    from export import export_build

    return run_logged("export", export_build, warehouse, build_id, config, warehouse, build_id)


@task(name="model_metrics", cache_policy=NO_CACHE, timeout_seconds=3600)
def model_metrics(config: TrainConfig, export_dir: Path, warehouse: Warehouse, build_id: str) -> TrainSummary:
    """Train MGNN and baselines on the export and evaluate them."""
    from train import train_models

    return run_logged("train", train_models, warehouse, build_id, config, export_dir, warehouse, build_id)
