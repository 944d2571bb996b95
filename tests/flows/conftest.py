"""One real build of a small slice of the embedded site, shared by the flow tests."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from mmkg.settings import Settings
from warehouse import Warehouse

SMALL_SITE = ["--n-movies", "12", "--epochs", "2", "--hidden", "16", "--site-port", "0"]


@dataclass(frozen=True)
class FinishedBuild:
    settings: Settings
    warehouse: Warehouse
    output: str


def mmkg_env(home: Path, shared_data: Path) -> dict[str, str]:
    """Environment of an ``mmkg`` subprocess working in its own home."""
    env = dict(os.environ, MMKG_HOME=str(home), MMKG_DATA=str(shared_data))
    for key in ("PREFECT_HOME", "PREFECT_API_URL"):
        env.pop(key, None)
    return env


def run_mmkg(args: list[str], home: Path, shared_data: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mmkg.cli", *args], env=mmkg_env(home, shared_data),
        capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture(scope="session")
def small_build(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> FinishedBuild:
    """``mmkg build`` over a 12-movie slice of the embedded site (faults on), in a subprocess."""
    home = tmp_path_factory.mktemp("mmkg-home")
    result = run_mmkg(["build", *SMALL_SITE], home, shared_data)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    settings = Settings(home=home, data_dir=shared_data)
    return FinishedBuild(settings, Warehouse.from_settings(settings), result.stdout + result.stderr)
