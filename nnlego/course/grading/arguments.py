"""After a call in the sandboxed child: what it did to its arguments, brought to the grader.

A test hands a student's function arrays, lists, a Generator or a Network, then checks them:
"the input is left untouched", "the ``rng`` is used as told", "the weights were updated in
place". In grading v2 the function works on the child's copies, so the child sends back the
arguments a call changed (:func:`same` compares them with copies taken before the call) and
:func:`sync` writes them into the grader's originals.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from .wire import _is_network


def sync(original, changed):
    """Make ``original`` (an argument the grader sent) hold what the callee left in its copy
    (``changed``, decoded): arrays written in place, lists and dicts refilled, a Generator's
    state advanced, a Network's weights updated. Immutable values are left as they are."""
    if isinstance(original, np.ndarray) and isinstance(changed, np.ndarray):
        if original.shape == changed.shape and not np.array_equal(original, changed,
                                                                  equal_nan=_nan_ok(original)):
            if original.flags.writeable:
                original[...] = changed
    elif type(original) is list and type(changed) is list:
        if len(original) == len(changed):
            for index, (a, b) in enumerate(zip(original, changed)):
                if _mutable(a) and type(a) is type(b):
                    sync(a, b)
                elif not _same(a, b):
                    original[index] = b
        else:
            original[:] = changed
    elif type(original) is tuple and type(changed) is tuple:
        for a, b in zip(original, changed):
            sync(a, b)
    elif type(original) in (dict, Counter) and type(changed) is type(original):
        for key in list(original):
            if key not in changed:
                del original[key]
        for key, value in changed.items():
            if key in original and _mutable(original[key]) and \
                    type(original[key]) is type(value):
                sync(original[key], value)
            elif key not in original or not _same(original[key], value):
                original[key] = value
    elif type(original) is np.random.Generator and type(changed) is np.random.Generator:
        original.bit_generator.state = changed.bit_generator.state
    elif _is_network(original) and _is_network(changed):
        sync(original.weights, changed.weights)
        sync(original.biases, changed.biases)


def same(a, b) -> bool:
    """Whether two plain values hold the same data (arrays bit for bit, containers deeply)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(
            a, b, equal_nan=_nan_ok(a))
    if type(a) in (list, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if type(a) in (dict, Counter):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if type(a) is np.random.Generator:
        return a.bit_generator.state == b.bit_generator.state
    if _is_network(a):
        return same(a.weights, b.weights) and same(a.biases, b.biases)
    return _same(a, b) or a is b


def _nan_ok(array) -> bool:
    return array.dtype.kind in "fc"


def _mutable(value) -> bool:
    return isinstance(value, (np.ndarray, list, dict, np.random.Generator)) or _is_network(value)


def _same(a, b) -> bool:
    try:
        return type(a) is type(b) and bool(a == b)
    except (ValueError, TypeError):
        return False
