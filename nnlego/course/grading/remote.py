"""The grader's side of grading v2: the sandboxed child, the student's functions by proxy, and
the namespace the tests run in.

- :class:`Computer` starts :mod:`nnlego.course.grading.computer` in the sandbox and asks it to
  run cells, fetch names, bind names and call functions. Every request has a deadline; a child
  that misses it is killed (:class:`Gone`), one that dies is reported the same way.
- :class:`RemoteFunction` is what a test sees for a student's function: calling it sends the
  arguments as plain data, the child calls the function with NumPy's error handling of the
  grader, and what comes back is plain data. The arguments the grader sent are then updated with
  what the call left in the child's copies (:func:`nnlego.course.grading.wire.sync`), so "the
  input is left untouched" and "the ``rng`` is used as told" are judged here.
- :class:`Scope` is the test cells' global namespace: the setup cell's names are the grader's
  own (real NumPy, real nnlego, which computes the references); a name it lacks is looked up in
  the child; Python's builtins are never taken from the child.
"""

from __future__ import annotations

import builtins
import subprocess
import time

import numpy as np

from . import arguments, sandbox, wire
from . import computer as child_side
from . import link as framing

BUILTIN_NAMES = frozenset(dir(builtins))


class Gone(RuntimeError):
    """The child died or missed a deadline (it has been stopped)."""


