"""Quality gates over real stage summaries: each names its figure and threshold."""

from __future__ import annotations

from crawl import CrawlSummary
from flows.gates import GateResult, evaluate_gates
from flows.options import BuildOptions
from kg_build import KGSummary
from media import MediaSummary
from interactions import InteractionsSummary


def _summaries(**overrides) -> dict:
    summaries = {
        "crawl": CrawlSummary(pages_fetched=59, movies=50, movies_linked=45, errors=2),
        "interactions": InteractionsSummary(interactions=900, users=80, movies_with_interactions=45,
                                            movies_without_interactions=5, rows_written=900, rows_deleted=0,
                                            seconds=0.1),
        "media": MediaSummary(assets={"trailer": {"ok": 50}, "poster": {"ok": 49, "failed": 1}, "audio": {"ok": 48}}),
        "kg_build": KGSummary(build_id="b", style="entity", entities=10, relations=3, triples=99, item_nodes=50,
                              entity_nodes=40, shacl_conforms=True),
    }
    return summaries | overrides


def _gate(gates: list[GateResult], name: str) -> GateResult:
    return next(g for g in gates if g.gate == name)


def test_a_sound_build_passes_every_gate_that_applies() -> None:
    gates = evaluate_gates(_summaries(), BuildOptions())
    assert [g.message for g in gates if g.passed is False] == []
    assert _gate(gates, "link_rate").figure == 45 / 50
    assert _gate(gates, "error_rate:extract").passed is None  # the stage did not run


def test_no_movie_fails_and_says_where_to_look() -> None:
    gate = _gate(evaluate_gates(_summaries(crawl=CrawlSummary(pages_fetched=59)), BuildOptions()), "movies_crawled")
    assert gate.passed is False
    assert gate.message == ("gate movies_crawled FAILED: 0 (threshold >= 1): crawled 59 pages, none had Movie "
                            "markup or a recognisable movie page; see errors")


def test_a_link_rate_of_zero_fails_even_with_a_zero_threshold() -> None:
    unlinked = InteractionsSummary(interactions=0, users=0, movies_with_interactions=0,
                                   movies_without_interactions=50, rows_written=0, rows_deleted=0, seconds=0.1)
    gates = evaluate_gates(_summaries(crawl=CrawlSummary(pages_fetched=59, movies=50), interactions=unlinked),
                           BuildOptions(min_link_rate=0.0))
    assert _gate(gates, "link_rate").passed is False
    assert "0 of 50 movies linked to ratings" in _gate(gates, "link_rate").message


def test_shacl_violations_above_the_threshold_fail() -> None:
    kg = KGSummary(build_id="b", style="entity", entities=1, relations=1, triples=1, item_nodes=1, entity_nodes=0,
                   shacl_conforms=False, shacl_violations=3)
    assert _gate(evaluate_gates(_summaries(kg_build=kg), BuildOptions()), "shacl").passed is False
    assert _gate(evaluate_gates(_summaries(kg_build=kg), BuildOptions(max_shacl_violations=3)), "shacl").passed


def test_every_trailer_failing_fails_the_trailer_coverage_unless_trailers_are_not_gated() -> None:
    media = MediaSummary(assets={"trailer": {"failed": 50}, "poster": {"ok": 50}, "audio": {"failed": 50}})
    gate = _gate(evaluate_gates(_summaries(media=media), BuildOptions()), "media_coverage:trailer")
    assert gate.passed is False and gate.figure == 0.0 and "0 of 50 usable" in gate.message
    gates = evaluate_gates(_summaries(media=media), BuildOptions(gated_media=["poster"]))
    assert not any(g.gate == "media_coverage:trailer" for g in gates)


def test_a_media_kind_the_build_does_not_fetch_is_not_gated() -> None:
    """A site without trailers is built with ``--media-kinds poster``: only posters are gated."""
    media = MediaSummary(assets={"poster": {"ok": 50}})
    gates = evaluate_gates(_summaries(media=media), BuildOptions(media_kinds=["poster"]))
    assert [g.gate for g in gates if g.gate.startswith("media_coverage")] == ["media_coverage:poster"]
    assert all(g.passed for g in gates if g.gate.startswith("media_coverage"))


def test_a_truncated_crawl_fails_unless_allowed() -> None:
    crawl = CrawlSummary(pages_fetched=59, movies=50, movies_linked=45, truncated=True)
    assert _gate(evaluate_gates(_summaries(crawl=crawl), BuildOptions()), "crawl_truncated").passed is False
    allowed = BuildOptions(allow_truncated_crawl=True)
    assert _gate(evaluate_gates(_summaries(crawl=crawl), allowed), "crawl_truncated").passed is True


def test_a_stage_error_rate_above_the_threshold_fails_with_its_counts() -> None:
    crawl = CrawlSummary(pages_fetched=10, movies=5, movies_linked=5, errors=4)
    gate = _gate(evaluate_gates(_summaries(crawl=crawl), BuildOptions(max_error_rate=0.2)), "error_rate:crawl")
    assert gate.passed is False and gate.figure == 0.4 and "4 errors over 10 work items" in gate.message


def test_gates_read_the_summaries_a_reused_stage_kept_as_dicts() -> None:
    gates = evaluate_gates({"crawl": {"pages_fetched": 59, "movies": 50, "movies_linked": 50, "errors": 0}},
                           BuildOptions())
    assert _gate(gates, "link_rate").passed is True
