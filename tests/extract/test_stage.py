"""The stage end to end on a real warehouse: structured fields, text, errors, incremental reruns."""

from __future__ import annotations

import hashlib
import re

from extract import ExtractConfig, ExtractSummary, extract_entities
from extract.nlp import pipeline_fingerprint, rule_versions
from extract.relation_rules import load_confidences
from warehouse import Warehouse, upsert

ARTICLE_URL = "http://127.0.0.1/wiki/Barry_Lyndon.html"
DETAIL_URL = "http://127.0.0.1/movies/ml3019.html"
CAST_URL = "http://127.0.0.1/wiki/Barry_Lyndon_cast.html"
BROKEN_URL = "http://127.0.0.1/movies/broken.html"
OTHER_URL = "http://127.0.0.1/wiki/Night_Shift.html"  # another movie
LEAD = ("Barry Lyndon is a 1975 period drama film written, directed and produced by Stanley Kubrick, "
        "based on the 1844 novel The Luck of Barry Lyndon by William Makepeace Thackeray. "
        "It stars Ryan O'Neal, Marisa Berenson, Patrick Magee, Hardy Krüger and Gay Hamilton. "
        "Kubrick directed the candlelit scenes with lenses made for NASA.")
DETAIL_TEXT = "A 1975 film directed by Stanley Kubrick."
ATTRIBUTES = [
    ("director", "Stanley Kubrick", "nm0000040"), ("actor", "Ryan O'Neal", None),
    ("actor", "Patrick Magee (actor)", None), ("actor", "patrick  magee", None),
    ("author", "Stanley Kubrick", None), ("producer", "Stanley Kubrick", None),
    ("productionCompany", "Warner Bros.", None), ("genre", "Drama", None), ("genre", "War", None),
    ("countryOfOrigin", "United Kingdom", None), ("inLanguage", "English", None),
    ("composer", "Leonard Rosenman", None),  # not an attribute the stage knows: an error row
]


def document(url: str, kind: str, text: str) -> dict[str, str]:
    return {"url": url, "movie_id": "ml3019", "kind": kind, "text": text,
            "content_sha256": hashlib.sha256(text.encode()).hexdigest(), "build_id": "crawl"}


def seed(warehouse: Warehouse) -> None:
    with warehouse.transaction() as con:
        upsert(con, "movies", [{"movie_id": "ml3019", "url": DETAIL_URL, "title": "Barry Lyndon", "year": 1975,
                                "article_url": ARTICLE_URL, "build_id": "crawl"}])
        upsert(con, "movie_attributes", [
            {"movie_id": "ml3019", "attribute": a, "value": v, "external_id": x,
             "source_url": ARTICLE_URL if a != "genre" else DETAIL_URL, "build_id": "crawl"}
            for a, v, x in ATTRIBUTES])
        upsert(con, "documents", [
            document(ARTICLE_URL, "article", LEAD),
            document(DETAIL_URL, "description", DETAIL_TEXT),
            document("http://127.0.0.1/movies/broken.html", "description", "   "),
        ])


def table_counts(warehouse: Warehouse) -> dict[str, tuple[int, int]]:
    keys = {"entities": "entity_id", "entity_aliases": "alias, kind", "mentions": "doc_url, start_char, end_char",
            "relations": "movie_id, relation, entity_id, extractor", "extracted_documents": "url, extractor"}
    with warehouse.connect() as con:
        return {t: con.execute(f"SELECT count(*), count(DISTINCT ({k})) FROM {t}").fetchall()[0] for t, k in keys.items()}


