"""Benchmark of the whole extract stage on the embedded site's texts.

Corpus: every text the embedded default site shows (each movie's description, and the lead,
plot and cast list of its Wikipedia-style article), stored as ``documents`` rows. Baseline,
measured in the same run: a naive loop ``nlp(text)`` per document with the full pipeline.
Figures: words/s of ``extract_entities`` end to end (read, parse, rules, resolve, one write
transaction, pipeline load included), as a ratio against the baseline; the same stage with
every sentence parsed (``cue_passages_only=False``) to show where the gain comes from; and
an unchanged rerun, skipped by content hash and pipeline fingerprint.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from pathlib import Path

from demo_site.catalog import select_movies
from demo_site.movielens import read_movielens
from demo_site.pages import description
from crawl.wikitext import read_film_articles
from extract import ExtractConfig, extract_entities
from extract.nlp import build_nlp
from mmkg.settings import Settings
from warehouse import Warehouse, upsert

SITE_MOVIES = 200  # the embedded site's default size


def site_documents(settings: Settings) -> list[dict[str, str]]:
    """The texts of the embedded default site, one row per (page, kind)."""
    articles = read_film_articles(settings.movies_dir / "wikipedia-films")
    movies = read_movielens(settings.movies_dir / "ml-latest-small")
    rows = []
    for movie in select_movies(articles, movies, SITE_MOVIES, seed=0):
        texts = {"description": description(movie)}
        if movie.article is not None:
            texts |= {"lead": "\n\n".join(movie.article.lead), "plot": "\n\n".join(movie.article.plot),
                      "cast": "\n".join(movie.article.cast)}
        for kind, text in texts.items():
            if text.strip():
                rows.append({"url": f"http://127.0.0.1/{movie.movie_id}#{kind}", "movie_id": movie.movie_id,
                             "kind": kind, "text": text, "content_sha256": hashlib.sha256(text.encode()).hexdigest(),
                             "build_id": "bench", "title": movie.title})
    return rows


def run_stage(documents: list[dict[str, str]], config: ExtractConfig) -> tuple[float, float, int]:
    """(seconds of a first run, seconds of an unchanged rerun, text relations) on a fresh warehouse."""
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Warehouse(Path(tmp) / "bench.duckdb", Path(tmp) / "blobs")
        with warehouse.transaction() as con:
            upsert(con, "movies", list({d["movie_id"]: {"movie_id": d["movie_id"], "url": d["url"], "title": d["title"],
                                                         "build_id": "bench"} for d in documents}.values()))
            upsert(con, "documents", [{k: v for k, v in d.items() if k != "title"} for d in documents])
        started = time.perf_counter()
        summary = extract_entities(config, warehouse, "bench")
        first = time.perf_counter() - started
        started = time.perf_counter()
        extract_entities(config, warehouse, "bench-2")
        rerun = time.perf_counter() - started
    relations = sum(n for by in summary.relations.values() for e, n in by.items() if e != "structured")
    return first, rerun, relations


def main() -> None:
    documents = site_documents(Settings.from_env())
    words = sum(len(d["text"].split()) for d in documents)
    print(f"corpus: {len(documents)} documents of the embedded site, {words} words")

    started = time.perf_counter()
    nlp = build_nlp(ExtractConfig().model, {}, [])
    nlp.enable_pipe("lemmatizer")  # the naive loop runs every component the rules read, as shipped before
    naive_load = time.perf_counter() - started
    started = time.perf_counter()
    for document in documents:
        nlp(document["text"])
    naive = time.perf_counter() - started + naive_load
    print(f"naive nlp(text) loop, full pipeline : {words / naive:8.0f} words/s ({naive:.1f} s, load included)")

    every_sentence, _, all_relations = run_stage(documents, ExtractConfig(cue_passages_only=False))
    print(f"stage, every sentence parsed        : {words / every_sentence:8.0f} words/s ({every_sentence:.1f} s), "
          f"{all_relations} text relations, ratio {naive / every_sentence:.2f}x")
    stage, rerun, relations = run_stage(documents, ExtractConfig())
    print(f"stage (cue passages, nlp.pipe batch): {words / stage:8.0f} words/s ({stage:.1f} s), "
          f"{relations} text relations, ratio {naive / stage:.2f}x")
    print(f"unchanged rerun: {rerun:.2f} s (ratio first / rerun {stage / rerun:.1f}x)")


if __name__ == "__main__":
    main()
