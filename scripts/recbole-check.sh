#!/usr/bin/env bash
# Side-by-side check of our BPR-MF and LightGCN against RecBole 1.2.1 on one export and its split,
# with the same hyper-parameters (train/configs) and seeds; prints both and the stated tolerance
# (scripts/recbole_side_by_side.py). Not part of `make test`: it trains 12 models.
# RecBole 1.2.1 needs numpy < 2 and an older scipy, so it gets its own virtual environment
# (created on first use; torch stays the CPU torch==2.13.0 of requirements.lock).
# Usage: scripts/recbole-check.sh EXPORT_DIR [EPOCHS (default 20)] [HIDDEN (default 64)] [PATIENCE (default 3)]
# Both sides stop on the same rule: PATIENCE evaluations without a better validation ndcg@10 and no
# minimum number of epochs (RecBole's trainer has none), whatever `mmkg compare`'s own default rule is.
# Our side's results.md/json stay in $MMKG_HOME/comparisons/recbole-check/<export name>/.
set -euo pipefail
export_dir="${1:?usage: scripts/recbole-check.sh EXPORT_DIR [EPOCHS] [HIDDEN] [PATIENCE]}"
epochs="${2:-20}"
hidden="${3:-64}"
patience="${4:-3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${MMKG_RECBOLE_VENV:-${MMKG_HOME:-$root/.mmkg}/venvs/recbole}"
if [ ! -x "$venv/bin/python" ]; then
    python="$(command -v python3.11 || command -v python3)"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet "recbole==1.2.1" "torch==2.13.0" "numpy==1.26.4" "scipy==1.11.4" \
        "pandas==2.1.4" "pyyaml==6.0.4"
fi
out="${MMKG_HOME:-$root/.mmkg}/comparisons/recbole-check/$(basename "$export_dir")"
mkdir -p "$out"
export OMP_NUM_THREADS=1
"$root/.venv/bin/mmkg" compare --export-dir "$export_dir" --models bpr_mf lightgcn --no-controls --seeds 3 \
    --epochs "$epochs" --hidden "$hidden" --patience "$patience" --min-epochs 0 --threads 1 --device cpu --out "$out/ours" > "$out/ours.log"
"$venv/bin/python" "$root/scripts/recbole_side_by_side.py" "$export_dir" --ours "$out/ours/results.json" \
    --epochs "$epochs" --hidden "$hidden" --patience "$patience"
