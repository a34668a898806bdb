# DCS Voices: the two commands a newcomer needs are
#   make all    segment the raw corpus, execute every notebook in order, render the report
#   make test   lint, unit tests, and nbval over every notebook
# Both create (or reuse) the virtual environment in $(VENV) and install the pinned
# requirements first. VENV=/path/to/venv reuses another environment (the refresh test does).

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-requirements
DEV_STAMP := $(VENV)/.installed-dev-requirements
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
NBVAL_FLAGS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
export PYTHONHASHSEED := 0

.PHONY: all install install-dev corpus notebooks report test lint unit nbval browser bench params lab clean help

help:
	@echo "make all     segment corpus/raw, execute notebooks 01-06 in order, render build/report"
	@echo "make test    ruff, unit tests and nbval over every notebook (installs what it needs)"
	@echo "make corpus  rebuild corpus/segmented/ from corpus/raw/ only"
	@echo "make bench   run the benchmark in bench/ (prints a table)"
	@echo "make lab     JupyterLab at the repository root (ARGS='--port 9999' passes flags on)"
	@echo "make params NB=03 ARGS='-p KS \"[4, 6]\"'   rerun a notebook with other parameters on a copy"

all: corpus notebooks report

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

# Test and development tools (requirements-dev.txt) on top of the runtime; make test needs them.
$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

# An edited raw file fails `make corpus` until accepted: make corpus ACCEPT="file1.txt file2.txt"
corpus: $(STAMP)
	$(PY) -m helpers.segment $(if $(ACCEPT),--accept-changed $(ACCEPT))

# One process executes the notebooks in order, each in a fresh kernel (scripts/execute_notebooks.py);
# a rerun on unchanged inputs rewrites them byte for byte. PARAMS=file.json injects other parameter
# values (see the script's docstring); the refresh test uses it on its copy of the project. Each
# kernel's warning that local TCP is unencrypted is filtered out of stderr.
notebooks: $(STAMP)
	$(PY) scripts/execute_notebooks.py $(if $(PARAMS),--params $(PARAMS)) $(NOTEBOOKS) \
		2> >(grep -v "running over TCP without encryption" >&2)

report: $(STAMP)
	$(PY) scripts/render_report.py

browser:
	@bash scripts/install_browser.sh

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check helpers tests bench scripts

test: $(DEV_STAMP) browser lint
	$(VENV)/bin/pytest -n 2 $(NBVAL_FLAGS) tests $(NOTEBOOKS)

unit: $(DEV_STAMP)
	$(VENV)/bin/pytest tests

nbval: $(DEV_STAMP)
	$(VENV)/bin/pytest $(NBVAL_FLAGS) $(NOTEBOOKS)

# Rerun one notebook with other parameter values on a copy of the project (committed files untouched):
#   make params NB=03 ARGS='-p KS "[4, 6, 8]" --rerun-later'
params: $(STAMP)
	$(PY) scripts/run_with_params.py $(NB) $(ARGS) \
		2> >(grep -v "running over TCP without encryption" >&2)

# JupyterLab at the repository root (notebooks/, figures/, results/, data/, README.md in reach).
# Registers this environment's kernel as "Python 3 (DCS Voices)" under the name python3 (the
# name every notebook's kernelspec must keep); --allow-root only when run as root; ARGS
# passes further flags, e.g. make lab ARGS="--port 9999 --no-browser".
lab: $(STAMP)
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (DCS Voices)" >/dev/null
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=. $(if $(filter 0,$(shell id -u)),--allow-root) $(ARGS)

bench: $(STAMP)
	$(PY) bench/run_bench.py

clean:
	rm -rf build bench/out corpus/synthetic
