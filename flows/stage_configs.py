"""Turn one build's options and the workspace settings into each stage's typed config.

A config is built (and its stage package imported: spaCy, torch, Scrapy...) only when it is
first asked for, so a build whose stages are all reused never loads them. What a config takes
from the options is ``parameters``; with the code version (which covers every config's
defaults) it is what a stage's reuse key says about its config.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mmkg.settings import Settings

from flows.options import BuildOptions

if TYPE_CHECKING:
    from crawl import CrawlConfig
    from demo_site import SiteConfig
    from export import ExportConfig
    from extract import ExtractConfig
    from interactions import InteractionsConfig
    from kg_build import KGConfig
    from media import MediaConfig
    from train import TrainConfig


def ratings_csv(settings: Settings) -> Path:
    """The ratings file the interactions stage links (a data file of the inputs fingerprint)."""
    return settings.movies_dir / "ml-latest-small" / "ratings.csv"


class StageConfigs:
    """Every stage's config of one build, made in one place so the CLI and the flow agree."""

    def __init__(self, options: BuildOptions, settings: Settings) -> None:
        self.options, self.settings = options, settings
        self.parameters: dict[str, dict[str, Any]] = {
            "media": {"kinds": tuple(options.media_kinds)},
            "kg_build": {"style": options.kg_style},
            "export": {},
            "train": {"models": tuple(options.models), "epochs": options.epochs, "hidden": options.hidden,
                      "seed": options.seed},
        }

    @cached_property
    def site(self) -> SiteConfig:
        from demo_site import SiteConfig

        return SiteConfig(data_dir=self.settings.data_dir, out_dir=self.settings.site_dir,
                          n_movies=self.options.n_movies, seed=self.options.seed, faults=self.options.faults)

    @cached_property
    def extract(self) -> ExtractConfig:
        from extract import ExtractConfig

        return ExtractConfig()

    @cached_property
    def media(self) -> MediaConfig:
        from media import MediaConfig

        return MediaConfig(work_dir=self.settings.work_dir / "media", **self.parameters["media"])

    @cached_property
    def interactions(self) -> InteractionsConfig:
        from interactions import InteractionsConfig

        return InteractionsConfig(ratings_csv=ratings_csv(self.settings))

    @cached_property
    def kg(self) -> KGConfig:
        from kg_build import KGConfig

        return KGConfig(**self.parameters["kg_build"])

    @cached_property
    def export(self) -> ExportConfig:
        from export import ExportConfig

        return ExportConfig(exports_dir=self.settings.exports_dir, **self.parameters["export"])

    @cached_property
    def train(self) -> TrainConfig:
        from train import TrainConfig

        return TrainConfig(**self.parameters["train"])

    def crawl(self, start_url: str) -> CrawlConfig:
        """A method, not a field: the start URL is known only once the site is being served."""
        from crawl import CrawlConfig

        rules = os.environ.get("MMKG_SITE_RULES")
        return CrawlConfig(start_url=start_url, more_start_urls=tuple(self.options.more_start_urls),
                           work_dir=self.settings.work_dir / "crawl",
                           max_pages=self.options.max_pages,
                           frontier=self.options.crawl_frontier, frontier_workers=self.options.crawl_workers,
                           movielens_dir=self.settings.movies_dir / "ml-latest-small",
                           site_rules=Path(rules) if rules else None)


def stage_configs(options: BuildOptions, settings: Settings) -> StageConfigs:
    return StageConfigs(options, settings)
