# make run  — create .venv, install pinned packages, build the database from the sample if absent (see `database`),
#             start the dashboard
# make test — the same set-up plus test packages and Debian's chromium, then every test
# make test-fast — the same set-up, then the quick loop: every test not marked slow (under a minute)
# make run-example — the same as make run for the bundled Phase III-like example (examples/phase3)
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DATABASE := data/warehouse.duckdb
PORT ?= 8501
# Where the server listens: this computer only (server.address in .streamlit/config.toml) unless
# `ADDRESS=0.0.0.0 make run` shares it on the network, which then needs users in .streamlit/secrets.toml.
ADDRESS ?=
# A second bundled programme: its own programme file, sample workbooks and snapshot date.
EXAMPLE := examples/phase3
EXAMPLE_DATABASE := data/example-phase3.duckdb

.PHONY: run run-example example test test-fast bench database sample template browser clean

# The warehouse served: $MM_DB_PATH when set (loaded again if an earlier version of the ETL built it), else the
# bundled sample's (scripts/sample_database.py).
run: $(VENV)/.installed
ifdef MM_DB_PATH
	-$(BIN)/python -m etl reload --if-outdated --db "$(MM_DB_PATH)"  # failed: served all the same, its pages say why
else
	-$(BIN)/python scripts/sample_database.py --db $(DATABASE)  # failed: served all the same, its pages say why
endif
	$(BIN)/streamlit run dashboard.py $(if $(ADDRESS),--server.address $(ADDRESS)) --server.port $(PORT) --server.headless true

run-example: $(EXAMPLE_DATABASE)
	$(BIN)/python -m etl reload --if-outdated --db $(EXAMPLE_DATABASE) --programme $(EXAMPLE)/programme.toml
	MM_DB_PATH=$(EXAMPLE_DATABASE) MM_PROGRAMME=$(EXAMPLE)/programme.toml $(BIN)/streamlit run dashboard.py $(if $(ADDRESS),--server.address $(ADDRESS)) --server.port $(PORT) --server.headless true

# Built from the sample when absent, or when the sample built it and the sample, the reference data or the
# programme file changed since; a warehouse loaded from other files is never replaced by the sample (loaded
# again from its own files if an earlier version of the ETL built it): scripts/sample_database.py.
database: $(VENV)/.installed
	$(BIN)/python scripts/sample_database.py --db $(DATABASE)

$(EXAMPLE_DATABASE): $(VENV)/.installed $(wildcard $(EXAMPLE)/sample/*.xlsx) $(EXAMPLE)/AS_OF $(EXAMPLE)/programme.toml data/reference/*.csv
	$(BIN)/python -m etl load $(EXAMPLE)/sample --db $@ --as-of $$(cat $(EXAMPLE)/AS_OF) --programme $(EXAMPLE)/programme.toml

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# Tests include a smoke run of the benchmarks, so they get the benchmark packages too (pyinstrument).
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt requirements-bench.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	touch $@

browser:
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium for the browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: $(VENV)/.installed-dev browser
	$(BIN)/python -m pytest

# The quick loop while editing: leaves out the tests marked slow (see `slow` in pyproject.toml); run
# `make test` before a commit is shared.
test-fast: $(VENV)/.installed-dev browser
	$(BIN)/python -m pytest -m "not slow"

# Portfolio-scale benchmarks: prints every figure (see BENCHMARKS.md); not part of `make test`.
bench: $(VENV)/.installed-dev browser
	$(BIN)/python bench/run_all.py

# Regenerate the bundled sample workbooks from data/sample-source/*.csv (data/sample/README.md says how to edit them).
sample: $(VENV)/.installed
	$(BIN)/python scripts/make_sample.py

# Regenerate the example's sample workbooks from its programme file (scripts/make_example.py).
example: $(VENV)/.installed
	$(BIN)/python scripts/make_example.py $(EXAMPLE)

template: $(VENV)/.installed
	$(BIN)/python -m etl template all templates/programme-report-template.xlsx

# Removes a warehouse only where a bundled sample built it (scripts/sample_database.py --clean): one loaded from
# your own workbooks, uploads or approvals is kept, and said so. Never touches the records folders.
clean:
	@if test -x $(BIN)/python; then \
	  $(BIN)/python scripts/sample_database.py --clean --db $(DATABASE); \
	  $(BIN)/python scripts/sample_database.py --clean --db $(EXAMPLE_DATABASE) --sample $(EXAMPLE)/sample; \
	else echo "$(DATABASE) and $(EXAMPLE_DATABASE) kept: without $(VENV) nothing can tell whether a sample built them"; fi
	rm -rf $(VENV) test-output .pytest_cache
