"""Prefect tasks: each calls one stage's entry point and records its timing; no logic here.

Stage tasks do not use Prefect's result cache: stages write to the warehouse, and they skip
unchanged inputs themselves by content hash (documents, media), which survives across runs;
whole stages are skipped by ``flows.reuse``. Every task has a timeout; network-bound ones retry
with backoff.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

from prefect import get_run_logger, task
from prefect.tasks import exponential_backoff
from prefect.cache_policies import NO_CACHE

from crawl import CrawlConfig, CrawlSummary, crawl_movie_site
from demo_site import SiteConfig, SiteManifest, generate_site
from extract import ExtractConfig, ExtractSummary, extract_entities
from kg_build import KGConfig, KGSummary, build_triples
from media import MediaConfig, MediaSummary, fetch_media
from train import TrainConfig, TrainSummary, train_models
from warehouse import Warehouse
from warehouse.builds import run_stage
from export import ExportConfig, ExportSummary, export_build
from interactions import InteractionsConfig, InteractionsSummary, load_interactions


T = TypeVar("T")


def _run(stage: str, entry_point: Callable[..., T], warehouse: Warehouse, build_id: str, *args: Any) -> T:
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
    return generate_site(config)


@task(name="movie_pages", retries=2, retry_delay_seconds=exponential_backoff(backoff_factor=5), cache_policy=NO_CACHE,
      timeout_seconds=3600)
def movie_pages(config: CrawlConfig, warehouse: Warehouse, build_id: str) -> CrawlSummary:
    """Crawl the site into pages, movies, attributes and documents."""
    return _run("crawl", crawl_movie_site, warehouse, build_id, config, warehouse, build_id)


@task(name="entities", cache_policy=NO_CACHE, timeout_seconds=3600)
def entities(config: ExtractConfig, warehouse: Warehouse, build_id: str) -> ExtractSummary:
    """Find and resolve entities and relations."""
    return _run("extract", extract_entities, warehouse, build_id, config, warehouse, build_id)


@task(name="media_features", retries=2, retry_delay_seconds=exponential_backoff(backoff_factor=5), cache_policy=NO_CACHE,
      timeout_seconds=3600)
def media_features(config: MediaConfig, warehouse: Warehouse, build_id: str) -> MediaSummary:
    """Fetch trailers and posters and compute their features."""
    return _run("media", fetch_media, warehouse, build_id, config, warehouse, build_id)


@task(name="interactions", cache_policy=NO_CACHE, timeout_seconds=3600)
def interactions(config: InteractionsConfig, warehouse: Warehouse, build_id: str) -> InteractionsSummary:
    """Link user ratings to the crawled movies."""
    return _run("interactions", load_interactions, warehouse, build_id, config, warehouse, build_id)


@task(name="triples", cache_policy=NO_CACHE, timeout_seconds=3600)
def triples(config: KGConfig, warehouse: Warehouse, build_id: str) -> KGSummary:
    """Assemble the build's RDF triples."""
    return _run("kg_build", build_triples, warehouse, build_id, config, warehouse, build_id)


@task(name="training_shards", cache_policy=NO_CACHE, timeout_seconds=3600)
def training_shards(config: ExportConfig, warehouse: Warehouse, build_id: str) -> ExportSummary:
    """Export the build for training (Parquet, safetensors, RecBole, MMRec, N-Triples)."""
    return _run("export", export_build, warehouse, build_id, config, warehouse, build_id)


@task(name="model_metrics", cache_policy=NO_CACHE, timeout_seconds=3600)
def model_metrics(config: TrainConfig, export_dir: Path, warehouse: Warehouse, build_id: str) -> TrainSummary:
    """Train MGNN and baselines on the export and evaluate them."""
    return _run("train", train_models, warehouse, build_id, config, export_dir, warehouse, build_id)
