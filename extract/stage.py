"""The extract stage: structured fields and document text -> entities, mentions, relations."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import Any

import pyarrow as pa

from extract.billing import cut_past_lead
from extract.config import ExtractConfig, ExtractSummary
from extract.cleaning import blank_markup, chunks, cue_passages, not_english_reason, repair_mojibake
from extract.nlp import RULES_PIPE, build_nlp, pipeline_fingerprint, rule_versions
from extract.rule_families import is_current, reader_of
from extract.lead_facts import choose_year
from extract.relations import GRAPH_RELATIONS, RELEASE_YEAR
from extract.resolver import EntityResolver
from extract.structured import STRUCTURED, structured_relations
from extract.cast_list import is_cast_list
from extract.text import TextFindings, read_cast_list, read_documents
from warehouse import Warehouse, record_errors, upsert

STAGE = "extract"


def _rows(con: Any, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    return con.sql(sql, params=list(params)).to_arrow_table().to_pylist()


def _read_inputs(warehouse: Warehouse, base: str, versions: dict[str, int]) -> dict[str, Any]:
    """Everything the stage needs, read in one short connection. A document is unchanged when a
    stored read of its current text is current for today's rule versions (``rule_families``);
    a movie with a document that is not is read whole (its text relations are stored one per
    movie, relation and entity, and its cast list is cut by its lead's star list, ``billing``);
    only the texts of the movies read are fetched."""
    with warehouse.connect() as con:
        documents = _rows(con, "SELECT url, movie_id, content_sha256 FROM documents ORDER BY url")
        reads = _rows(con, "SELECT url, content_sha256, extractor FROM extracted_documents")
        current = {(r["url"], r["content_sha256"]) for r in reads if is_current(base, versions, r["extractor"])}
        stale = {d["url"] for d in documents if (d["url"], d["content_sha256"]) not in current}
        touched = {d["movie_id"] for d in documents if d["url"] in stale and d["movie_id"] is not None}
        changed_urls = [d["url"] for d in documents if d["url"] in stale or d["movie_id"] in touched]
        con.register("_changed_urls", pa.table({"url": pa.array(changed_urls, pa.string())}))
        changed = _rows(con, """SELECT d.url, d.movie_id, d.kind, d.text, d.content_sha256 FROM documents d
                                JOIN _changed_urls USING (url) ORDER BY d.url""")
        con.unregister("_changed_urls")
        return {
            "attributes": _rows(con, "SELECT * FROM movie_attributes ORDER BY movie_id, attribute, value"),
            "movies": _rows(con, "SELECT movie_id, title FROM movies ORDER BY movie_id"),
            "entities": _rows(con, "SELECT * FROM entities ORDER BY entity_id"),
            "changed": changed,
            "unchanged": len(documents) - len(changed_urls),
        }


def _clean(text: str | None) -> str:
    return blank_markup(repair_mojibake(text or ""))


def _pieces(
    documents: list[dict[str, Any]], max_chars: int, cue_only: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[tuple[str, str]]]:
    """Parseable pieces (markup blanked, mojibake repaired, long texts chunked, with their
    offset; with ``cue_only`` only the passages holding a credit cue), the documents laid out as
    cast lists (whose names are also read by layout) and (url, reason) for the documents skipped: empty or not English."""
    pieces, cast_lists, skipped = [], [], []
    for document in documents:
        text = _clean(document["text"])
        reason = "document text is empty" if not text.strip() else not_english_reason(text)
        if reason:
            skipped.append((document["url"], reason))
            continue
        if is_cast_list(text):
            cast_lists.append({**document, "text": text})
        for offset, piece in chunks(text, max_chars):
            passages = cue_passages(piece) if cue_only else [(0, piece)]
            pieces += [{**document, "text": passage, "offset": offset + start} for start, passage in passages]
    return pieces, cast_lists, skipped


def _read_cast_lists(
    cast_lists: list[dict[str, Any]], rules: Any, resolver: EntityResolver, findings: TextFindings,
    min_confidence: float, build_id: str,
) -> list[tuple[str, str]]:
    """Read each cast list into ``findings``; (url, reason) of those that failed, one never stops the rest."""
    failures = []
    for document in cast_lists:
        found = TextFindings()
        try:
            read_cast_list(rules.cast_credits(document["text"]), document, resolver, found, min_confidence, build_id)
        except Exception as exc:  # noqa: BLE001 - recorded as an error row, the run goes on
            failures.append((document["url"], f"cast list reading failed: {type(exc).__name__}: {exc}"))
            continue
        findings.merge(found)
    return failures


def _unique(rows: list[dict[str, Any]], key: tuple[str, ...]) -> list[dict[str, Any]]:
    """First row per primary key: one upsert batch must not hit the same key twice."""
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(tuple(row[k] for k in key), row)
    return list(seen.values())


def _fill_years(con: Any) -> int:
    """A movie whose structured fields gave no year gets the release year its text states
    (``lead_facts.choose_year`` over its stored "year" mentions); never one the page gave.
    Re-applied every run from the stored mentions, so a re-crawl that rewrites the movie row
    without a year does not lose the year of a document that is not re-read."""
    rows = _rows(con, """SELECT d.movie_id, m.surface FROM mentions m JOIN documents d ON d.url = m.doc_url
                         JOIN movies v ON v.movie_id = d.movie_id
                         WHERE m.label = ? AND v.year IS NULL ORDER BY d.movie_id""", [RELEASE_YEAR])
    years: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        years[row["movie_id"]].append(row["surface"])
    filled = [(int(year), movie_id) for movie_id, found in years.items() if (year := choose_year(found))]
    if filled:
        con.executemany("UPDATE movies SET year = ? WHERE movie_id = ? AND year IS NULL", filled)
    return len(filled)


def _write(
    warehouse: Warehouse, build_id: str, resolver: EntityResolver, structured: list[dict[str, Any]],
    findings: TextFindings, processed: list[dict[str, Any]], failures: list[tuple[str, str]],
    readers: dict[str, str],
) -> tuple[list[dict[str, Any]], int]:
    """One transaction: replace structured relations and the findings of re-read documents, fill
    the years only the text states; (relations written, years filled)."""
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
            {"url": d["url"], "content_sha256": d["content_sha256"], "extractor": readers[d["url"]],
             "build_id": build_id} for d in processed])
        record_errors(con, build_id, STAGE, list(dict(failures).items()))
        years = _fill_years(con)
    return _unique(structured, ("movie_id", "relation", "entity_id")) + text_relations, years


# Runs a parse function over batches of the texts elsewhere (the flow's task runner) and
# yields one Doc per text, in the texts' order.
ParseBatches = Callable[[Callable[[list[str]], list[Any]], list[str]], Iterable[Any]]


def _parse(nlp: Any, config: ExtractConfig, texts: list[str]) -> list[Any]:
    return list(nlp.pipe(texts, batch_size=config.batch_size, n_process=config.n_process))


def _parsed_once(texts: list[str], parse: Callable[[list[str]], Iterable[Any]]) -> Iterator[Any]:
    """One Doc per text, in order, each distinct text parsed once: a site repeats the same passage on
    several pages (a detail page's description is the article's lead), and the rules read a parsed
    passage without changing it. A Doc is kept only until the last text that shares it."""
    left = Counter(texts)
    parsed = iter(parse(list(dict.fromkeys(texts))))
    kept: dict[str, Any] = {}
    for text in texts:
        doc = kept[text] if text in kept else next(parsed)
        left[text] -= 1
        if left[text]:
            kept[text] = doc
        else:
            kept.pop(text, None)
        yield doc


def extract_entities(config: ExtractConfig, warehouse: Warehouse, build_id: str,
                     parse_batches: ParseBatches | None = None) -> ExtractSummary:
    """Resolve the entities of structured fields and document text and write their relations.

    ``parse_batches``: where the spaCy parse runs (default: here, in one ``nlp.pipe``); entity
    resolution and the one write stay here, in document order, so the result is the same.

    Documents whose text this pipeline already read are skipped, unless a rule family that can
    change them has a new version (``extract/rule_families.py``) or another document of their
    movie is read again (a movie is read whole);
    skipped documents (empty, not English) are recorded as errors and marked read, so they are
    not retried until their text or the pipeline changes; structured fields
    are cheap and re-derived every run so a removed field also removes its relation.
    """
    started = time.perf_counter()
    base, versions = pipeline_fingerprint(), rule_versions()
    inputs = _read_inputs(warehouse, base, versions)
    resolver = EntityResolver()
    resolver.load(inputs["entities"])
    structured, failures = structured_relations(inputs["attributes"], resolver, build_id)

    findings, processed, skipped = TextFindings(), [], []
    if inputs["changed"]:
        titles = [movie["title"] for movie in inputs["movies"]]
        nlp = build_nlp(config.model, resolver.spellings("Person"), titles, dict(config.pipeline_overrides))
        pieces, cast_lists, skipped = _pieces(
            inputs["changed"], min(config.max_chunk_chars, nlp.max_length), config.cue_passages_only)
        if parse_batches is None:
            parse = partial(nlp.pipe, batch_size=config.batch_size, n_process=config.n_process)
        else:
            parse = partial(parse_batches, partial(_parse, nlp, config))
        docs = _parsed_once([p["text"] for p in pieces], parse)
        findings, unread = read_documents(docs, pieces, resolver, config.min_confidence, build_id)
        rules = nlp.get_pipe(RULES_PIPE)
        unread += _read_cast_lists(cast_lists, rules, resolver, findings, config.min_confidence, build_id)
        cut_past_lead(findings, rules, config.min_confidence)
        failed = {url for url, _ in unread}
        processed = [d for d in inputs["changed"] if d["url"] not in failed]
        failures += skipped + unread

    readers = {d["url"]: reader_of(base, versions, _clean(d["text"])) for d in processed}
    written, years = _write(warehouse, build_id, resolver, structured, findings, processed, failures, readers)
    relations: dict[str, dict[str, int]] = defaultdict(dict)
    for (relation, extractor), n in sorted(Counter((r["relation"], r["extractor"]) for r in written).items()):
        relations[relation][extractor] = n
    return ExtractSummary(
        documents_processed=len(processed) - len(skipped),
        documents_skipped_unchanged=inputs["unchanged"],
        mentions=len(findings.mentions),
        entities=dict(sorted(Counter(row["kind"] for row in resolver.entity_rows(build_id)).items())),
        relations=dict(relations),
        errors=len(dict(failures)),
        seconds=round(time.perf_counter() - started, 3),
        years_from_text=years,
    )
