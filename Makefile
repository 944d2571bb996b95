# Two commands: `make run` (install, then build an MMKG from the embedded site) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export MMKG_HOME ?= $(CURDIR)/.mmkg
export PREFECT_HOME ?= $(MMKG_HOME)/prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export NUMBA_CACHE_DIR ?= $(MMKG_HOME)/cache/numba

.PHONY: install run test bench clean deploy stop

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml scripts/install-system-deps.sh
	@echo "==> system packages"
	bash scripts/install-system-deps.sh
	@echo "==> virtual environment in $(VENV) (pinned packages, CPU torch, spaCy model)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet pip==26.3
	$(BIN)/pip install --progress-bar on -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

run: install
	$(BIN)/mmkg build

test: install
	@mkdir -p "$(PREFECT_HOME)"  # Prefect makes no parent folders when a test module imports it first
	$(BIN)/python -m pytest

bench: install
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

deploy: install  ## local Prefect server + deployment build-mmkg + process worker (stop with make stop)
	bash scripts/deploy.sh

stop:
	bash scripts/stop.sh

clean:
	rm -rf $(MMKG_HOME)
