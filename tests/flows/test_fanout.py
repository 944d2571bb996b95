"""Fan-out of stage batches on Prefect's task runner, against a real Prefect API server: results
come back in order however the batches finish, and the extract stage fanned out in several
batches writes exactly the rows of its unbatched run."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.fanout import batches
from mmkg.settings import Settings
from warehouse import Warehouse

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Prefect API server of this module (the one ``mmkg build`` starts), in a temporary PREFECT_HOME."""
    from flows.api_server import BuildApiServer

    home = tmp_path_factory.mktemp("prefect-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PREFECT_HOME", str(home))
        server = BuildApiServer().start(home / "server.log")
        try:
            server.wait_ready(300)
            from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

            with temporary_settings(updates={PREFECT_API_URL: server.api_url, PREFECT_HOME: str(home)}):
                yield server.api_url
                from prefect.events.worker import EventsWorker
                from prefect.logging.handlers import APILogWorker

                APILogWorker.drain_all(timeout=60)  # what the runs logged reaches the server before it stops
                EventsWorker.drain_all(timeout=60)
        finally:
            server.stop()


def test_batches_cover_every_item_in_order() -> None:
    assert batches(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert batches([], 3) == []
    with pytest.raises(ValueError, match="batch size must be >= 1"):
        batches([1], 0)


def test_in_order_gives_each_item_its_result_when_a_later_batch_finishes_first(prefect_api: str) -> None:
    from prefect import flow, get_run_logger
    from prefect.task_runners import ThreadPoolTaskRunner

    from flows.fanout import TaskFanOut

    last_batch_done = threading.Event()
    finished: list[int] = []

    def square(batch: list[int]) -> list[int]:
        if batch[0] == 0:  # the first batch waits for the last one: completion order is reversed
            assert last_batch_done.wait(timeout=300)
        if batch[0] == 6:
            last_batch_done.set()
        finished.append(batch[0])
        return [item * item for item in batch]

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=3))
    def fanned() -> list[int]:
        return list(TaskFanOut("test", 3, "items", get_run_logger()).in_order(square, list(range(8))))

    assert fanned() == [item * item for item in range(8)]
    assert finished.index(6) < finished.index(0)


def _extract_rows(warehouse: Warehouse) -> dict[str, list[tuple]]:
    with warehouse.connect() as con:
        return {
            "entities": con.execute("SELECT * FROM entities ORDER BY ALL").fetchall(),
            "aliases": con.execute("SELECT * FROM entity_aliases ORDER BY ALL").fetchall(),
            "relations": con.execute("SELECT * FROM relations ORDER BY ALL").fetchall(),
            "mentions": con.execute("SELECT * FROM mentions ORDER BY ALL").fetchall(),
        }


def _unread_copy(small_build, root: Path) -> Warehouse:
    """A copy of the small build's warehouse in which no document has been read yet."""
    home = root / "mmkg-home"
    home.mkdir(parents=True)
    shutil.copy(small_build.settings.warehouse_path, home / "warehouse.duckdb")
    warehouse = Warehouse.from_settings(Settings(home=home, data_dir=small_build.settings.data_dir))
    with warehouse.transaction() as con:
        for table in ("extracted_documents", "mentions", "relations"):
            con.execute(f"DELETE FROM {table}")
    return warehouse


def test_extract_fanned_out_in_batches_writes_the_rows_of_the_unbatched_run(
        small_build, prefect_api: str, tmp_path: Path) -> None:
    from prefect import flow, get_run_logger
    from prefect.task_runners import ThreadPoolTaskRunner

    from extract import ExtractConfig, extract_entities
    from flows.fanout import TaskFanOut

    unbatched, fanned = _unread_copy(small_build, tmp_path / "a"), _unread_copy(small_build, tmp_path / "b")
    extract_entities(ExtractConfig(), unbatched, "same-build")
    batch_count: list[int] = []

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=3))
    def extract_in_batches() -> None:
        fan_out = TaskFanOut("extract", 16, "text passages", get_run_logger())

        def counted(parse, texts):
            batch_count.append(len(batches(texts, 16)))
            return fan_out.in_order(parse, texts)

        extract_entities(ExtractConfig(), fanned, "same-build", counted)

    extract_in_batches()
    assert batch_count and batch_count[0] >= 3, batch_count
    expected, got = _extract_rows(unbatched), _extract_rows(fanned)
    assert expected["mentions"] and expected["relations"]
    assert got == expected
