"""Shared fixtures: a fresh warehouse per test and the paths of the shared data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mmkg.settings import PROJECT_ROOT, Settings

# librosa JIT-compiles with numba on first use; a persistent cache makes that once per machine.
os.environ.setdefault("NUMBA_CACHE_DIR", str(PROJECT_ROOT / ".mmkg" / "cache" / "numba"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only shared data folder (``../shared/data``)."""
    data = Settings.from_env().data_dir
    if not data.is_dir():
        pytest.fail(f"shared data not found at {data}; set MMKG_DATA")
    return data


@pytest.fixture()
def settings(tmp_path: Path, shared_data: Path) -> Settings:
    """A workspace in a temporary folder, reading the real shared data."""
    return Settings(home=tmp_path / "mmkg-home", data_dir=shared_data)


@pytest.fixture()
def warehouse(settings: Settings):
    """A real, empty DuckDB warehouse file with the schema applied."""
    from warehouse import Warehouse

    wh = Warehouse.from_settings(settings)
    with wh.connect():
        pass
    return wh