def test_structured_fields_and_text_become_entities_mentions_relations(warehouse: Warehouse) -> None:
    seed(warehouse)
    summary = extract_entities(ExtractConfig(), warehouse, "b1")
    assert isinstance(summary, ExtractSummary)
    assert (summary.documents_processed, summary.documents_skipped_unchanged) == (2, 0)
    assert summary.entities == {"Company": 1, "Country": 1, "Genre": 2, "Language": 1, "Person": 6, "Work": 1}  # the novel, based_on
    assert summary.relations["starring"] == {"spacy-rules-v9": 5, "structured": 2}
    with warehouse.connect() as con:
        structured = set(con.execute(
            "SELECT relation, entity_id FROM relations WHERE extractor = 'structured' AND confidence = 1.0").fetchall())
        kubrick = con.execute("SELECT name, kind, imdb_id FROM entities WHERE entity_id = 'person/stanley-kubrick'").fetchall()
        magee_aliases = {a for (a,) in con.execute(
            "SELECT alias FROM entity_aliases WHERE entity_id = 'person/patrick-magee'").fetchall()}
        text = con.execute("""SELECT relation, entity_id, confidence, source_url, evidence FROM relations
                              WHERE extractor = 'spacy-rules-v9' ORDER BY ALL""").fetchall()
        surname = con.execute("SELECT surface, label, entity_id FROM mentions WHERE surface = 'Kubrick'").fetchall()
        errors = dict(con.execute("SELECT source, reason FROM errors WHERE stage = 'extract'").fetchall())
    assert structured == {
        ("directed_by", "person/stanley-kubrick"), ("written_by", "person/stanley-kubrick"),
        ("produced_by", "person/stanley-kubrick"), ("starring", "person/ryan-oneal"),
        ("starring", "person/patrick-magee"), ("made_by", "company/warner-bros"), ("has_genre", "genre/drama"),
        ("has_genre", "genre/war"), ("produced_in", "country/united-kingdom"), ("in_language", "language/english"),
    }
    assert kubrick == [("Stanley Kubrick", "Person", "nm0000040")]
    assert {"patrick magee", "patrick magee (actor)"} <= magee_aliases
    credited = {(relation, eid) for relation, eid, *_ in text}
    assert {("directed_by", "person/stanley-kubrick"), ("written_by", "person/stanley-kubrick"),
            ("starring", "person/hardy-kruger"), ("starring", "person/gay-hamilton")} <= credited
    directed = [row for row in text if row[:2] == ("directed_by", "person/stanley-kubrick")][0]
    assert directed[2] == load_confidences()["directed_by/credit_by"] and directed[3] in (ARTICLE_URL, DETAIL_URL) and "directed" in directed[4]
    assert surname == [("Kubrick", "PERSON", "person/stanley-kubrick")]
    assert "unknown attribute 'composer'" in errors[f"{ARTICLE_URL}#composer=Leonard Rosenman"]
    assert errors["http://127.0.0.1/movies/broken.html"] == "document text is empty"
    assert summary.errors == 2


def test_second_run_skips_unchanged_documents_and_changes_nothing(warehouse: Warehouse) -> None:
    seed(warehouse)
    extract_entities(ExtractConfig(), warehouse, "b1")
    first = table_counts(warehouse)
    again = extract_entities(ExtractConfig(), warehouse, "b2")
    assert (again.documents_processed, again.documents_skipped_unchanged, again.mentions) == (0, 3, 0)  # the empty one too
    assert table_counts(warehouse) == first
    assert all(total == distinct for total, distinct in first.values())

    with warehouse.transaction() as con:  # the article changes: its old mentions and text relations go
        upsert(con, "documents", [document(ARTICLE_URL, "article", "Barry Lyndon stars Marisa Berenson.")])
    changed = extract_entities(ExtractConfig(), warehouse, "b3")  # a movie is read whole: its detail page too
    assert (changed.documents_processed, changed.documents_skipped_unchanged) == (2, 0)
    with warehouse.connect() as con:
        surfaces = {s for (s,) in con.execute("SELECT surface FROM mentions WHERE doc_url = ?", [ARTICLE_URL]).fetchall()}
        starring = {e for (e,) in con.execute("""SELECT entity_id FROM relations
                    WHERE extractor = 'spacy-rules-v9' AND relation = 'starring'""").fetchall()}
    assert surfaces == {"Barry Lyndon", "Marisa Berenson"}
    assert starring == {"person/marisa-berenson"}


def _stored_reads(warehouse: Warehouse) -> dict[str, tuple[str, str]]:
    with warehouse.connect() as con:
        return {url: (extractor, build) for url, extractor, build in
                con.execute("SELECT url, extractor, build_id FROM extracted_documents").fetchall()}


def _pretend_read_by(warehouse: Warehouse, url: str, extractor: str) -> None:
    """As if ``url`` (same text) had been read by an older pipeline that stored ``extractor``."""
    with warehouse.transaction() as con:
        sha = con.execute("SELECT content_sha256 FROM documents WHERE url = ?", [url]).fetchall()[0][0]
        con.execute("DELETE FROM extracted_documents WHERE url = ?", [url])
        upsert(con, "extracted_documents", [{"url": url, "content_sha256": sha, "build_id": "b0", "extractor": extractor}])


def _add_other_movie(warehouse: Warehouse) -> None:
    with warehouse.transaction() as con:
        upsert(con, "movies", [{"movie_id": "ml2", "url": "http://127.0.0.1/movies/ml2.html", "title": "Night Shift",
                                "year": 1994, "build_id": "crawl"}])
        upsert(con, "documents", [{**document(OTHER_URL, "article", "Night Shift is a 1994 film directed by Ann Lowe."),
                                   "movie_id": "ml2"}])


def test_a_document_read_by_another_pipeline_version_is_read_again_with_its_movie_only(warehouse: Warehouse) -> None:
    seed(warehouse)
    _add_other_movie(warehouse)
    extract_entities(ExtractConfig(), warehouse, "b1")
    current = _stored_reads(warehouse)[DETAIL_URL][0]
    assert current.startswith(pipeline_fingerprint() + "[")
    _pretend_read_by(warehouse, DETAIL_URL, current.replace("_v2", "_v1"))
    again = extract_entities(ExtractConfig(), warehouse, "b2")
    assert (again.documents_processed, again.documents_skipped_unchanged) == (2, 1)  # its movie's article too
    reads = _stored_reads(warehouse)
    assert reads[DETAIL_URL] == (current, "b2") and reads[ARTICLE_URL][1] == "b2" and reads[OTHER_URL][1] == "b1"


