"""The deployment as `make deploy` runs it: a Prefect server, `prefect deploy`, a process
worker, then `prefect deployment run build-mmkg/build-mmkg`; `make stop` stops it all."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from mmkg.settings import PROJECT_ROOT, Settings
from warehouse import Warehouse
from warehouse.builds import latest_build

from tests.flows.conftest import mmkg_env

pytestmark = [pytest.mark.slow, pytest.mark.e2e]
PREFECT = str(Path(sys.executable).with_name("prefect"))


def _artifact_markdown(api: str) -> str:
    request = urllib.request.Request(
        f"{api}/artifacts/filter", method="POST", headers={"Content-Type": "application/json"},
        data=json.dumps({"artifacts": {"key": {"any_": ["build-mmkg-summary"]}}}).encode(),
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        artifacts = json.loads(response.read())
    assert artifacts, "no build-mmkg-summary artifact"
    return artifacts[0]["data"]


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for its parent to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def test_deploy_worker_and_deployment_run_build_an_mmkg(small_build, tmp_path: Path, shared_data: Path) -> None:
    """On a copy of the small build's workspace: its generated site and its media features are
    reused by content hash (the site is served on a new port, so every stage runs)."""
    home = tmp_path / "mmkg-home"
    shutil.copytree(small_build.settings.home, home, ignore=shutil.ignore_patterns("locks", "run", "prefect"))
    previous = latest_build(Warehouse.from_settings(Settings(home=home, data_dir=shared_data)))["build_id"]
    env = mmkg_env(home, shared_data) | {"MMKG_PREFECT_PORT": "auto", "MMKG_BIN": str(Path(sys.executable).parent),
                                         "PREFECT_WORKER_QUERY_SECONDS": "2"}  # the worker polls every 2 s, not 10
    run_dir = home / "run"
    try:
        deploy = subprocess.run(["bash", "scripts/deploy.sh"], cwd=PROJECT_ROOT, env=env,
                                capture_output=True, text=True, timeout=420)
        assert deploy.returncode == 0, deploy.stdout + deploy.stderr
        assert "prefect deployment run build-mmkg/build-mmkg" in deploy.stdout
        api = (run_dir / "api_url").read_text().strip()
        pids = [int((run_dir / f"{name}.pid").read_text()) for name in ("server", "worker")]
        options = {"options": {"n_movies": 12, "epochs": 1, "hidden": 16, "site_port": 0, "models": ["most_pop"]}}
        run = subprocess.run(
            [PREFECT, "deployment", "run", "build-mmkg/build-mmkg", "--params", json.dumps(options),
             "--watch", "--watch-interval", "2", "--watch-timeout", "1200"],
            env=env | {"PREFECT_API_URL": api, "PREFECT_HOME": str(home / "prefect")},
            capture_output=True, text=True, timeout=1300,
        )
        logs = "".join((run_dir / f"{n}.log").read_text()[-3000:] for n in ("worker", "server"))
        assert run.returncode == 0 and "Completed" in run.stdout, run.stdout[-2000:] + run.stderr[-2000:] + logs
        markdown = _artifact_markdown(api)
    finally:
        subprocess.run(["bash", "scripts/stop.sh"], cwd=PROJECT_ROOT, env=env, timeout=120)
    assert not any(_alive(pid) for pid in pids), "make stop left a process running"
    build = latest_build(Warehouse.from_settings(Settings(home=home, data_dir=shared_data)))
    assert build is not None and build["build_id"] != previous
    assert json.loads(build["config_json"])["models"] == ["most_pop"]
    assert f"mmkg build {build['build_id']}: succeeded" in markdown
    assert "| link_rate |" in markdown and "| errors by stage | reason | count |" in markdown
