"""The grader inside a graded kernel: ``own_work``, the integrity snapshot and the pass token.

A student's code runs in the same Python process as the tests, so it could rebind whatever the
tests look up. This module is imported by the grading kernel (:mod:`nnlego.course.grading.kernel`)
*before* any cell runs and keeps, out of the notebook's namespace:

- the grading run's secret key (read once from a pipe the sandbox launcher filled, then closed;
  never in ``os.environ``);
- a snapshot of the objects the tests rely on: builtins, ``sys``' hooks, NumPy, every loaded
  nnlego module (functions *and* their code), IPython's execution, display and exception
  machinery, and, after the setup cell, the names it bound;
- :func:`passed`, which the grader appends to every test cell at grading time. It runs only
  if every statement before it ran without error (IPython stops a cell at its first error) and
  prints an HMAC of the cell's fresh nonce under the key, unless the snapshot no longer matches:
  then it prints a review flag instead. The grader outside the kernel checks the HMAC: no valid
  token, no points (:mod:`nnlego.course.grading.execute`).

:func:`own_work` is the helper the notebooks' tests call around a student's function: nnlego's
own version of the piece must not run inside it. Outside a grading kernel it works the same,
without a snapshot.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sys
import threading
from contextlib import contextmanager

FLAG = "nnlego-grader: flagged for review:"
TOKEN = "nnlego-grader: passed"

_state = {"key": None, "modules": {}, "codes": {}, "shell": None, "shell_items": {},
          "namespace": {}, "tampered_hooks": []}
_real = {"setprofile": sys.setprofile, "getprofile": sys.getprofile, "settrace": sys.settrace,
         "gettrace": sys.gettrace, "threading_setprofile": threading.setprofile,
         "hmac_new": hmac.new, "sha256": hashlib.sha256, "stdout": None}
_SHELL_METHODS = ("run_cell", "run_cell_async", "run_ast_nodes", "run_code", "showtraceback",
                  "_showtraceback", "showsyntaxerror", "set_custom_exc", "should_run_async",
                  "transform_cell")
_SHELL_VALUES = ("ast_node_interactivity", "displayhook", "display_pub", "InteractiveTB",
                 "SyntaxTB", "custom_exceptions", "CustomTB")
_KERNEL_OWNED = {("builtins", name) for name in ("input", "exit", "quit", "display")} | {
    ("sys", "displayhook"), ("sys", "excepthook")}     # ipykernel swaps them for every cell
_WATCHED = ("builtins", "sys", "math", "collections", "contextlib", "numpy", "numpy.random",
            "numpy.linalg", "numpy.testing", "threading")


# -- own_work ------------------------------------------------------------------------------------
def _fingerprint(code):
    """What a copy of a function's source compiles to, whatever its file name and line."""
    consts = tuple(_fingerprint(c) if hasattr(c, "co_code") else c for c in code.co_consts)
    return code.co_code, code.co_names, code.co_varnames, consts


@contextmanager
def own_work(*pieces):
    """Fail if nnlego's own version of a piece you are writing runs inside the ``with`` block.

    The tests call your function inside ``with own_work(nnlego.sigmoid): ...``. Use NumPy
    freely; an answer that calls the nnlego function it rewrites (or a copy of its code) scores
    0 on that piece.
    """
    forbidden = {piece.__code__: piece.__qualname__ for piece in pieces}
    copies = {_fingerprint(code): name for code, name in forbidden.items()
              if len(code.co_code) > 64}      # short bodies are written alike honestly
    called = set()

    def watch(frame, event, arg):
        if event == "call":
            code = frame.f_code
            name = forbidden.get(code) or (copies.get(_fingerprint(code)) if copies else None)
            if name is not None:
                called.add(name)

    previous = _real["getprofile"]()
    _real["setprofile"](watch)
    _real["threading_setprofile"](watch)
    try:
        yield
    finally:
        hooked = _real["getprofile"]() is watch
        _real["setprofile"](previous)
        _real["threading_setprofile"](None)
    assert hooked, "your answer switched the profiler off (sys.setprofile): the test cannot run"
    assert not called, (f"your answer calls nnlego's own {', '.join(sorted(called))}: "
                        "write this piece yourself (NumPy is fine)")


# -- the snapshot -----------------------------------------------------------------------------
def _callables(module):
    return {name: value for name, value in vars(module).items()
            if callable(value) or type(value).__name__ == "module"}


def _nnlego_modules():
    return sorted(name for name in sys.modules
                  if name == "nnlego" or name.startswith("nnlego."))


def _snapshot_modules():
    for name in _WATCHED + tuple(_nnlego_modules()):
        module = sys.modules.get(name)
        if module is None or name in _state["modules"]:
            continue                        # a module is snapshot once, when first seen
        items = _callables(module)
        _state["modules"][name] = items
        for attr, value in items.items():
            code = getattr(value, "__code__", None)
            if code is not None:
                _state["codes"][f"{name}.{attr}"] = (value, code)
            if isinstance(value, type) and name.startswith("nnlego"):
                for method, function in vars(value).items():
                    inner = getattr(function, "__code__", None)
                    if inner is not None:
                        _state["codes"][f"{name}.{attr}.{method}"] = (function, inner)


