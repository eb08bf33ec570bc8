"""Appendix C (book/appendix_c_api.md), the API from the docstrings: every public module of
nnlego is there once, under the heading of its layer (tests/test_layers.py), in layer order."""

from __future__ import annotations

import re

from support.layers import LAYERS, PACKAGE, layer_of, module_name
from support.notebooks import ROOT

PAGE = ROOT / "book" / "appendix_c_api.md"


def documented() -> list[tuple[str, str]]:
    """(layer heading, module) for every automodule directive of the page, in page order."""
    found, heading = [], None
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = line[3:].strip().lower()
        elif match := re.match(r"\.\. automodule:: (\S+)$", line):
            found.append((heading, match.group(1)))
    return found


def public_modules() -> set[str]:
    names = {module_name(path) for path in PACKAGE.rglob("*.py")}
    return {n for n in names if not any(p.startswith("_") for p in n.split(".")[1:])}


def test_every_public_module_is_documented_once():
    modules = [module for _, module in documented()]
    assert sorted(modules) == sorted(set(modules)), "a module is documented twice"
    assert set(modules) == public_modules()


def test_each_module_sits_under_its_layer_and_the_layers_go_bottom_up():
    pages = documented()
    layers = [layer.lower() for layer in LAYERS]
    misplaced = [(h, m, layer_of(m)) for h, m in pages if h != layer_of(m).lower()]
    assert not misplaced
    order = [layers.index(heading) for heading, _ in pages]
    assert order == sorted(order)
    for layer in layers:                    # and, within a layer, by name: a reader finds one
        names = [m for h, m in pages if h == layer]
        assert names == sorted(names), f"{layer}: {names}"


def test_the_page_is_in_the_table_of_contents():
    assert "file: book/appendix_c_api" in (ROOT / "_toc.yml").read_text(encoding="utf-8")
