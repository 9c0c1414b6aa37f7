# igot-warehouse: `make run` builds the warehouse from raw/, `make test` runs every test.
# Each target first creates or refreshes the virtualenv in .venv/ from pyproject.toml.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin

export IGOT_RAW_DIR ?= $(CURDIR)/raw
export IGOT_WAREHOUSE ?= $(CURDIR)/warehouse/igot.duckdb
# Dagster's run storage lives beside the warehouse, never in the source tree.
export DAGSTER_HOME ?= $(abspath $(dir $(abspath $(IGOT_WAREHOUSE))).dagster)
export PATH := $(BIN):$(PATH)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1

DBT_SOURCES := $(shell find dbt_models -path dbt_models/target -prune -o -path dbt_models/logs -prune -o -type f -print)
MANIFEST := dbt_models/target/manifest.json

.PHONY: install browser zip-tool run test app dagster lint synth bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(MANIFEST): $(VENV)/.installed $(DBT_SOURCES)
	cd dbt_models && $(BIN)/dbt parse --quiet --profiles-dir .
	touch $@

$(DAGSTER_HOME)/dagster.yaml: dagster_project/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp $< $@

run: install $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m dagster_project.cli run $(if $(FORCE),--force)

# The browser tests drive Debian's Chromium; Playwright cannot download its own browser here.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

# The officer-report tests make password-protected ZIPs as the MDO portal does, with Info-ZIP.
zip-tool:
	@command -v zip >/dev/null || { apt-get update -qq && apt-get install -y -qq zip >/dev/null; }

test: install browser zip-tool $(MANIFEST)
	$(BIN)/pytest

app: install
	STREAMLIT_CLIENT_TOOLBAR_MODE=viewer $(BIN)/streamlit run streamlit_app/app.py \
		--server.address $${IGOT_APP_ADDRESS:-127.0.0.1} --browser.gatherUsageStats false

dagster: install $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev --host 127.0.0.1

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_models

# Synthetic raw files in the input contract, never in raw/: SIZE=small|medium|large.
synth: install
	$(BIN)/python -m synth --size $(or $(SIZE),small)

# The whole pipeline and its floor on each synthetic size; results in bench/results/.
# BENCH_SIZES=small,medium limits the sizes (default: all three).
bench: install $(MANIFEST)
	$(BIN)/python -m bench $(if $(BENCH_SIZES),--sizes $(BENCH_SIZES))

clean:
	rm -rf dbt_models/target dbt_models/logs
