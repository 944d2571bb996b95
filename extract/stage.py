"""The extract stage: structured fields and document text -> entities, mentions, relations."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

import pyarrow as pa

from extract.config import ExtractConfig, ExtractSummary
from extract.cleaning import blank_markup, chunks, cue_passages, not_english_reason, repair_mojibake
from extract.nlp import build_nlp, pipeline_fingerprint
from extract.relations import GRAPH_RELATIONS
from extract.resolver import EntityResolver
from extract.structured import STRUCTURED, structured_relations
from extract.text import TextFindings, read_documents
from warehouse import Warehouse, record_errors, upsert

STAGE = "extract"


def _rows(con: Any, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    return con.sql(sql, params=list(params)).to_arrow_table().to_pylist()


def _read_inputs(warehouse: Warehouse, reader: str) -> dict[str, list[dict[str, Any]]]:
    """Everything the stage needs, read in one short connection; ``reader`` is the pipeline
    fingerprint a document must have been read with to count as unchanged."""
    with warehouse.connect() as con:
        return {
            "attributes": _rows(con, "SELECT * FROM movie_attributes ORDER BY movie_id, attribute, value"),
            "movies": _rows(con, "SELECT movie_id, title FROM movies ORDER BY movie_id"),
            "entities": _rows(con, "SELECT * FROM entities ORDER BY entity_id"),
            "changed": _rows(con, """
                SELECT d.url, d.movie_id, d.kind, d.text, d.content_sha256 FROM documents d
                LEFT JOIN extracted_documents e ON e.url = d.url AND e.extractor = ?
                WHERE e.content_sha256 IS DISTINCT FROM d.content_sha256 ORDER BY d.url""", [reader]),
            "unchanged": _rows(con, """
                SELECT count(*) AS n FROM documents d JOIN extracted_documents e
                ON e.url = d.url AND e.extractor = ? AND e.content_sha256 = d.content_sha256""", [reader]),
        }


def _pieces(
    documents: list[dict[str, Any]], max_chars: int, cue_only: bool
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Parseable pieces (markup blanked, mojibake repaired, long texts chunked, with their
    offset; with ``cue_only`` only the passages holding a credit cue) and (url, reason) for
    the documents skipped: empty or not English."""
    pieces, skipped = [], []
    for document in documents:
        text = blank_markup(repair_mojibake(document["text"] or ""))
        reason = "document text is empty" if not text.strip() else not_english_reason(text)
        if reason:
            skipped.append((document["url"], reason))
            continue
        for offset, piece in chunks(text, max_chars):
            passages = cue_passages(piece) if cue_only else [(0, piece)]
            pieces += [{**document, "text": passage, "offset": offset + start} for start, passage in passages]
    return pieces, skipped


def _unique(rows: list[dict[str, Any]], key: tuple[str, ...]) -> list[dict[str, Any]]:
    """First row per primary key: one upsert batch must not hit the same key twice."""
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(tuple(row[k] for k in key), row)
    return list(seen.values())


def _write(
    warehouse: Warehouse, build_id: str, resolver: EntityResolver, structured: list[dict[str, Any]],
    findings: TextFindings, processed: list[dict[str, Any]], failures: list[tuple[str, str]], reader: str,
) -> list[dict[str, Any]]:
    """One transaction: replace structured relations and the findings of re-read documents."""
    text_relations = [row for row in findings.relations.values() if row["relation"] in GRAPH_RELATIONS]
    processed_urls = pa.table({"url": [d["url"] for d in processed]})
    with warehouse.transaction() as con:
        con.register("_processed_urls", processed_urls)
        con.execute("DELETE FROM mentions WHERE doc_url IN (SELECT url FROM _processed_urls)")
        con.execute("DELETE FROM relations WHERE extractor <> ? AND source_url IN (SELECT url FROM _processed_urls)",
                    [STRUCTURED])
        con.unregister("_processed_urls")
        con.execute("DELETE FROM relations WHERE extractor = ?", [STRUCTURED])
        upsert(con, "entities", resolver.entity_rows(build_id))
        upsert(con, "entity_aliases", resolver.alias_rows())
        upsert(con, "relations", _unique(structured, ("movie_id", "relation", "entity_id")))
        upsert(con, "relations", text_relations)
        upsert(con, "mentions", _unique(findings.mentions, ("doc_url", "start_char", "end_char")))
        upsert(con, "extracted_documents", [
            {"url": d["url"], "content_sha256": d["content_sha256"], "extractor": reader, "build_id": build_id}
            for d in processed])
        record_errors(con, build_id, STAGE, list(dict(failures).items()))
    return _unique(structured, ("movie_id", "relation", "entity_id")) + text_relations


# Runs a parse function over batches of the texts elsewhere (the flow's task runner) and
# yields one Doc per text, in the texts' order.
ParseBatches = Callable[[Callable[[list[str]], list[Any]], list[str]], Iterable[Any]]


def _parse(nlp: Any, config: ExtractConfig, texts: list[str]) -> list[Any]:
    return list(nlp.pipe(texts, batch_size=config.batch_size, n_process=config.n_process))


def extract_entities(config: ExtractConfig, warehouse: Warehouse, build_id: str,
                     parse_batches: ParseBatches | None = None) -> ExtractSummary:
    """Resolve the entities of structured fields and document text and write their relations.

    ``parse_batches``: where the spaCy parse runs (default: here, in one ``nlp.pipe``); entity
    resolution and the one write stay here, in document order, so the result is the same.

    Documents whose text this pipeline (same component versions) already read are skipped;
    skipped documents (empty, not English) are recorded as errors and marked read, so they are
    not retried until their text or the pipeline changes; structured fields
    are cheap and re-derived every run so a removed field also removes its relation.
    """
    started = time.perf_counter()
    reader = pipeline_fingerprint()
    inputs = _read_inputs(warehouse, reader)
    resolver = EntityResolver()
    resolver.load(inputs["entities"])
    structured, failures = structured_relations(inputs["attributes"], resolver, build_id)

    findings, processed, skipped = TextFindings(), [], []
    if inputs["changed"]:
        titles = [movie["title"] for movie in inputs["movies"]]
        nlp = build_nlp(config.model, resolver.spellings("Person"), titles)
        pieces, skipped = _pieces(inputs["changed"], min(config.max_chunk_chars, nlp.max_length), config.cue_passages_only)
        if parse_batches is None:
            docs = nlp.pipe((p["text"] for p in pieces), batch_size=config.batch_size, n_process=config.n_process)
        else:
            docs = parse_batches(partial(_parse, nlp, config), [p["text"] for p in pieces])
        findings, unread = read_documents(docs, pieces, resolver, config.min_confidence, build_id)
        failed = {url for url, _ in unread}
        processed = [d for d in inputs["changed"] if d["url"] not in failed]
        failures += skipped + unread

    written = _write(warehouse, build_id, resolver, structured, findings, processed, failures, reader)
    relations: dict[str, dict[str, int]] = defaultdict(dict)
    for (relation, extractor), n in sorted(Counter((r["relation"], r["extractor"]) for r in written).items()):
        relations[relation][extractor] = n
    return ExtractSummary(
        documents_processed=len(processed) - len(skipped),
        documents_skipped_unchanged=inputs["unchanged"][0]["n"],
        mentions=len(findings.mentions),
        entities=dict(sorted(Counter(row["kind"] for row in resolver.entity_rows(build_id)).items())),
        relations=dict(relations),
        errors=len(dict(failures)),
        seconds=round(time.perf_counter() - started, 3),
    )
