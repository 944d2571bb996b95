"""One real build of a small slice of the embedded site, shared by the flow tests."""

from __future__ import annotations

import os
import signal
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


def run_mmkg(args: list[str], home: Path, shared_data: Path, timeout: float = 1500) -> subprocess.CompletedProcess:
    """``mmkg ARGS`` in its own process group, so a timeout also ends its Prefect server and spider."""
    proc = subprocess.Popen([sys.executable, "-m", "mmkg.cli", *args], env=mmkg_env(home, shared_data),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        raise AssertionError(f"mmkg {' '.join(args)} ran over {timeout} s; stderr tail:\n{stderr[-3000:]}") from None
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


@pytest.fixture(scope="session")
def small_build(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> FinishedBuild:
    """``mmkg build`` over a 12-movie slice of the embedded site (faults on), in a subprocess."""
    home = tmp_path_factory.mktemp("mmkg-home")
    result = run_mmkg(["build", *SMALL_SITE], home, shared_data)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    settings = Settings(home=home, data_dir=shared_data)
    return FinishedBuild(settings, Warehouse.from_settings(settings), result.stdout + result.stderr)
