"""Fan-out of a stage's work items in batches on the build's task runner.

A stage hands over a function and its items (text passages to parse, movies to fetch); each
batch becomes one ``batch`` task on the flow's runner (Prefect's thread pool, or Dask), and
the results come back to the stage, which alone writes them to DuckDB: batch tasks only
compute, so the warehouse keeps a single writer and a batch that fails or is retried
leaves no partial rows. Each finished batch logs ``done/total`` to Prefect's logger, which
prints to the terminal of an in-process build and to the run's log in the UI.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed

T = TypeVar("T")
R = TypeVar("R")

# Batch functions by key. They close over state that cannot and should not be pickled (a spaCy
# pipeline, the media run's caches and locks), and Dask pickles a task's arguments even for
# workers in this process; so a batch task gets the key and finds its function here. Batch
# tasks therefore run in this process: Prefect's thread pool, or the LocalCluster the flow
# makes (threads, processes=False); with an external Dask scheduler the stages keep their own pools.
_FUNCTIONS: dict[str, Callable] = {}


def batch_function(key: str) -> Callable | None:
    """The registered function (a plain module function, so Dask pickles it by name, not the table)."""
    return _FUNCTIONS.get(key)


@task(name="batch", cache_policy=NO_CACHE)
def compute_batch(function_key: str, batch: list) -> list:
    """One batch of a stage's work items (text passages, movies): computed here, written by the stage.

    No Prefect timeout: batches run in threads, where it cannot interrupt anything (Prefect warns
    once per batch); the stages' own limits bound them (media's per-asset budget, spaCy's chunks)."""
    function = batch_function(function_key)
    if function is None:
        raise RuntimeError(f"batch function {function_key} is not in this process: batch tasks need the"
                           " build's own workers (the thread pool or its LocalCluster)")
    return function(batch)


def batches(items: Sequence[T], size: int) -> list[list[T]]:
    """Consecutive slices of at most ``size`` items, in order."""
    if size < 1:
        raise ValueError(f"batch size must be >= 1, not {size}")
    return [list(items[start:start + size]) for start in range(0, len(items), size)]


class TaskFanOut:
    """Runs one stage's batches as Prefect tasks and reports progress; made by the flow,
    used by the stage from a thread of the flow run (the flow's task runner is in its context)."""

    def __init__(self, stage: str, batch_size: int, noun: str, logger: logging.Logger | logging.LoggerAdapter,
                 retries: int = 0) -> None:
        self.stage, self.batch_size, self.noun, self.logger = stage, batch_size, noun, logger
        self.task = compute_batch.with_options(name=f"{stage}-batch", retries=retries,
                                                     retry_delay_seconds=5 if retries else 0)

    def as_completed(self, function: Callable[[list[T]], list[R]], items: Sequence[T]) -> Iterator[list[R]]:
        """Each batch's results, as soon as that batch is done (in any order)."""
        for _, results in self._run(function, items):
            yield results

    def in_order(self, function: Callable[[list[T]], list[R]], items: Sequence[T]) -> Iterator[R]:
        """One result per item, in the items' order; later batches may finish first and wait here."""
        finished: dict[int, list[R]] = {}
        next_start = 0
        for start, results in self._run(function, items):
            finished[start] = results
            while next_start in finished:
                yield from finished.pop(next_start)
                next_start += self.batch_size

    def _run(self, function: Callable[[list[T]], list[R]], items: Sequence[T]) -> Iterator[tuple[int, list[R]]]:
        chunks = batches(items, self.batch_size)
        starts = [index * self.batch_size for index in range(len(chunks))]
        key = f"{self.stage}-{secrets.token_hex(8)}"
        _FUNCTIONS[key] = function
        try:
            yield from self._collect(key, chunks, starts, len(items))
        finally:
            del _FUNCTIONS[key]

    def _collect(self, key: str, chunks: list[list[T]], starts: list[int], total: int) -> Iterator[tuple[int, list[R]]]:
        futures = {
            self.task.with_options(task_run_name=f"{self.stage}-batch-{index + 1}-of-{len(chunks)}").submit(key, chunk): start
            for index, (start, chunk) in enumerate(zip(starts, chunks))
        }
        self.logger.info("%s: %d %s in %d batches of at most %d", self.stage, total, self.noun, len(chunks),
                         self.batch_size)
        done_items = done_batches = 0
        for future in as_completed(list(futures)):
            results = future.result()
            start = futures[future]
            done_batches += 1
            done_items += min(self.batch_size, total - start)
            self.logger.info("%s: %d/%d %s done (batch %d/%d)", self.stage, done_items, total, self.noun,
                             done_batches, len(chunks))
            yield start, results
