"""The parameters of one build, with the defaults of the nightly deployment."""

from __future__ import annotations

from pydantic import BaseModel, Field


class BuildOptions(BaseModel):
    """What a data engineer may change per run (Prefect shows these as flow parameters)."""

    start_url: str | None = Field(None, description="Site to crawl; none = serve the embedded default site")
    n_movies: int = Field(200, ge=1, description="Movies in the embedded default site")
    seed: int = Field(7, description="Seed of the embedded site and of training")
    site_port: int = Field(
        8642, ge=0, le=65535,
        description="Port of the embedded site on 127.0.0.1; a fixed port keeps URLs, and so incremental runs, stable (0 = any free port)",
    )
    faults: bool = Field(True, description="Put the usual faults of real sites into the embedded site")
    max_pages: int = Field(10_000, ge=1, description="Crawl budget in pages")
    epochs: int = Field(10, ge=1, description="Most training epochs per model (early stopping on validation ndcg@10 may stop sooner)")
    hidden: int = Field(128, ge=8, description="Hidden size of the models (the paper uses 1024)")
    models: list[str] = Field(["mgnn", "tgnn", "bpr_mf", "most_pop"], description="Models to train and evaluate")
    kg_style: str = Field("entity", pattern="^(entity|attribute)$", description="MMKG style: media as nodes or as attributes")
