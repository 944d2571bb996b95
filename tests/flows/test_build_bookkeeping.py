"""Build bookkeeping: dead builds become 'abandoned', live ones stay 'running'; the inputs
fingerprint moves with each of its inputs."""

from __future__ import annotations

from pathlib import Path

from mmkg.settings import CODE_PACKAGES, PROJECT_ROOT
from warehouse.builds import (code_version, get_build, hold_build_lock, inputs_fingerprint, mark_abandoned,
                              start_build)


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
