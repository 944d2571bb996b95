"""Benchmark of the whole extract stage on the embedded site's texts.

Corpus: every text the embedded default site shows (each movie's description, and the lead,
plot and cast list of its Wikipedia-style article), stored as ``documents`` rows. Baseline,
measured in the same run: a naive loop ``nlp(text)`` per document with the full pipeline.
Figures: words/s of ``extract_entities`` end to end (read, parse, rules, resolve, one write
transaction, pipeline load included), as a ratio against the baseline; the same stage with
every sentence parsed (``cue_passages_only=False``) to show where the gain comes from; and
an unchanged rerun, skipped by content hash and pipeline fingerprint.

On a shared machine the wall-clock ratio swings with the load of other jobs, so each ratio is
also given in CPU seconds of this process (steadier), and ``--repeats N`` measures N
baseline/stage pairs back to back, printing each pair and the median (the load at each pair's
start is printed beside it).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
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
                      "cast": "\n".join(movie.article.cast + movie.article.cast_notes)}
        for kind, text in texts.items():
            if text.strip():
                rows.append({"url": f"http://127.0.0.1/{movie.movie_id}#{kind}", "movie_id": movie.movie_id,
                             "kind": kind, "text": text, "content_sha256": hashlib.sha256(text.encode()).hexdigest(),
                             "build_id": "bench", "title": movie.title})
    return rows


def run_stage(documents: list[dict[str, str]], config: ExtractConfig) -> tuple[float, float, float, int]:
    """(wall and CPU seconds of a first run, seconds of an unchanged rerun, text relations) on a fresh warehouse."""
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Warehouse(Path(tmp) / "bench.duckdb", Path(tmp) / "blobs")
        with warehouse.transaction() as con:
            upsert(con, "movies", list({d["movie_id"]: {"movie_id": d["movie_id"], "url": d["url"], "title": d["title"],
                                                         "build_id": "bench"} for d in documents}.values()))
            upsert(con, "documents", [{k: v for k, v in d.items() if k != "title"} for d in documents])
        started, cpu = time.perf_counter(), time.process_time()
        summary = extract_entities(config, warehouse, "bench")
        first, first_cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        extract_entities(config, warehouse, "bench-2")
        rerun = time.perf_counter() - started
    relations = sum(n for by in summary.relations.values() for e, n in by.items() if e != "structured")
    return first, first_cpu, rerun, relations


def naive_loop(documents: list[dict[str, str]]) -> tuple[float, float]:
    """(wall, CPU) seconds of ``nlp(text)`` per document with every component the rules read, load included."""
    started, cpu = time.perf_counter(), time.process_time()
    nlp = build_nlp(ExtractConfig().model, {}, [])
    nlp.enable_pipe("lemmatizer")  # the naive loop runs every component the rules read, as shipped before
    for document in documents:
        nlp(document["text"])
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1, help="baseline/stage pairs to measure (default: %(default)s)")
    args = parser.parse_args()
    documents = site_documents(Settings.from_env())
    words = sum(len(d["text"].split()) for d in documents)
    print(f"corpus: {len(documents)} documents of the embedded site, {words} words")

    every_sentence, _, _, all_relations = run_stage(documents, ExtractConfig(cue_passages_only=False))
    print(f"stage, every sentence parsed        : {words / every_sentence:8.0f} words/s ({every_sentence:.1f} s), "
          f"{all_relations} text relations")
    walls, cpus = [], []
    for n in range(args.repeats):
        load = os.getloadavg()[0]
        naive, naive_cpu = naive_loop(documents)
        stage, stage_cpu, rerun, relations = run_stage(documents, ExtractConfig())
        walls.append(naive / stage)
        cpus.append(naive_cpu / stage_cpu)
        print(f"pair {n + 1} (load {load:.1f}): naive nlp(text) loop {words / naive:6.0f} words/s ({naive:.1f} s) | "
              f"stage {words / stage:6.0f} words/s ({stage:.1f} s), {relations} text relations | "
              f"ratio {walls[-1]:.2f}x wall, {cpus[-1]:.2f}x cpu | unchanged rerun {rerun:.2f} s")
    print(f"median of {args.repeats}: ratio {statistics.median(walls):.2f}x wall (min {min(walls):.2f}x), "
          f"{statistics.median(cpus):.2f}x cpu (min {min(cpus):.2f}x)")


if __name__ == "__main__":
    main()
