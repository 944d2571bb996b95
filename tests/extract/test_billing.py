"""The per-film billing cut: a lead's star list is the top billing, a cast section the whole cast."""

from __future__ import annotations

import hashlib

from extract import ExtractConfig, extract_entities
from extract.billing import LEAD_LIST_RULES, PAST_LEAD_RULE, cut_past_lead
from extract.cast_list import LEAD_RULE
from extract.relation_rules import RelationRules, load_confidences
from extract.text import TextFindings
from warehouse import Warehouse, upsert

LEAD_URL = "http://127.0.0.1/wiki/Midnight_Cowboy.html"
CAST_URL = "http://127.0.0.1/wiki/Midnight_Cowboy_cast.html"
# As a Wikipedia article gives them: the lead names the top billing, the "Cast" section is a bullet list of everyone.
LEAD = ("Midnight Cowboy is a 1969 American drama film directed by John Schlesinger. "
        "It stars Jon Voight and Dustin Hoffman, with Sylvia Miles in a small role.")
CAST = ("* Jon Voight as Joe Buck\n* Dustin Hoffman as Enrico \"Ratso\" Rizzo\n* Sylvia Miles as Cass\n"
        "* John McGiver as Mr. O'Daniel\n* Brenda Vaccaro as Shirley\n* Barnard Hughes as Towny")
CUT_SETTING = "components.mmkg_relation_rules.billing_list_names"
PAST_THE_LEAD = {"person/sylvia-miles", "person/john-mcgiver", "person/brenda-vaccaro", "person/barnard-hughes"}


def _row(movie: str, person: str, rule: str, confidence: float) -> dict[str, object]:
    return {"movie_id": movie, "relation": "starring", "entity_id": person, "rule": rule, "confidence": confidence,
            "qualifier": None}


def _findings(rows: list[dict[str, object]]) -> TextFindings:
    findings = TextFindings()
    for row in rows:
        findings.add_relation(row)
    return findings


def test_cast_lines_past_a_star_list_get_the_past_lead_rule_and_other_films_keep_theirs() -> None:
    rules = RelationRules({"starring/cast_list_past_lead": 0.6, "cast_list_lead": 0.7}, 5, 2)
    findings = _findings([
        _row("m1", "a", "star_object", 0.9), _row("m1", "b", "star_surface", 0.9),
        _row("m1", "a", LEAD_RULE, 0.7), _row("m1", "c", LEAD_RULE, 0.7),   # c: past the lead's list
        _row("m2", "x", "star_object", 0.9), _row("m2", "y", LEAD_RULE, 0.7),  # one star named: no billing
        _row("m3", "z", LEAD_RULE, 0.7),                                        # no star list at all
    ])
    assert cut_past_lead(findings, rules, 0.5) == 1
    kept = {(m, e): (row["rule"], row["confidence"]) for (m, _, e), row in findings.relations.items()}
    assert kept[("m1", "c")] == (PAST_LEAD_RULE, 0.6)
    assert kept[("m1", "a")] == ("star_object", 0.9)
    assert kept[("m2", "y")] == (LEAD_RULE, 0.7) and kept[("m3", "z")] == (LEAD_RULE, 0.7)


def test_a_star_list_counts_even_when_the_cast_line_won_the_row_and_a_measured_low_rule_drops_the_line() -> None:
    rules = RelationRules({"cast_list_past_lead": 0.3, "cast_list_lead": 0.95}, 5, 2)
    findings = _findings([_row("m1", "a", "star_object", 0.9), _row("m1", "b", "star_object:no_entity", 0.8),
                          _row("m1", "a", LEAD_RULE, 0.95), _row("m1", "c", LEAD_RULE, 0.95)])
    cut_past_lead(findings, rules, 0.5)
    assert {e: row["rule"] for (_, _, e), row in findings.relations.items()} == {"a": LEAD_RULE, "b": "star_object:no_entity"}


def _document(url: str, kind: str, text: str) -> dict[str, str]:
    return {"url": url, "movie_id": "m1969", "kind": kind, "text": text,
            "content_sha256": hashlib.sha256(text.encode()).hexdigest(), "build_id": "crawl"}


def _starring(warehouse: Warehouse) -> dict[str, tuple[str, float]]:
    with warehouse.connect() as con:
        return {e: (rule, c) for e, rule, c in con.execute(
            "SELECT entity_id, rule, confidence FROM relations WHERE relation = 'starring'").fetchall()}


def test_the_stage_cuts_a_cast_section_by_its_lead_and_undoes_it_when_only_the_lead_changes(warehouse: Warehouse) -> None:
    with warehouse.transaction() as con:
        upsert(con, "movies", [{"movie_id": "m1969", "url": LEAD_URL, "title": "Midnight Cowboy", "year": 1969,
                                "build_id": "crawl"}])
        upsert(con, "documents", [_document(LEAD_URL, "article", LEAD), _document(CAST_URL, "cast", CAST)])
    config = ExtractConfig(pipeline_overrides=((CUT_SETTING, 2),))  # the cut is off in extract.cfg
    extract_entities(config, warehouse, "b1")
    starring = _starring(warehouse)
    past = load_confidences().get("starring/cast_list_past_lead", 0.0)
    assert {starring[p][0] for p in ("person/jon-voight", "person/dustin-hoffman")} <= LEAD_LIST_RULES
    for person in PAST_THE_LEAD:  # never at the top billing's confidence
        assert starring.get(person) == ((PAST_LEAD_RULE, past) if past >= config.min_confidence else None)
    assert past < load_confidences()["starring/cast_list_lead"]

    with warehouse.transaction() as con:  # the lead no longer lists stars; the cast section is unchanged
        upsert(con, "documents", [_document(LEAD_URL, "article", "Midnight Cowboy is a 1969 film by John Schlesinger.")])
    extract_entities(config, warehouse, "b2")
    starring = _starring(warehouse)
    lead = load_confidences()["starring/cast_list_lead"]
    assert {starring[p] for p in ("person/jon-voight", "person/sylvia-miles", "person/brenda-vaccaro")} == {(LEAD_RULE, lead)}
    assert "person/barnard-hughes" not in starring   # the sixth line is past ``lead_cast_lines`` (5)


def test_the_cut_is_off_at_zero() -> None:
    rules = RelationRules({"cast_list_lead": 0.7}, 5, 0)
    findings = _findings([_row("m1", "a", "star_object", 0.9), _row("m1", "b", "star_object", 0.9),
                          _row("m1", "c", LEAD_RULE, 0.7)])
    assert cut_past_lead(findings, rules, 0.5) == 0 and len(findings.relations) == 3
