"""``repeat``: many calls of one function in one step, for the tests that need many draws.

The notebooks' sampler tests call a student's function thousands of times (45,000 derangements
of 4 items, to see a bias of 1%). Grading v2 runs a student's functions in a
sandboxed child, each call a round trip (grading v2, :mod:`nnlego.course.grading.remote`); a
test that asks through ``repeat`` has the child run the whole loop next to the student's code and
bring the list back in one round trip (a function with ``__nnlego_repeat__``, the proxy of a
student's function). Elsewhere, in one process, it is the plain loop.
"""

from __future__ import annotations

import operator


def repeat(function, times, /, *args, **kwargs) -> list:
    """The results of ``times`` calls ``function(*args, **kwargs)``, in the order of the calls.

    The same ``args`` and ``kwargs`` go to every call, so a ``rng`` among them is drawn from
    again and again (a new derangement each time). Example::

        perms = repeat(random_derangement, 45_000, 4, rng=np.random.default_rng(0))

    The grading engine may run this loop next to the student's code, in one round trip.
    """
    if not callable(function):
        raise TypeError(f"repeat's function must be callable, got {type(function).__name__}: "
                        "pass the function itself, not its result (repeat(f, 10), not "
                        "repeat(f(), 10))")
    try:
        count = operator.index(times)
    except TypeError:
        raise TypeError(f"repeat's times must be an int, got {times!r} "
                        f"({type(times).__name__}): e.g. repeat(f, 1000, ...)") from None
    if count < 0:
        raise ValueError(f"repeat's times must be >= 0, got {count}: the number of calls")
    batched = getattr(type(function), "__nnlego_repeat__", None)
    if batched is not None:             # a student's function in grading v2's child
        return list(batched(function, count, args, kwargs))
    return [function(*args, **kwargs) for _ in range(count)]


__all__ = ["repeat"]