def test_a_rule_family_version_bump_rereads_only_the_movies_it_can_change(warehouse: Warehouse) -> None:
    seed(warehouse)
    cast = "Ryan O'Neal as Redmond Barry\nMarisa Berenson as Lady Lyndon\nPatrick Magee as the Chevalier"
    _add_other_movie(warehouse)
    with warehouse.transaction() as con:
        upsert(con, "documents", [document(CAST_URL, "cast", cast)])
    extract_entities(ExtractConfig(), warehouse, "b1")
    reads = _stored_reads(warehouse)
    cast_mark, facts_mark = (f"{family}={rule_versions()[family]}" for family in ("cast_list", "film_facts"))
    assert cast_mark in reads[CAST_URL][0] and "cast_list:-" in reads[ARTICLE_URL][0]
    assert facts_mark in reads[ARTICLE_URL][0] and "film_facts:-" in reads[CAST_URL][0]
    for url, (extractor, _) in reads.items():  # as if the cast-list reader had been at version 0
        _pretend_read_by(warehouse, url, extractor.replace(cast_mark, "cast_list=0"))
    again = extract_entities(ExtractConfig(), warehouse, "b2")
    # the cast list's movie is read whole (its billing cut needs the lead); the other movie not at all
    assert (again.documents_processed, again.documents_skipped_unchanged) == (3, 1)
    after = _stored_reads(warehouse)
    assert after[CAST_URL] == (reads[CAST_URL][0], "b2")
    assert {url for url, (_, build) in after.items() if build == "b0"} == {OTHER_URL}
    with warehouse.connect() as con:
        starring = {(e, q) for e, q in con.execute("""SELECT entity_id, qualifier FROM relations
                    WHERE movie_id = 'ml3019' AND relation = 'starring' AND extractor <> 'structured'""").fetchall()}
    assert ("person/marisa-berenson", "Lady Lyndon") in starring  # the lead's row, the cast line's character
    for url, (extractor, _) in _stored_reads(warehouse).items():  # a family added since: everything is read again
        _pretend_read_by(warehouse, url, re.sub(r",sentence_rules(?:=\d+|:-)", "", extractor))
    assert extract_entities(ExtractConfig(), warehouse, "b3").documents_skipped_unchanged == 0


def _year(warehouse: Warehouse, movie_id: str) -> int | None:
    with warehouse.connect() as con:
        return con.execute("SELECT year FROM movies WHERE movie_id = ?", [movie_id]).fetchall()[0][0]


def test_the_text_fills_a_missing_year_never_a_given_one_and_keeps_it_across_a_recrawl(warehouse: Warehouse) -> None:
    movies = [{"movie_id": "ml1", "url": "http://127.0.0.1/movies/ml1.html", "title": "Hard Rain", "year": None,
               "build_id": "crawl"},
              {"movie_id": "ml2", "url": "http://127.0.0.1/movies/ml2.html", "title": "Night Shift", "year": 1990,
               "build_id": "crawl"}]
    texts = {"ml1": "Hard Rain is a 1998 American action film directed by Mikael Salomon. It premiered at a festival "
                    "on 9 January 1998 and was released on DVD in 2002.",
             "ml2": "Night Shift is a 1994 British comedy film directed by Ann Lowe."}
    with warehouse.transaction() as con:
        upsert(con, "movies", movies)
        upsert(con, "documents", [{**document(f"http://127.0.0.1/wiki/{m}.html", "article", t), "movie_id": m}
                                  for m, t in texts.items()])
    summary = extract_entities(ExtractConfig(), warehouse, "b1")
    assert summary.years_from_text == 1
    assert (_year(warehouse, "ml1"), _year(warehouse, "ml2")) == (1998, 1990)
    with warehouse.transaction() as con:  # the crawl writes the movie row again, still without a year
        upsert(con, "movies", movies[:1])
    again = extract_entities(ExtractConfig(), warehouse, "b2")
    assert again.documents_processed == 0 and _year(warehouse, "ml1") == 1998


def test_a_passage_two_pages_share_is_parsed_once_and_read_for_both(warehouse: Warehouse) -> None:
    seed(warehouse)
    with warehouse.transaction() as con:  # the detail page repeats the article's lead word for word
        upsert(con, "documents", [document(DETAIL_URL, "description", LEAD)])
    parsed: list[str] = []

    def counting(parse, texts):
        parsed.extend(texts)
        return parse(texts)

    extract_entities(ExtractConfig(), warehouse, "b1", counting)
    assert len(parsed) == len(set(parsed)) and parsed
    with warehouse.connect() as con:
        sources = {u for (u,) in con.execute("""SELECT DISTINCT doc_url FROM mentions WHERE surface = 'Marisa Berenson'""").fetchall()}
    assert sources == {ARTICLE_URL, DETAIL_URL}
