"""The deployment: a real Prefect server, `mmkg serve`, and `prefect deployment run build-mmkg/build-mmkg`."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from mmkg.settings import PROJECT_ROOT, Settings
from warehouse import Warehouse
from warehouse.builds import latest_build

from tests.flows.conftest import mmkg_env

pytestmark = pytest.mark.slow
PREFECT = str(Path(sys.executable).with_name("prefect"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, timeout: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture()
def prefect_env(tmp_path: Path, shared_data: Path) -> Iterator[dict[str, str]]:
    """A Prefect server on 127.0.0.1 with its own home; yields the environment that points at it."""
    port = _free_port()
    env = mmkg_env(tmp_path / "mmkg-home", shared_data)
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_API_URL=f"http://127.0.0.1:{port}/api")
    server = subprocess.Popen(
        [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/api/health", 120, server)
        yield env
    finally:
        _stop(server)


def test_deployment_run_builds_an_mmkg(prefect_env: dict[str, str], tmp_path: Path, shared_data: Path) -> None:
    api = prefect_env["PREFECT_API_URL"]
    serve_log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen([sys.executable, "-m", "mmkg.cli", "serve"], env=prefect_env,
                             cwd=PROJECT_ROOT, stdout=serve_log, stderr=subprocess.STDOUT)
    try:
        _wait_for(f"{api}/deployments/name/build-mmkg/build-mmkg", 120, serve)
        options = {"options": {"n_movies": 8, "epochs": 1, "hidden": 16, "site_port": 0}}
        run = subprocess.run(
            [PREFECT, "deployment", "run", "build-mmkg/build-mmkg", "--params", json.dumps(options),
             "--watch", "--watch-timeout", "500"],
            env=prefect_env, capture_output=True, text=True, timeout=560,
        )
    finally:
        _stop(serve)
        serve_log.close()
    log = (tmp_path / "serve.log").read_text()
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:] + log[-3000:]
    assert "Completed" in run.stdout
    warehouse = Warehouse.from_settings(Settings(home=tmp_path / "mmkg-home", data_dir=shared_data))
    build = latest_build(warehouse)
    assert build is not None and json.loads(build["config_json"])["n_movies"] == 8
