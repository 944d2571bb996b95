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
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from prefect.futures import as_completed

from flows import tasks

T = TypeVar("T")
R = TypeVar("R")


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
        self.task = tasks.compute_batch.with_options(name=f"{stage}-batch", retries=retries,
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
        futures = {
            self.task.with_options(task_run_name=f"{self.stage}-batch-{index + 1}-of-{len(chunks)}").submit(function, chunk): start
            for index, (start, chunk) in enumerate(zip(starts, chunks))
        }
        self.logger.info("%s: %d %s in %d batches of at most %d", self.stage, len(items), self.noun, len(chunks),
                         self.batch_size)
        done_items = done_batches = 0
        for future in as_completed(list(futures)):
            results = future.result()
            start = futures[future]
            done_batches += 1
            done_items += min(self.batch_size, len(items) - start)
            self.logger.info("%s: %d/%d %s done (batch %d/%d)", self.stage, done_items, len(items), self.noun,
                             done_batches, len(chunks))
            yield start, results
