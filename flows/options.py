"""The parameters of one build, with the defaults of the nightly deployment.

A flat pydantic model: Prefect shows each field as a flow parameter and validates a run's
parameters against it before the flow starts, and the CLI turns a validation error into one
line (``options_error``), so a bad value never costs any work.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, ValidationError, field_validator

KG_STYLES = ("entity", "attribute")
TASK_RUNNERS = ("threads", "dask")
MEDIA_KINDS = ("trailer", "poster", "audio")


def known_models() -> tuple[str, ...]:
    """The model names train/ can fit: its registry when it exports one, else its name list.

    Importing the registry loads torch (seconds, many on a busy machine), and every build
    validates its options first; so the names are kept in the workspace cache under the
    hash of train/'s source, and only a build after a change to train/ imports it here.
    """
    from mmkg.settings import PROJECT_ROOT, Settings
    from warehouse.builds import code_version

    cache = Settings.from_env().home / "cache" / "model-names.json"
    source = code_version([PROJECT_ROOT / "train"])
    try:
        cached = json.loads(cache.read_text())
        if cached["train_source"] == source:
            return tuple(cached["models"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    names = _registry_names()
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"train_source": source, "models": list(names)}))
    return names


def _registry_names() -> tuple[str, ...]:
    import train.models as models

    registry = getattr(models, "MODEL_REGISTRY", None) or getattr(models, "REGISTRY", None)
    return tuple(registry) if registry else tuple(models.MODEL_NAMES)


class BuildOptions(BaseModel):
    """What a data engineer may change per run (Prefect shows these as flow parameters)."""

    start_url: str | None = Field(None, description="Site to crawl (http or https); none = serve the embedded default site")
    more_start_urls: list[str] = Field([], description="Further sites crawled into the same build, each by its own link rules and robots.txt; a film met on several sites is one item")
    n_movies: int = Field(200, ge=1, description="Movies in the embedded default site")
    seed: int = Field(7, description="Seed of the embedded site and of training")
    site_port: int = Field(
        8642, ge=0, le=65535,
        description="Port of the embedded site on 127.0.0.1; a fixed port keeps URLs, and so incremental runs, stable (0 = any free port)",
    )
    faults: bool = Field(True, description="Put the usual faults of real sites into the embedded site")
    max_pages: int = Field(10_000, ge=1, description="Crawl budget in pages")
    crawl_frontier: str | None = Field(None, description="Redis URL (redis://host:port/db) of a shared crawl frontier: crawl_workers processes crawl on it, and machines may join with mmkg crawl-frontier --join; none = one process")
    crawl_workers: int = Field(2, ge=1, le=64, description="Local crawler processes on the crawl frontier (with crawl_frontier)")
    epochs: int = Field(10, ge=1, description="Most training epochs per model (early stopping on validation ndcg@10 may stop sooner)")
    hidden: int = Field(128, ge=8, description="Hidden size of the models (the paper uses 1024)")
    models: list[str] = Field(["mgnn", "tgnn", "bpr_mf", "most_pop"], description="Models to train and evaluate")
    kg_style: str = Field("entity", description="MMKG style: entity (media as nodes) or attribute (media as literals)")
    recompute: bool = Field(False, description="Run every stage, training included, even when its inputs are unchanged since its last run")
    task_runner: str = Field("threads", description="Where tasks run: threads (in this process) or dask")
    dask_address: str | None = Field(None, description="Scheduler address of an existing Dask cluster; none = a LocalCluster")
    dask_workers: int = Field(2, ge=1, description="Workers of the LocalCluster when task_runner is dask and no address is given")
    extract_batch_size: int = Field(128, ge=1, le=100_000, description="Text passages per spaCy batch task that fans out on the task runner")
    media_batch_size: int = Field(20, ge=1, le=100_000, description="Movies per media batch task that fans out on the task runner")
    min_link_rate: float = Field(0.5, ge=0, le=1, description="Gate: least share of crawled movies linked to ratings (0 linked always fails)")
    max_error_rate: float = Field(0.2, ge=0, le=1, description="Gate: most share of a stage's work items that may fail")
    max_shacl_violations: int = Field(0, ge=0, description="Gate: most SHACL violations of the graph")
    min_media_coverage: float = Field(0.5, ge=0, le=1, description="Gate: least share of movies with a usable asset of each gated media kind")
    media_kinds: list[str] = Field(list(MEDIA_KINDS), description="Media kinds to fetch (empty = none, for sites without media); a kind left out is not gated")
    gated_media: list[str] = Field(list(MEDIA_KINDS), description="Media kinds the models use, whose coverage is gated (empty = none)")
    allow_truncated_crawl: bool = Field(False, description="Gate: accept a crawl cut by its page budget or time limit (flagged in the report)")

    @field_validator("start_url", "more_start_urls")
    @classmethod
    def _http_url(cls, value: str | list[str] | None) -> str | list[str] | None:
        for url in [value] if isinstance(value, str) else value or []:
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
                raise ValueError(f"start_url must be an http(s) URL with a host, not {url!r}")
        return value

    @field_validator("models")
    @classmethod
    def _known_models(cls, value: list[str]) -> list[str]:
        known = known_models()
        unknown = [name for name in value if name not in known]
        if unknown or not value:
            raise ValueError(f"unknown model(s) {', '.join(unknown) or '(none given)'}; known: {', '.join(known)}")
        return value

    @field_validator("kg_style")
    @classmethod
    def _kg_style(cls, value: str) -> str:
        if value not in KG_STYLES:
            raise ValueError(f"unknown KG style {value!r}; known: {', '.join(KG_STYLES)}")
        return value

    @field_validator("crawl_frontier")
    @classmethod
    def _frontier_url(cls, value: str | None) -> str | None:
        from crawl.frontier_names import validate_redis_url  # no Scrapy or Redis import

        return None if value is None else validate_redis_url(value)

    @field_validator("task_runner")
    @classmethod
    def _task_runner(cls, value: str) -> str:
        if value not in TASK_RUNNERS:
            raise ValueError(f"unknown task runner {value!r}; known: {', '.join(TASK_RUNNERS)}")
        return value

    @field_validator("gated_media", "media_kinds")
    @classmethod
    def _media_kinds(cls, value: list[str]) -> list[str]:
        unknown = [kind for kind in value if kind not in MEDIA_KINDS]
        if unknown:
            raise ValueError(f"unknown media kind(s) {', '.join(unknown)}; known: {', '.join(MEDIA_KINDS)}")
        return value

    @field_validator("media_kinds")
    @classmethod
    def _audio_needs_trailer(cls, value: list[str]) -> list[str]:
        if "audio" in value and "trailer" not in value:
            raise ValueError("audio comes from the trailer's sound track: media_kinds with audio need trailer")
        return value


def options_error(error: ValidationError) -> str:
    """One line naming each bad parameter and why, for the command line and the run log."""
    parts = []
    for item in error.errors():
        name = ".".join(str(p) for p in item["loc"]) or "options"
        if item["type"] == "value_error":  # our own validators already name the bad value
            parts.append(f"{name}: {item['msg'].removeprefix('Value error, ')}")
        else:
            parts.append(f"{name}: {item['msg']} (got {item.get('input')!r})")
    return "invalid build options: " + "; ".join(parts)