class Computer:
    """A sandboxed child that runs one notebook's code for the grader."""

    def __init__(self, start, nnlego_copy=None, timeout: float = 60.0, command=None, *,
                 channel=None):
        """A fresh child in the sandbox, its folder filled from ``start`` and nnlego replaced
        by ``nnlego_copy``; or, with ``channel`` = ``(link, end)``, a child forked by a warm
        zygote (:mod:`nnlego.course.grading.warm`) whose ``end(now)`` stops it."""
        self.timeout = timeout
        self.callbacks: dict[int, object] = {}
        self.calls: list[tuple[list, dict]] = []    # the arguments of the calls running now
        self.dead: str | None = None
        # a test cell's calls share its timeout: the seconds the child may still take
        self.cell_left: float | None = None
        self._deadline, self._depth = None, 0
        self.process, self._stopped = None, False
        if channel is None:
            self.process = sandbox.start(command or sandbox.computer_command(start, nnlego_copy),
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            self.link = framing.Link(self.process.stdout.fileno(), self.process.stdin.fileno())
            self._end = self._end_process
        else:
            self.link, self._end = channel
        self.ready, _ = self._receive(time.monotonic() + max(timeout, 60.0))
        if self.ready.get("op") != "ready":
            self.stop(now=True)
            raise Gone("the sandboxed child did not start")

    # -- the link -------------------------------------------------------------------------
    def keep(self, obj):
        if isinstance(obj, RemoteFunction):
            return wire.Ref(obj.ref.number, obj.ref.name)
        number = len(self.callbacks) + 1
        self.callbacks[number] = obj
        return wire.Ref(number, f"grader:{getattr(obj, '__name__', 'callback')}"[:200])

    def resolve(self, ref):
        if ref.name.startswith("child:"):
            return RemoteFunction(self, ref)
        raise wire.WireError("the child sent a reference to a grader's object it never got")

    def _receive(self, deadline):
        try:
            return self.link.receive(deadline)
        except framing.Timeout:
            self.stop(now=True)
            self.dead = f"it ran longer than {self.timeout:g} s (the per-cell timeout)"
        except framing.LinkError as error:
            self.stop(now=True)
            self.dead = f"the sandboxed process ended ({error}: os._exit, a crash or a limit)"
        raise Gone(self.dead)

    def request(self, message, value=None, has_value=False):
        """Send one request; serve the child's callbacks; the answer ``(message, value,
        stdout)``. The outermost request's deadline holds for the ones nested in it; only the
        time spent waiting for the child counts against a test cell's :attr:`cell_left` (the
        grader's own references do not)."""
        if self.dead is not None:
            raise Gone(self.dead)
        start = time.monotonic()
        if self._depth == 0:
            budget = self.timeout if self.cell_left is None else min(self.timeout,
                                                                     self.cell_left)
            self._deadline = start + budget
        self._depth += 1
        try:
            return self._exchange(message, value, has_value, self._deadline)
        finally:
            self._depth -= 1
            if self._depth == 0 and self.cell_left is not None:
                self.cell_left -= time.monotonic() - start

    def _exchange(self, message, value, has_value, deadline):
        try:
            self.link.send(message, value, has_value=has_value, keep=self.keep)
        except framing.LinkError as error:
            self.stop(now=True)
            self.dead = f"the sandboxed process ended ({error})"
            raise Gone(self.dead) from None
        printed = []
        while True:
            answer, blobs = self._receive(deadline)
            printed.append(str(answer.get("stdout", "")))
            if answer.get("op") != "callback":
                return answer, framing.value_of(answer, blobs, resolve=self.resolve), \
                    "".join(printed)
            self._serve_callback(answer, blobs, deadline)

    def _serve_callback(self, answer, blobs, deadline):
        function = self.callbacks.get(answer.get("n"))
        try:
            value = framing.value_of(answer, blobs, resolve=self.resolve)
            if function is None:
                raise wire.WireError("the child called back a function it was never given")
            for (args, kwargs), (now_args, now_kwargs) in zip(self.calls, value["calls"]):
                _sync_arguments(args, kwargs, now_args, now_kwargs)
            attribute = answer.get("attribute")
            if attribute is None:
                result = function(*value["args"], **value["kwargs"])
            elif type(attribute) is str and not attribute.startswith("_"):
                result = getattr(function, attribute)
            else:
                raise AttributeError(f"{attribute!r} cannot be read from the grader")
        except Exception as error:          # the grader's function failed: the child sees it
            self.link.send({"op": "raised", "type": type(error).__name__,
                            "message": str(error)[:2000]})
            return
        self.link.send({"op": "return"}, result, has_value=True, keep=self.keep)

    # -- the requests ---------------------------------------------------------------------
    def run(self, source: str, name: str):
        """Run a cell: ``(stdout, error)``, error ``None`` or the child's description."""
        answer, _, printed = self.request({"op": "run", "source": source, "name": name})
        return printed, answer.get("error")

    def get(self, name: str):
        answer, value, printed = self.request({"op": "get", "name": name})
        if answer.get("op") == "missing":
            raise KeyError(name)
        _raise_if_raised(answer, name)
        return value

    def set(self, name: str, value):
        answer, _, _ = self.request({"op": "set", "name": name}, value, has_value=True)
        _raise_if_raised(answer, name)

    def call(self, function: RemoteFunction, args, kwargs, times=None):
        message = {"op": "call", "n": function.ref.number, "errstate": np.geterr()}
        if times is not None:
            message["times"] = int(times)
        self.calls.append((args, kwargs))
        try:
            answer, value, printed = self.request(
                message, {"args": list(args), "kwargs": kwargs}, has_value=True)
        finally:
            self.calls.pop()
        if printed:
            print(printed, end="")
        _raise_if_raised(answer, function.name)
        _sync_arguments(args, kwargs, value["args"], value["kwargs"])
        return value["result"]

    def stop(self, now: bool = False):
        """End the child: asked to (``bye``), or at once (``now``: it overran or broke)."""
        if self._stopped:
            return
        self._stopped = True
        if not now:
            try:
                self.link.send({"op": "bye"})
            except framing.LinkError:
                pass
        self._end(now)

    def _end_process(self, now):
        if self.process.poll() is None:
            try:
                self.process.wait(timeout=0 if now else 2)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            stream.close()


def _sync_arguments(args, kwargs, now_args, now_kwargs):
    """The grader's arguments made to hold what the child's copies hold now (``now_args``:
    a list of all, or ``{index: value}`` of those that changed)."""
    if type(now_args) is list:
        now_args = dict(enumerate(now_args))
    if type(now_args) is not dict or type(now_kwargs) is not dict:
        raise wire.WireError("the child sent its arguments back malformed")
    for index, changed in now_args.items():
        if type(index) is int and 0 <= index < len(args):
            arguments.sync(args[index], changed)
    for key, original in kwargs.items():
        if key in now_kwargs:
            arguments.sync(original, now_kwargs[key])


def _raise_if_raised(answer, name):
    if answer.get("op") == "raised":
        error = child_side.exception_of(str(answer.get("type")), str(answer.get("message")))
        error.add_note(f"(raised by {name} in your code:)\n{answer.get('traceback', '')}")
        raise error


class RemoteFunction:
    """A student's function, called in the sandboxed child with plain data."""

    def __init__(self, computer: Computer, ref: wire.Ref):
        self.computer, self.ref = computer, ref
        self.name = self.__name__ = ref.name.partition(":")[2] or "function"

    def __call__(self, *args, **kwargs):
        return self.computer.call(self, args, kwargs)

    def __nnlego_repeat__(self, times, args, kwargs):
        """``times`` calls in one round trip (:func:`nnlego.course.grading.repeat.repeat`)."""
        return self.computer.call(self, args, kwargs, times=times)

    def __repr__(self):
        return f"<your function {self.name}>"


class Scope(dict):
    """The globals of the test cells: the grader's names first, then the child's."""

    def __init__(self, computer: Computer | None = None):
        super().__init__(__name__="__main__", __builtins__=builtins)
        self.computer = computer
        self.from_child: dict[str, object] = {}

    def forget(self):
        """Fetch the child's names afresh (before each test cell)."""
        self.from_child.clear()

    def __missing__(self, name):
        if name in BUILTIN_NAMES or name.startswith("__") or self.computer is None:
            raise KeyError(name)
        if name not in self.from_child:
            self.from_child[name] = self.computer.get(name)
        return self.from_child[name]

    def __setitem__(self, name, value):
        super().__setitem__(name, value)
        before = self.from_child.get(name)
        if isinstance(before, RemoteFunction) and callable(value):
            self.computer.set(name, value)    # a test replaces a student's function
