"""The sandboxed child of grading v2: it runs a student's cells and calls their functions, and
only answers with plain data.

``python -m nnlego.course.grading.computer`` (inside bubblewrap,
:func:`nnlego.course.grading.sandbox.computer_command`) reads requests from its stdin and
answers on its stdout, one :mod:`~nnlego.course.grading.link` frame each; everything the
student's code prints is captured per request. Requests (``"op"``):

- ``run`` ``source``, ``name``: execute a cell in the notebook's namespace; answers ``done``
  with ``stdout`` and ``error`` (``None`` or the exception's type, message and traceback);
- ``get`` ``name``: a name of the namespace, as plain data, or a ``ref`` for a function;
  ``missing`` when it is not defined;
- ``set`` ``name`` and a value: bind it (a ``ref`` of the grader's becomes a function that
  calls back, :class:`Callback`);
- ``call`` ``n`` (a ``ref`` this side gave), ``value`` = ``{"args", "kwargs"}``, ``errstate``
  (NumPy's floating-point error handling of the grader, applied around the call) and
  ``times`` (call that many times, :func:`nnlego.course.grading.repeat.repeat`): answers
  ``result`` with ``{"result", "args", "kwargs"}`` (the arguments as the call left them), or
  ``raised``;
- while a call runs, the child may itself send ``callback`` and serve nested requests until
  the grader's ``return`` or ``raised``.

Nothing the grader decides is here: no tests, no reference values, no keys. The child's nnlego
is a copy without the pieces being graded (:mod:`nnlego.course.grading.withheld`).
"""

from __future__ import annotations

import builtins
import io
import os
import sys
import traceback

OUTPUT_LIMIT = 200_000


class Capture(io.TextIOBase):
    """What the student's code prints, kept up to :data:`OUTPUT_LIMIT` characters."""

    def __init__(self):
        self.parts, self.size = [], 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        if self.size < OUTPUT_LIMIT:
            self.parts.append(text[:OUTPUT_LIMIT - self.size])
        self.size += len(text)
        return len(text)

    def drain(self) -> str:
        text = "".join(self.parts)
        if self.size > OUTPUT_LIMIT:
            text += f"\n[output beyond {OUTPUT_LIMIT:,} characters dropped]\n"
        self.parts, self.size = [], 0
        return text


def exception_of(type_name: str, message: str) -> BaseException:
    """An exception of the builtin (or NumPy) type named, else a RuntimeError naming it."""
    import numpy as np

    cls = getattr(builtins, type_name, None) or {"LinAlgError": np.linalg.LinAlgError,
                                                 "AxisError": np.exceptions.AxisError}.get(
        type_name)
    if isinstance(cls, type) and issubclass(cls, Exception) and \
            cls not in (SystemExit, KeyboardInterrupt, GeneratorExit, StopIteration):
        try:
            return cls(message)
        except TypeError:
            pass
    return RuntimeError(f"{type_name}: {message}")


