"""The package's layers, one way down (DEVELOPERS.md, "Layers").

Every module of nnlego sits in one layer; it may import its own layer and the layers below,
never one above, and no imports go round in a circle. Imports anywhere in a module count,
inside functions too (a deferred import is still a dependency). The package's face
(``nnlego/__init__.py``) is part of the core: it re-exports the core.
"""

from __future__ import annotations

import pytest
from support import layers
from support.layers import (
    MAX_LINES,
    PACKAGE,
    cycles,
    import_graph,
    imported_modules,
    layer_of,
    module_name,
    upward_imports,
)


def test_every_module_has_a_layer():
    unplaced = []
    for module in import_graph():
        try:
            layer_of(module)
        except KeyError:
            unplaced.append(module)
    assert not unplaced, f"put these modules into a layer of tests/test_layers.py: {unplaced}"


def test_no_module_imports_a_layer_above_its_own():
    assert upward_imports(import_graph()) == []


def test_no_module_is_over_300_lines():
    long = {module_name(p): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these modules (lines): {long}"


def test_no_import_cycle():
    assert cycles(import_graph()) == []


def test_the_checks_catch_what_they_are_for():
    """The cycle experiments <-> articles that the registry replaced, and an upward import."""
    graph = {"nnlego.experiments": {"nnlego.articles"}, "nnlego.articles": {"nnlego.experiments"},
             "nnlego.network": {"nnlego.plots.weights"}, "nnlego.plots.weights": set()}
    assert cycles(graph) == [["nnlego.articles", "nnlego.experiments", "nnlego.articles"]]
    assert upward_imports(graph) == [
        "nnlego.experiments (experiments) imports nnlego.articles (articles)",
        "nnlego.network (core) imports nnlego.plots.weights (plots)"]


def test_deferred_imports_count(tmp_path, monkeypatch):
    """An import inside a function is found like one at the top of the file."""
    fake = tmp_path / "nnlego"
    fake.mkdir()
    (fake / "network.py").write_text("def f():\n    from .articles import NAMED\n")
    (fake / "articles.py").write_text("")
    monkeypatch.setattr(layers, "PACKAGE", fake)
    assert imported_modules(fake / "network.py") == {"nnlego.articles"}


@pytest.mark.parametrize("module", ["nnlego.experiments", "nnlego.network", "nnlego.datasets"])
def test_low_layers_import_without_the_course_tooling(module):
    """A fresh interpreter importing a low module loads nothing of the course or CLI layer."""
    import subprocess
    import sys
    code = (f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith("
            "('nnlego.course', 'nnlego.articles', 'nnlego.commands'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
