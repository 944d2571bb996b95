#!/usr/bin/env bash
# Installs RecBole 1.2.1 (and what MMRec's loader needs) in its own virtual environment, apart
# from .venv: RecBole 1.2.1 wants numpy < 2 and an older scipy; MMRec's trainer imports matplotlib.
# Usage: scripts/install-loader-venv.sh [DIR]
set -euo pipefail
venv="${1:-${MMKG_HOME:-.mmkg}/venvs/loaders}"
python="$(command -v python3.11 || command -v python3)"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet "recbole==1.2.1" "torch==2.13.0" "numpy==1.26.4" "scipy==1.11.4" \
    "pandas==2.1.4" "lmdb==3.0.0" "pyyaml==6.0.4" "matplotlib==3.8.4"
echo "$venv"
