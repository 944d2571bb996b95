"""Benchmark of the extract stage's hot path on the real Wikipedia film articles.

Prints docs/second of ``nlp.pipe`` (batched) against the naive ``nlp(text)`` per document,
as a ratio measured in the same run, and the stage's end-to-end throughput.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from extract import ExtractConfig, extract_entities
from extract.gold import load_film_articles, parse_film
from extract.nlp import build_nlp
from extract.resolver import EntityResolver
from extract.structured import structured_relations
from mmkg.settings import Settings
from warehouse import Warehouse


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    films_dir = Settings.from_env().movies_dir / "wikipedia-films"
    films = [f for f in (parse_film(p) for p in sorted(films_dir.glob("*.xml"))) if f is not None]
    texts = [f.text for f in films[:48]]  # half the articles keep the naive baseline short
    words = sum(len(t.split()) for t in texts)
    resolver = EntityResolver()
    structured_relations([{"movie_id": f.movie_id, "attribute": a, "value": v, "source_url": f.url}
                          for f in films for a, v in f.attributes], resolver, "bench")
    config = ExtractConfig()
    nlp = build_nlp(config.model, resolver.spellings("Person"), [f.title for f in films])
    nlp(texts[0])  # warm-up

    naive = timed(lambda: [nlp(text) for text in texts])
    batched = timed(lambda: list(nlp.pipe(texts, batch_size=config.batch_size)))
    print(f"documents: {len(texts)} ({words} words), pipeline: {nlp.pipe_names}")
    print(f"nlp(text) per document : {len(texts) / naive:7.2f} docs/s  ({words / naive:8.0f} words/s)")
    print(f"nlp.pipe batch={config.batch_size:<3}     : {len(texts) / batched:7.2f} docs/s  ({words / batched:8.0f} words/s)")
    print(f"ratio pipe / per-doc   : {naive / batched:7.2f}x")

    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Warehouse(Path(tmp) / "bench.duckdb", Path(tmp) / "blobs")
        load_film_articles(warehouse, films_dir, "bench")
        started = time.perf_counter()
        summary = extract_entities(config, warehouse, "bench")
        full = time.perf_counter() - started
        started = time.perf_counter()
        rerun = extract_entities(config, warehouse, "bench-2")
        incremental = time.perf_counter() - started
    text_relations = sum(n for by_extractor in summary.relations.values() for e, n in by_extractor.items() if e != "structured")
    print(f"end-to-end extract_entities: {summary.documents_processed / full:7.2f} docs/s, "
          f"{text_relations / full:7.2f} text relations/s, {summary.mentions / full:7.1f} mentions/s ({full:.1f} s)")
    print(f"unchanged rerun: {incremental:.2f} s for {rerun.documents_skipped_unchanged} skipped documents "
          f"(ratio full / rerun {full / incremental:.1f}x)")


if __name__ == "__main__":
    main()
