"""Turn one build's options and the workspace settings into each stage's typed config."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from crawl import CrawlConfig
from demo_site import SiteConfig
from extract import ExtractConfig
from kg_build import KGConfig
from media import MediaConfig
from mmkg.settings import Settings
from train import TrainConfig
from export import ExportConfig
from interactions import InteractionsConfig

from flows.options import BuildOptions


@dataclass(frozen=True)
class StageConfigs:
    """Every stage's config of one build, made in one place so the CLI and the flow agree."""

    site: SiteConfig
    extract: ExtractConfig
    media: MediaConfig
    interactions: InteractionsConfig
    kg: KGConfig
    export: ExportConfig
    train: TrainConfig

    def crawl(self, start_url: str, settings: Settings, options: BuildOptions) -> CrawlConfig:
        """A method, not a field: the start URL is known only once the site is being served."""
        rules = os.environ.get("MMKG_SITE_RULES")
        return CrawlConfig(start_url=start_url, work_dir=settings.work_dir / "crawl", max_pages=options.max_pages,
                           movielens_dir=settings.movies_dir / "ml-latest-small", site_rules=Path(rules) if rules else None)


def stage_configs(options: BuildOptions, settings: Settings) -> StageConfigs:
    return StageConfigs(
        site=SiteConfig(data_dir=settings.data_dir, out_dir=settings.site_dir,
                        n_movies=options.n_movies, seed=options.seed, faults=options.faults),
        extract=ExtractConfig(),
        media=MediaConfig(work_dir=settings.work_dir / "media"),
        interactions=InteractionsConfig(ratings_csv=settings.movies_dir / "ml-latest-small" / "ratings.csv"),
        kg=KGConfig(style=options.kg_style),
        export=ExportConfig(exports_dir=settings.exports_dir),
        train=TrainConfig(models=tuple(options.models), epochs=options.epochs, hidden=options.hidden,
                          seed=options.seed),
    )
