"""build-mmkg: an unchanged rerun (every stage reused) vs the first run (the baseline).

Runs ``mmkg build`` twice in a fresh workspace, each in its own process as a user runs it,
and prints both wall times and their ratio (the nightly target is <= 0.1), plus the stages the
rerun reused and whether both builds have the same content hash.
Usage: .venv/bin/python bench/bench_flows.py [--n-movies 200] [--task-runner threads] [build flags...]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mmkg.settings import Settings  # noqa: E402
from warehouse import Warehouse  # noqa: E402
from warehouse.builds import latest_build  # noqa: E402


def _free_port() -> int:
    """A port for the embedded site, the same for both runs (its URLs are part of the inputs)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _timed_build(home: Path, args: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_HOME", "PREFECT_API_URL")} | {"MMKG_HOME": str(home)}
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mmkg.cli", "build", *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"mmkg build {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-movies", type=int, default=200, help="movies of the embedded site (default: %(default)s)")
    args, extra = parser.parse_known_args()
    build_args = ["--n-movies", str(args.n_movies), "--site-port", str(_free_port()), *extra]
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "mmkg-home"
        first = _timed_build(home, build_args)
        warehouse = Warehouse.from_settings(Settings(home=home.resolve(), data_dir=Settings.from_env().data_dir))
        first_stats = json.loads(latest_build(warehouse)["stats_json"])
        rerun = _timed_build(home, build_args)
        rerun_stats = json.loads(latest_build(warehouse)["stats_json"])
    print(f"mmkg build {' '.join(build_args)}")
    print(f"first run (baseline): {first:.1f} s")
    print(f"unchanged rerun:      {rerun:.1f} s  = {rerun / first:.3f}x the first run (target <= 0.1)")
    print(f"reused by the rerun:  {', '.join(sorted(rerun_stats['reused'])) or 'nothing'}")
    same = first_stats["content_sha256"] == rerun_stats["content_sha256"]
    print(f"content sha256 equal: {same} ({rerun_stats['content_sha256'][:16]}…)")


if __name__ == "__main__":
    main()