def describe(error: BaseException) -> dict:
    """An exception as plain data: its type, message and the student's part of the traceback."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if not frame.filename.endswith(("computer.py", "link.py", "wire.py"))]
    lines = traceback.format_list(frames) + traceback.format_exception_only(type(error), error)
    return {"type": type(error).__name__, "message": str(error)[:2000],
            "traceback": "Traceback (most recent call last):\n" + "".join(lines)[-8000:]}


class Callback:
    """A function of the grader's, called from the student's code: it asks the grader."""

    def __init__(self, server, number, name):
        self._server, self._number, self.__name__ = server, number, name or "callback"

    def __call__(self, *args, **kwargs):
        return self._server.ask_grader(self._number, args, kwargs)

    def __getattr__(self, name):
        """An attribute of the grader's object (a stand-in network's ``predict``, say)."""
        if name.startswith("_"):
            raise AttributeError(name)
        return self._server.ask_grader(self._number, (), {}, attribute=name)

    def __repr__(self):
        return f"<function {self.__name__} (the grader's)>"


class _Shell:
    """``get_ipython()`` for cells converted from IPython syntax: ``%matplotlib`` is honoured
    (the backend is Agg anyway), other magics do nothing."""

    def run_line_magic(self, name, line, *args, **kwargs):
        return None

    def run_cell_magic(self, name, line, cell, *args, **kwargs):
        return None

    def system(self, *args, **kwargs):
        return None

    getoutput = system


def python_source(source: str) -> str:
    """A cell's source as plain Python (IPython's magics and shell lines converted)."""
    if not any(line.lstrip().startswith(("%", "!")) for line in source.split("\n")):
        return source
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


class Server:
    """The child's side: a namespace, a table of the objects it named, the link."""

    def __init__(self, link):
        self.link = link
        self.namespace = {"__name__": "__main__", "__builtins__": builtins,
                          "get_ipython": _Shell}
        self.objects: dict[int, object] = {}
        self.capture = Capture()
        self.calls: list[tuple[list, dict]] = []     # the arguments of the calls running now

    # what this side keeps (functions) and what the grader's refs become
    def keep(self, obj):
        from .wire import Ref

        if not callable(obj):
            return None                 # what is not plain data and not a function: refused
        number = len(self.objects) + 1
        self.objects[number] = obj
        return Ref(number, f"child:{getattr(obj, '__name__', type(obj).__name__)}"[:200])

    def resolve(self, ref):
        if ref.name.startswith("child:"):
            if ref.number not in self.objects:
                raise ValueError(f"no object #{ref.number} here")
            return self.objects[ref.number]
        return Callback(self, ref.number, ref.name.partition(":")[2])

    def send(self, message, value=None, has_value=False):
        message["stdout"] = self.capture.drain()
        self.link.send(message, value, has_value=has_value, keep=self.keep)

    def serve(self, until=()):
        """Answer requests; return the first message whose op is in ``until``."""
        from .link import value_of

        while True:
            message, blobs = self.link.receive()
            op = message.get("op")
            if op in until:
                return message, blobs
            if op == "bye":
                os._exit(0)
            try:
                value = value_of(message, blobs, resolve=self.resolve)
                getattr(self, f"op_{op}")(message, value)
            except Exception as error:       # a request that could not be done: say why
                self.send({"op": "raised", **describe(error)})

    def ask_grader(self, number, args, kwargs, attribute=None):
        from .link import value_of

        # the grader's function may read what the running calls did to their arguments
        self.send({"op": "callback", "n": number, "attribute": attribute},
                  {"args": list(args), "kwargs": kwargs, "calls": self.calls})
        message, blobs = self.serve(until=("return", "raised"))
        if message["op"] == "raised":
            raise exception_of(str(message.get("type")), str(message.get("message")))
        return value_of(message, blobs, resolve=self.resolve)

    # -- the requests ---------------------------------------------------------------------
    def run_cell(self, source: str, name: str) -> dict | None:
        """Execute a cell in the namespace: None, or its error described."""
        import linecache

        try:
            source = python_source(source)
            linecache.cache[name] = (len(source), None, source.splitlines(True), name)
            exec(compile(source, name, "exec"), self.namespace)
        except BaseException as raised:     # noqa: BLE001 (SystemExit too: the cell failed)
            return describe(raised)
        return None

    def op_run(self, message, value):
        error = self.run_cell(message["source"], message.get("name", "<cell>"))
        self.send({"op": "done", "error": error})

    def op_get(self, message, value):
        name = message["name"]
        if name not in self.namespace:
            self.send({"op": "missing"})
            return
        found = self.namespace[name]
        if callable(found) and not isinstance(found, type):
            self.send({"op": "value"}, self.keep(found), has_value=True)
        else:
            self.send({"op": "value"}, found, has_value=True)

    def op_set(self, message, value):
        self.namespace[message["name"]] = value
        self.send({"op": "done", "error": None})

    def op_call(self, message, value):
        import numpy as np

        function = self.objects.get(message.get("n"))
        if function is None:
            raise ValueError("no such function here")
        args, kwargs = list(value["args"]), dict(value["kwargs"])
        times = message.get("times")
        before = _snapshot(args, kwargs)
        self.calls.append((args, kwargs))
        with np.errstate(**message.get("errstate", {})):
            try:
                if times is None:
                    result = function(*args, **kwargs)
                else:
                    result = [function(*args, **kwargs) for _ in range(int(times))]
            except BaseException as raised:     # noqa: BLE001
                self.send({"op": "raised", **describe(raised)})
                return
            finally:
                self.calls.pop()
        self.send({"op": "result"}, {"result": result, **_changed(before, args, kwargs)},
                  has_value=True)


def _snapshot(args, kwargs):
    """Copies of the arguments, to send back only those a call changed."""
    import copy

    try:
        return copy.deepcopy((args, kwargs))
    except Exception:
        return None


def _changed(before, args, kwargs) -> dict:
    """``{"args": {index: value}, "kwargs": {name: value}}`` of the arguments the call
    changed (all of them when they could not be compared)."""
    from .arguments import same

    if before is None:
        return {"args": dict(enumerate(args)), "kwargs": kwargs}
    old_args, old_kwargs = before
    return {"args": {i: a for i, (a, b) in enumerate(zip(args, old_args)) if not same(a, b)},
            "kwargs": {k: v for k, v in kwargs.items() if not same(v, old_kwargs.get(k))}}


def main():
    from .kernel import enter_workdir
    from .link import Link

    read_fd, write_fd = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)                           # fd-level prints of the student: not the link
    enter_workdir()
    import numpy  # noqa: F401  (imported before any cell, like the kernel)

    import nnlego  # noqa: F401

    server = Server(Link(read_fd, write_fd))
    sys.stdout = sys.stderr = server.capture
    server.send({"op": "ready", "pid": os.getpid()})
    server.serve()


if __name__ == "__main__":
    main()
