"""The package's layers (DEVELOPERS.md, "Layers, one way down"): the table, nnlego's import graph
(imports anywhere in a module, inside functions too), and the two checks on it. Used by
tests/test_layers.py and tests/test_book_api.py (appendix C groups the modules by layer)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "nnlego"

LAYERS = {   # from the bottom up
    "core": {"nnlego", "_validation", "runtime", "subnormals", "safe_pickle", "activations",
             "costs", "initializers", "optimizers", "network", "training", "gradcheck",
             "storage", "files", "tiles", "epoch_data", "processes"},
    "data": {"datasets", "data_sources"},
    "analyses": {"bricks", "brick_use", "knockout", "matching", "smoothness", "correlation"},
    "plots": {"plots"},
    "experiments": {"results_cache", "experiment_data", "experiments", "runner", "snapshots",
                    "results_pins", "results_pack"},
    "articles": {"articles"},
    "book": {"reproduce", "launch"},
    "course": {"course"},
    "CLI": {"commands", "cli", "__main__"},
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


MAX_LINES = 300   # DEVELOPERS.md: one idea per module, and no module over 300 lines
