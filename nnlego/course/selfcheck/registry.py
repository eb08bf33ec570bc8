"""The assignments that have a self-check, and which one a notebook is.

A self-check module is ``nnlego/course/selfcheck/aNN_<assignment>.py`` (see ``base``); every such
module found is an assignment ``nnlego check`` knows. A notebook is identified by, in order:
its nbgrader grade ids (the pieces' ``covers``), its title ("# Assignment N"), its file name
(``forward_pass.ipynb``, ``02_forward_pass.ipynb``, ``02-mine.ipynb``).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import nnlego.course.selfcheck as package
from nnlego.course.selfcheck import notebook

MODULE = re.compile(r"^a(\d\d)_\w+$")


def modules() -> dict[str, str]:
    """{assignment folder: module name}, e.g. ``"02_forward_pass"`` ->
    ``"nnlego.course.selfcheck.a02_forward_pass"``.

    Read from the file names (``aNN_name.py`` is assignment ``NN_name``), so that one broken
    module does not stop the checks of the others.
    """
    found = {}
    for info in pkgutil.iter_modules(package.__path__):
        if MODULE.match(info.name):
            found[info.name[1:]] = f"{package.__name__}.{info.name}"
    return dict(sorted(found.items()))


def load(module_name: str):
    """The check module, with its contract checked (a broken module names itself)."""
    module = importlib.import_module(module_name)
    expected = module_name.rsplit(".", 1)[-1][1:]
    if getattr(module, "ASSIGNMENT", None) != expected or not getattr(module, "PIECES", None):
        raise ValueError(f"{module_name} must define ASSIGNMENT = {expected!r} and PIECES "
                         "(Piece, ...)")
    return module


def resolve(spec: str) -> str:
    """An assignment from what a user types: "2", "02", "02_forward_pass" or "forward_pass"."""
    known = modules()
    spec = spec.strip()
    for assignment in known:
        number, _, name = assignment.partition("_")
        if spec in (assignment, name) or (spec.isdigit() and int(spec) == int(number)):
            return assignment
    raise ValueError(f"--assignment {spec!r}: no such assignment; choose one of "
                     f"{', '.join(known)} (the number is enough, e.g. --assignment 2)")


def identify(path: Path, nb: dict) -> str:
    """The assignment the notebook at path is; ValueError naming the path if it cannot tell."""
    known = modules()
    ids = notebook.grade_ids(nb)
    overlap = {a: len(ids & _covered_or_none(a)) for a in known}
    best = max(overlap, key=overlap.get, default=None)
    if best is not None and overlap[best]:
        return best
    number = notebook.title_number(nb)
    by_number = {int(a.split("_")[0]): a for a in known}
    if number in by_number:
        return by_number[number]
    stem = Path(path).stem.lower()
    for assignment in known:
        digits, _, name = assignment.partition("_")
        if name in stem or re.match(rf"^0*{int(digits)}(\D|$)", stem):
            return assignment
    raise ValueError(
        f"{path}: cannot tell which assignment this notebook is (no known nbgrader cell ids, "
        "no '# Assignment N' title, and the file name names none); pass --assignment NN, one "
        f"of {', '.join(a.split('_')[0] for a in known)}")


def _covered_or_none(assignment):
    try:
        return covered(assignment)
    except Exception:  # a broken module of another assignment must not stop this one
        return set()


def covered(assignment: str) -> set[str]:
    module = load(modules()[assignment])
    return {grade_id for piece in module.PIECES for grade_id in piece.covers}


__all__ = ["covered", "identify", "load", "modules", "resolve"]
