"""The package's layers, one way down (DEVELOPERS.md, "Layers").

Every module of nnlego sits in one layer; it may import its own layer and the layers below,
never one above, and no imports go round in a circle. Imports anywhere in a module count,
inside functions too (a deferred import is still a dependency). The package's face
(``nnlego/__init__.py``) is part of the core: it re-exports the core.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nnlego"

LAYERS = {   # from the bottom up
    "core": {"nnlego", "_validation", "runtime", "subnormals", "safe_pickle", "activations",
             "costs", "initializers", "optimizers", "network", "training", "gradcheck",
             "storage", "files", "tiles", "epoch_data"},
    "data": {"datasets", "data_sources"},
    "analyses": {"bricks", "brick_use", "knockout", "matching", "smoothness", "correlation"},
    "plots": {"plots"},
    "experiments": {"results_cache", "experiment_data", "experiments", "runner", "snapshots",
                    "results_pins", "results_pack"},
    "articles": {"articles"},
    "course and CLI": {"reproduce", "launch", "notebook_export", "publishing", "course_map",
                       "grading", "selfcheck", "commands", "cli", "__main__"},
}
ORDER = list(LAYERS)


def module_name(path: Path) -> str:
    parts = ["nnlego", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """The nnlego modules that the file at path imports (absolute names), anywhere in it."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:   # `from . import wth` imports the module nnlego.wth
                submodule = f"{target}.{alias.name}"
                is_module = (PACKAGE.parent / submodule.replace(".", "/")).with_suffix(".py")
                found.add(submodule if is_module.exists()
                          or (PACKAGE.parent / submodule.replace(".", "/")).is_dir() else target)
    return {m for m in found if m.split(".")[0] == "nnlego" and m != name}


def import_graph() -> dict[str, set[str]]:
    return {module_name(path): imported_modules(path) for path in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> str:
    """The layer of a module: by its top-level name under nnlego (``nnlego.plots.weights`` is in
    the layer of ``plots``); KeyError for a module placed nowhere."""
    top = "nnlego" if module == "nnlego" else module.split(".")[1]
    for layer, names in LAYERS.items():
        if top in names:
            return layer
    raise KeyError(module)


def upward_imports(graph) -> list[str]:
    return [f"{m} ({layer_of(m)}) imports {d} ({layer_of(d)})"
            for m, deps in graph.items() for d in sorted(deps)
            if ORDER.index(layer_of(d)) > ORDER.index(layer_of(m))]


def cycles(graph) -> list[list[str]]:
    """Every import cycle, as found by a depth-first search (one path per back edge)."""
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == "open":
                found.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


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


MAX_LINES = 300   # DEVELOPERS.md: one idea per module, and no module over 300 lines


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
    monkeypatch.setattr(f"{__name__}.PACKAGE", fake)
    assert imported_modules(fake / "network.py") == {"nnlego.articles"}


@pytest.mark.parametrize("module", ["nnlego.experiments", "nnlego.network", "nnlego.datasets"])
def test_low_layers_import_without_the_course_tooling(module):
    """A fresh interpreter importing a low module loads nothing of the course or CLI layer."""
    import subprocess
    import sys
    code = (f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith("
            "('nnlego.grading', 'nnlego.selfcheck', 'nnlego.articles', 'nnlego.commands'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
