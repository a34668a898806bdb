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
# Notebooks run at once by `make all` / `make notebooks` (each after those upstream of it).
JOBS ?= 2

.PHONY: all install install-dev corpus notebooks findings report report-if-changed check test lint unit nbval browser bench bench-pipeline params lab clean help

help:
	@echo "make all     segment corpus/raw, run the notebooks whose inputs changed, render build/report"
	@echo "             (FORCE=1: rerun everything; PARAMS=file.json: other parameter values)"
	@echo "make check   exit 1 if notebooks, results and figures are not one complete run"
	@echo "make test    ruff, unit tests and nbval over every notebook (installs what it needs)"
	@echo "make corpus  rebuild corpus/segmented/ from corpus/raw/ only"
	@echo "make bench   run the benchmark in bench/ (prints a table)"
	@echo "make lab     JupyterLab at the repository root (ARGS='--port 9999' passes flags on)"
	@echo "make params NB=03 ARGS='-p KS \"[4, 6]\"'   rerun a notebook with other parameters on a copy"

all: corpus notebooks findings report-if-changed

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-build-isolation --no-deps -e .
	@touch $(STAMP)

# Test and development tools (requirements-dev.txt) on top of the runtime; make test needs them.
$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

# Each step reruns only when what it reads changed (pipeline.toml, dcs_tools/pipeline.py).
# An edited raw file fails `make corpus` until accepted: make corpus ACCEPT="file1.txt file2.txt"
corpus: $(STAMP)
	$(PY) -m dcs_tools.pipeline corpus $(if $(FORCE),--force) $(foreach f,$(ACCEPT),--accept-changed $(f))

# The notebooks whose inputs changed, and those downstream, run in order in a staging copy, each
# in a fresh kernel; they are promoted together only if all succeed (dcs_tools/pipeline.py).
# JOBS=N runs up to N notebooks at once (default 2, this machine's cores; JOBS=1: one by one).
# PARAMS=file.json injects other parameter values (checked for every notebook first); FORCE=1
# reruns everything. Each kernel's warning that local TCP is unencrypted is filtered out of stderr.
notebooks: $(STAMP)
	$(PY) -m dcs_tools.pipeline notebooks --jobs $(JOBS) $(if $(PARAMS),--params $(PARAMS)) $(if $(FORCE),--force) \
		2> >(grep -v "running over TCP without encryption" >&2)

# FINDINGS.md: every notebook's generated Findings, copied verbatim (a test fails if it is stale).
findings: $(STAMP)
	$(PY) -m dcs_tools.findings_page

# Refuse to render a mixed state (outputs of different runs, or stale notebooks).
check: $(STAMP)
	$(PY) -m dcs_tools.pipeline check

# make all re-renders the report only when a project file changed since the last render
# (FORCE=1: always).
report-if-changed: $(STAMP)
	@$(if $(FORCE),false,$(PY) -m dcs_tools.pipeline report-current) || \
		{ $(MAKE) --no-print-directory report && $(PY) -m dcs_tools.pipeline report-rendered; }

report: $(STAMP) check
	$(PY) scripts/render_report.py

browser:
	@bash scripts/install_browser.sh

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check helpers dcs_tools tests bench scripts

test: $(DEV_STAMP) browser lint
	$(VENV)/bin/pytest -n 2 --dist loadfile --no-loadscope-reorder $(NBVAL_FLAGS) tests $(NOTEBOOKS)

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

# Issue 14's bars on a copy: unchanged make all, a partial rerun, make all killed during 04.
bench-pipeline: $(STAMP)
	$(PY) bench/pipeline_bench.py $(ARGS)

clean:
	rm -rf build bench/out corpus/synthetic
