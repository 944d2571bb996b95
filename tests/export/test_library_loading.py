"""The export loaded by the real libraries: RecBole 1.2.1 (BPR, CKE) and, given its source, MMRec
(VBPR, FREEDOM). They need their own environment (scripts/install-loader-venv.sh); without it,
the test says so and skips."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from export import ExportConfig, export_build
from mmkg.settings import PROJECT_ROOT
from tests.export.test_export import BUILD, N_MOVIES, _fill

VENV = Path(os.environ.get("MMKG_LOADER_VENV", PROJECT_ROOT / ".mmkg" / "venvs" / "loaders"))
MMREC_SRC = os.environ.get("MMKG_MMREC_SRC")  # src/ of an MMRec checkout


@pytest.mark.slow
@pytest.mark.skipif(not (VENV / "bin" / "python").is_file(),
                    reason=f"no loader environment at {VENV}: run scripts/install-loader-venv.sh "
                           "(the BPR/LightGCN numbers side by side with RecBole: scripts/recbole-check.sh)")
def test_recbole_and_mmrec_load_the_export(warehouse, settings, shared_data):
    _fill(warehouse, shared_data)
    out = export_build(ExportConfig(exports_dir=settings.exports_dir), warehouse, BUILD).export_dir
    command = [str(VENV / "bin" / "python"), str(PROJECT_ROOT / "scripts" / "check_export_loading.py"), str(out),
               "--epochs", "1"] + (["--mmrec-src", MMREC_SRC] if MMREC_SRC else [])
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    runs = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    recbole = {r["model"]: r for r in runs if r.get("library") == "recbole"}
    assert recbole["BPR"]["split_is_the_exports"] and recbole["BPR"]["items"] <= N_MOVIES + 1
    assert recbole["CKE"]["kg_triples"] > 0
    for run in (r for r in runs if r.get("library") == "mmrec"):
        assert run["v_feat_rows"] == run["t_feat_rows"] == run["items"] == N_MOVIES
