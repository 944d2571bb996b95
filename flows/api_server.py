"""The Prefect API server of one in-process build (``mmkg build`` without PREFECT_API_URL).

Prefect would start its temporary server only when the flow is called, after every import,
and import its server package into this process first. Started here, as the command's first
act, the server boots in its own process while the build validates its options and imports
its code, so a build whose stages are all reused barely waits for it. It is Prefect's own app
(``prefect.server.api.server:create_app``) in Prefect's ephemeral mode (no UI, no background
services), on a socket bound here, so no other process can take the port between a check and
the bind. Its database is the one under PREFECT_HOME, migrated on start as Prefect does.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# What Prefect sets for its temporary server (prefect.server.api.server.SubprocessASGIServer).
_EPHEMERAL_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}


class ServerStartError(RuntimeError):
    """The API server exited or did not answer within the start-up limit."""


class BuildApiServer:
    """A Prefect API server process on 127.0.0.1, from ``start()`` to ``stop()``."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(128)
        self.port = self._socket.getsockname()[1]
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self._process: subprocess.Popen | None = None
        self._log: Path | None = None

    def start(self, log_path: Path) -> "BuildApiServer":
        """Launch the server on the bound socket, its output to ``log_path``; returns at once
        (see ``wait_ready``)."""
        fd = self._socket.fileno()
        env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"} | _EPHEMERAL_ENV
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = log_path
        with log_path.open("wb") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
                 "--fd", str(fd), "--log-level", "error", "--lifespan", "on"],
                env=env, pass_fds=(fd,), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            )
        return self

    def wait_ready(self, timeout_s: float) -> None:
        """Block until ``/api/health`` answers; ServerStartError if the process exits or time runs out."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process is None or self._process.poll() is not None:
                detail = self._log.read_text(errors="replace").strip().splitlines()[-1:] if self._log else []
                raise ServerStartError(f"the Prefect API server exited at start ({' '.join(detail) or 'no output'};"
                                       f" log: {self._log})")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise ServerStartError(f"the Prefect API server did not answer within {timeout_s:.0f} s (log: {self._log})")

    def stop(self) -> None:
        """Terminate the server (and close the socket) so no process outlives the command."""
        if self._socket.fileno() == -1:  # stopped already
            return
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._socket.close()


def deployed_api_url(run_dir: Path) -> str | None:
    """The API of the server ``make deploy`` started in this workspace, if it is up: a build
    run against it needs no server of its own (and shows in that server's UI)."""
    try:
        pid = int((run_dir / "server.pid").read_text())
        api_url = (run_dir / "api_url").read_text().strip()
        os.kill(pid, 0)
        with urllib.request.urlopen(f"{api_url}/health", timeout=5) as response:
            return api_url if response.status == 200 else None
    except (OSError, ValueError, urllib.error.URLError):
        return None