def _wrap_hook(name):
    real = _real[name]

    def hook(*args):
        _state["tampered_hooks"].append(f"sys.{name} was called by the submission")
        return real(*args)

    hook.__name__ = name
    return hook


def install(shell, key: bytes | None):
    """Snapshot the modules and bind ``__nnlego_guard__`` (once, before any cell runs)."""
    _state["key"] = key
    _state["shell"] = shell
    sys.setprofile, sys.settrace = _wrap_hook("setprofile"), _wrap_hook("settrace")
    threading.setprofile = _wrap_hook("threading_setprofile")
    _snapshot_modules()
    shell.user_ns["__nnlego_guard__"] = sys.modules[__name__]


def setup_done():
    """Called at the end of the setup cell: what IPython looks like while it runs a cell, and
    every name the setup cell bound (the tests rely on them)."""
    shell, items = _state["shell"], _state["shell_items"]
    _snapshot_modules()                     # the modules the setup cell imported too
    _real["stdout"] = sys.stdout
    for name in _SHELL_METHODS:
        items[name] = _method(shell, name)
    for name in _SHELL_VALUES:
        items[name] = getattr(shell, name, None)
    items["events"] = _events(shell)        # %matplotlib inline registers some
    items["sys.displayhook"] = sys.displayhook
    items["stdout.write"] = type(sys.stdout).write
    _state["namespace"] = {name: value for name, value in shell.user_ns.items()
                           if not name.startswith("_") and name not in ("In", "Out", "exit",
                                                                         "quit", "get_ipython")}


# -- the check --------------------------------------------------------------------------------
def problems() -> list[str]:
    """What no longer matches the snapshot: an empty list when nothing was tampered with."""
    found = list(_state["tampered_hooks"])
    if _real["gettrace"]() is not None:
        found.append("a trace function is installed (sys.settrace)")
    if _real["getprofile"]() is not None:
        found.append("a profile function is installed (sys.setprofile)")
    for module_name, items in _state["modules"].items():
        module = sys.modules.get(module_name)
        if module is None:
            found.append(f"module {module_name} was removed from sys.modules")
            continue
        current = vars(module)
        found += [f"{module_name}.{name} was replaced" for name, value in items.items()
                  if current.get(name) is not value and (module_name, name) not in _KERNEL_OWNED]
    found += [f"the code of {name} was replaced" for name, (function, code)
              in _state["codes"].items() if getattr(function, "__code__", code) is not code]
    found += _shell_problems()
    namespace = _state["shell"].user_ns
    found += [f"the setup cell's {name!r} was rebound" for name, value
              in _state["namespace"].items() if namespace.get(name) is not value]
    return found


def _method(shell, name):
    """The class's function and the instance's own override (ipykernel sets some)."""
    return getattr(type(shell), name, None), vars(shell).get(name)


def _events(shell):
    return {event: list(callbacks) for event, callbacks in shell.events.callbacks.items()}


def _shell_problems():
    shell, items, found = _state["shell"], _state["shell_items"], []
    if not items:
        return ["the setup cell did not run to its end"]
    for name in _SHELL_METHODS:
        if any(now is not then for now, then in zip(_method(shell, name), items[name])):
            found.append(f"IPython's {name} was replaced")
    for name in _SHELL_VALUES:
        if getattr(shell, name, None) is not items[name] and \
                getattr(shell, name, None) != items[name]:
            found.append(f"IPython's {name} was changed")
    if _events(shell) != items["events"]:
        found.append("an IPython event callback was registered")
    if sys.displayhook is not items["sys.displayhook"]:     # (ipykernel resets excepthook)
        found.append("sys.displayhook was replaced")
    if sys.stdout is not _real["stdout"] or type(sys.stdout).write is not items["stdout.write"]:
        found.append("sys.stdout was replaced")
    return found


def token(key: bytes, nonce: str, grade_id: str) -> str:
    """The line that proves a test cell ran to its end under this key."""
    digest = _real["hmac_new"](key, f"{nonce}:{grade_id}".encode(), _real["sha256"]).hexdigest()
    return f"{TOKEN} {grade_id} {digest}"


def passed(nonce: str, grade_id: str):
    """The last statement of every graded test cell: the token, or the reasons to review."""
    found = problems()
    out = _real["stdout"]
    if found:
        out.write("\n".join(f"{FLAG} {reason}" for reason in dict.fromkeys(found)) + "\n")
    elif _state["key"] is not None:
        out.write(token(_state["key"], nonce, grade_id) + "\n")
    out.flush()


def read_key() -> bytes | None:
    """The grading key: from the pipe named by NNLEGO_GRADER_KEY_FD (closed after), else None."""
    fd = os.environ.pop("NNLEGO_GRADER_KEY_FD", None)
    if fd is None:
        return None
    with os.fdopen(int(fd), "rb") as pipe:
        return bytes.fromhex(pipe.read().decode())


__all__ = ["own_work", "install", "setup_done", "problems", "passed", "token", "read_key",
           "FLAG", "TOKEN"]
