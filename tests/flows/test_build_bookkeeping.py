"""Build bookkeeping: dead builds become 'abandoned', live ones stay 'running'; the inputs
fingerprint moves with each of its inputs."""

from __future__ import annotations

from pathlib import Path

from mmkg.settings import CODE_PACKAGES, PROJECT_ROOT
from warehouse import upsert
from warehouse.builds import (code_version, get_build, hold_build_lock, inputs_fingerprint, mark_abandoned,
                              reuse_stage, start_build)


def test_a_running_build_without_a_live_process_is_marked_abandoned(warehouse, tmp_path: Path) -> None:
    locks = tmp_path / "locks"
    dead = start_build(warehouse, {}, "x")
    alive = start_build(warehouse, {}, "x")
    lock = hold_build_lock(locks, alive)
    try:
        assert mark_abandoned(warehouse, locks) == [dead]
    finally:
        lock.close()
    assert get_build(warehouse, dead)["status"] == "abandoned"
    assert get_build(warehouse, alive)["status"] == "running"
    assert mark_abandoned(warehouse, locks) == [alive]  # its lock is gone with its handle


def test_the_fingerprint_covers_parameters_data_site_and_code(tmp_path: Path) -> None:
    data = tmp_path / "ratings.csv"
    data.write_text("userId,movieId,rating\n1,1,5\n")
    base = inputs_fingerprint({"n_movies": 12}, [data], "site-a", "code-a")
    assert inputs_fingerprint({"n_movies": 12}, [data], "site-a", "code-a") == base
    assert inputs_fingerprint({"n_movies": 13}, [data], "site-a", "code-a") != base
    assert inputs_fingerprint({"n_movies": 12}, [data], "site-b", "code-a") != base
    assert inputs_fingerprint({"n_movies": 12}, [data], "site-a", "code-b") != base
    data.write_text("userId,movieId,rating\n1,1,4\n")
    assert inputs_fingerprint({"n_movies": 12}, [data], "site-a", "code-a") != base


def test_the_code_version_is_stable_and_covers_every_package() -> None:
    packages = [PROJECT_ROOT / name for name in CODE_PACKAGES]
    assert code_version(packages) == code_version(packages)
    assert code_version(packages) != code_version(packages[:-1])


def test_a_reused_crawl_gives_the_new_build_the_movies_its_later_stages_select(warehouse) -> None:
    first, second = start_build(warehouse, {}, "x"), start_build(warehouse, {}, "x")
    with warehouse.transaction() as con:
        upsert(con, "build_movies", [{"build_id": first, "movie_id": m} for m in ("ml1", "ml2")])
    reuse_stage(warehouse, second, "crawl", first, {"movies": 2}, "key")
    with warehouse.connect() as con:
        movies = con.execute("SELECT movie_id FROM build_movies WHERE build_id = ? ORDER BY 1", [second]).fetchall()
        reused_from = con.execute("SELECT reused_from FROM stage_inputs WHERE build_id = ?", [second]).fetchall()
    assert movies == [("ml1",), ("ml2",)] and reused_from == [(first,)]


def test_a_chain_of_reruns_names_the_build_that_ran_the_stage(warehouse) -> None:
    ran, rerun, nightly = (start_build(warehouse, {}, "x") for _ in range(3))
    reuse_stage(warehouse, rerun, "train", ran, {}, "key")
    reuse_stage(warehouse, nightly, "train", rerun, {}, "key", origin=ran)
    with warehouse.connect() as con:
        assert con.execute("SELECT reused_from FROM stage_inputs WHERE build_id = ?", [nightly]).fetchall() == [(ran,)]
