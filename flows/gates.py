"""Quality gates: the figures a build must reach to be published, checked after its stages.

Each gate names its figure and threshold; a build with a failed gate ends ``failed`` and the
previous succeeded build stays current. Summaries may be stage dataclasses or the dicts kept
in ``stage_runs`` (a reused stage), so fields are read by name with defaults.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, is_dataclass
from typing import Any

from flows.options import BuildOptions

# Each stage's count of work items: the denominator of its error rate.
WORK_ITEMS = {
    "crawl": lambda s: _get(s, "pages_fetched", 0),
    "extract": lambda s: _get(s, "documents_processed", 0) + _get(s, "documents_skipped_unchanged", 0),
    "media": lambda s: sum(sum(v.values()) for v in _get(s, "assets", {}).values()),
    "kg_build": lambda s: _get(s, "item_nodes", 0),
    "export": lambda s: _get(s, "counts", {}).get("items", 0),
    "train": lambda s: len(_get(s, "metrics", {})) + _get(s, "errors", 0),
}


@dataclass(frozen=True)
class GateResult:
    """One gate's verdict; ``passed`` None means it did not apply (its stage did not run)."""

    gate: str
    figure: float | int | None
    threshold: str
    passed: bool | None
    detail: str = ""

    @property
    def message(self) -> str:
        verdict = {True: "passed", False: "FAILED", None: "not applicable"}[self.passed]
        figure = f"{self.figure:.3f}" if isinstance(self.figure, float) else str(self.figure)
        return f"gate {self.gate} {verdict}: {figure} (threshold {self.threshold}){': ' + self.detail if self.detail else ''}"


class QualityGateFailed(RuntimeError):
    """A build missed a gate; the message lists every failed gate with its figure."""

    def __init__(self, build_id: str, failed: list[GateResult]) -> None:
        super().__init__(f"build {build_id} failed its quality gates: " + "; ".join(g.message for g in failed))
        self.build_id, self.failed = build_id, failed


def _get(summary: Any, name: str, default: Any) -> Any:
    if summary is None:
        return default
    if is_dataclass(summary):
        summary = asdict(summary)
    value = summary.get(name, default)
    return default if value is None else value


def crawl_gates(crawl: Any) -> list[GateResult]:
    """The gate checked right after the crawl: with no movie, nothing downstream means anything."""
    movies, pages = _get(crawl, "movies", 0), _get(crawl, "pages_fetched", 0)
    detail = "" if movies else f"crawled {pages} pages, none had Movie markup or a recognisable movie page; see errors"
    return [GateResult("movies_crawled", movies, ">= 1", movies >= 1, detail)]


def evaluate_gates(summaries: dict[str, Any], options: BuildOptions) -> list[GateResult]:
    """Every gate over the stage summaries of one build (stage name -> summary)."""
    crawl = summaries.get("crawl")
    gates = crawl_gates(crawl)
    gates.append(_link_rate(crawl, summaries.get("interactions"), options.min_link_rate))
    truncated = bool(_get(crawl, "truncated", False))
    gates.append(GateResult(
        "crawl_truncated", int(truncated), "allowed" if options.allow_truncated_crawl else "0 (not allowed)",
        (not truncated) or options.allow_truncated_crawl,
        "the crawl stopped at its page budget or time limit; raise max_pages or allow it" if truncated else "",
    ))
    for stage, work in WORK_ITEMS.items():
        summary = summaries.get(stage)
        if summary is None:
            gates.append(GateResult(f"error_rate:{stage}", None, f"<= {options.max_error_rate}", None))
            continue
        errors, items = _get(summary, "errors", 0), work(summary)
        rate = errors / items if items else float(errors > 0)
        gates.append(GateResult(f"error_rate:{stage}", rate, f"<= {options.max_error_rate}",
                                rate <= options.max_error_rate, f"{errors} errors over {items} work items"))
    gates.append(_shacl(summaries.get("kg_build"), options.max_shacl_violations))
    gates += _media_coverage(summaries.get("media"), _get(crawl, "movies", 0), options)
    return gates


def _link_rate(crawl: Any, interactions: Any, threshold: float) -> GateResult:
    """Movies linked to ratings over movies crawled; the crawl's own count when it gives one,
    else the interactions stage's count of movies that got ratings."""
    movies = _get(crawl, "movies", 0)
    linked = min(movies, _get(crawl, "movies_linked", 0) or _get(interactions, "movies_with_interactions", 0))
    rate = linked / movies if movies else 0.0
    return GateResult("link_rate", rate, f">= {threshold} and > 0", linked > 0 and rate >= threshold,
                      f"{linked} of {movies} movies linked to ratings")


def _shacl(kg: Any, threshold: int) -> GateResult:
    conforms = _get(kg, "shacl_conforms", None) if kg is not None else None
    if conforms is None:
        return GateResult("shacl", None, f"violations <= {threshold}", None, "SHACL validation did not run")
    violations = _get(kg, "shacl_violations", 0)
    ok = violations <= threshold and (conforms or threshold > 0)
    return GateResult("shacl", violations, f"violations <= {threshold}", ok,
                      "graph conforms to shapes.ttl" if conforms else "graph does not conform to shapes.ttl")


def _media_coverage(media: Any, movies: int, options: BuildOptions) -> list[GateResult]:
    """ok / attempted per media kind: MediaSummary.coverage when the stage gives it, else its
    asset counts, with every crawled movie counted as an attempt."""
    threshold = f">= {options.min_media_coverage}"
    if media is None:
        return [GateResult(f"media_coverage:{k}", None, threshold, None) for k in _gated_kinds(options)]
    coverage = _get(media, "coverage", None)
    assets = _get(media, "assets", {})
    gates = []
    for kind in _gated_kinds(options):
        ok, attempted = _coverage_of(kind, coverage, assets, movies)
        rate = ok / attempted if attempted else 0.0
        gates.append(GateResult(f"media_coverage:{kind}", rate, threshold, rate >= options.min_media_coverage,
                                f"{ok} of {attempted} usable"))
    return gates


def _gated_kinds(options: BuildOptions) -> list[str]:
    """The gated kinds the build fetches: a kind it was told not to fetch has no coverage to gate."""
    return [kind for kind in options.gated_media if kind in options.media_kinds]


def _coverage_of(kind: str, coverage: Any, assets: dict, movies: int) -> tuple[int, int]:
    if coverage and kind in coverage:
        value = coverage[kind]
        if isinstance(value, dict):
            return int(value.get("ok", 0)), int(value.get("attempted", 0))
        if isinstance(value, (list, tuple)):
            return int(value[0]), int(value[1])
        return round(float(value) * movies), movies
    counts = assets.get(kind, {})
    return int(counts.get("ok", 0)), max(int(sum(counts.values())), movies)
