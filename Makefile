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

.PHONY: install browser zip-tool pdf-tools run test test-fast app dagster lint synth bench demo \
	chase-list brief clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# dbt's parse for the warehouse's runs: Dagster reads its manifest, a first run reuses its parse.
$(MANIFEST): $(VENV)/.installed $(DBT_SOURCES)
	$(BIN)/python -m dagster_project.dbt_workspace
	touch $@

$(DAGSTER_HOME)/dagster.yaml: dagster_project/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp $< $@

run: install $(MANIFEST) $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m dagster_project.cli run $(if $(FORCE),--force) $(if $(VERBOSE),--verbose)

# The browser tests drive Debian's Chromium; Playwright cannot download its own browser here.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

# The officer-report tests make password-protected ZIPs as the MDO portal does, with Info-ZIP.
zip-tool:
	@command -v zip >/dev/null || { apt-get update -qq && apt-get install -y -qq zip >/dev/null; }

# The brief's tests read the PDF back as text and images with poppler's pdftotext and pdftoppm.
pdf-tools:
	@command -v pdftotext >/dev/null || { apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; }

# Two workers; tests sharing a module fixture stay in one group, the others go to the free worker
# (tests/conftest.py). The shipped warehouses are built once per run for both workers. The 30
# slowest steps are listed at the end, so CI's log shows where the suite's time goes.
test: install browser zip-tool pdf-tools $(MANIFEST)
	$(BIN)/pytest -n 2 --dist loadgroup --durations=30

# The unit tests alone (pure helpers and single files, under a minute): for the edit loop.
# `make test` still runs everything, and is what CI runs.
test-fast: install $(MANIFEST)
	$(BIN)/pytest -m unit

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

# A separate warehouse from the shipped raw/ plus a small synthetic officer-level delivery for
# Bihar (password-protected reports_synthetic*.zip whose MDOs are the shipped Bihar report's),
# then the dashboard on it. Everything lives in demo/ (gitignored); the published warehouse,
# raw/ and the officer key of a real installation are never touched.
DEMO := $(CURDIR)/demo
DEMO_PASSWORD := synthetic-2026
DEMO_ENV := IGOT_RAW_DIR=$(DEMO)/raw IGOT_WAREHOUSE=$(DEMO)/warehouse/igot.duckdb \
	DAGSTER_HOME=$(DEMO)/.dagster IGOT_REPORTS_ZIP_PASSWORD=$(DEMO_PASSWORD) \
	IGOT_OFFICER_KEY_FILE=$(DEMO)/officer.key

demo: install $(MANIFEST)
	rm -rf $(DEMO)/raw $(DEMO)/synthetic $(DEMO)/warehouse $(DEMO)/.dagster
	$(BIN)/python -m synth --size small --states 1 --months 1 --officers zip \
		--officer-states 1 --officers-per-state 1000 --officer-mdos shipped \
		--zip-password $(DEMO_PASSWORD) \
		--out $(DEMO)/synthetic
	mkdir -p $(DEMO)/raw $(DEMO)/.dagster
	cp -R raw/. $(DEMO)/raw/
	cp -R $(DEMO)/synthetic/raw/officers $(DEMO)/raw/officers
	cp $(DEMO)/synthetic/raw/reference/officer_bands.csv $(DEMO)/raw/reference/
	cp dagster_project/dagster.yaml $(DEMO)/.dagster/dagster.yaml
	$(DEMO_ENV) $(BIN)/python -m dagster_project.cli run
	$(DEMO_ENV) STREAMLIT_CLIENT_TOOLBAR_MODE=viewer $(BIN)/streamlit run streamlit_app/app.py \
		--server.address 127.0.0.1 --browser.gatherUsageStats false

# The officers of STATE not yet compliant, by name, with what each still needs, as CSV for
# whoever chases them: PERSONAL DATA, written readable by you only. Names come from the
# delivered reports.zip (IGOT_REPORTS_ZIP_PASSWORD), compliance from the published warehouse.
chase-list: install
	@test -n "$(STATE)" -a -n "$(OUT)" || { echo "Say which state and where: make chase-list STATE=bihar OUT=chase.csv [DEPT=...] [MANDATE=...]"; exit 2; }
	$(BIN)/python -m handouts.chase_list --state "$(STATE)" --out "$(OUT)" \
		$(if $(DEPT),--department "$(DEPT)") $(if $(MANDATE),--mandate "$(MANDATE)")

# The chief secretary's monthly brief for STATE as a PDF, as on DATE (default today).
brief: install
	@test -n "$(STATE)" || { echo "Say which state: make brief STATE=bihar [DATE=2026-03-31] [OUT=brief.pdf]"; exit 2; }
	$(BIN)/python -m handouts.brief --state "$(STATE)" $(if $(DATE),--date "$(DATE)") \
		$(if $(OUT),--out "$(OUT)")

clean:
	rm -rf dbt_models/target dbt_models/logs
