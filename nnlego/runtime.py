"""Run-time settings that make results repeat: the BLAS thread count.

The same seed gives the same bits only at the same BLAS thread count: a matrix product split over
two threads adds its terms in another order than one thread does. Entry points that promise
repeatable numbers (``nnlego reproduce``, the benchmarks) run inside :func:`single_thread`; a
chapter of the book pins one thread for its whole run (:func:`pin_one_thread`, called by its
setup). For nnlego's small matrices one thread is also the fastest.
"""

from __future__ import annotations

from contextlib import contextmanager

from threadpoolctl import threadpool_limits


@contextmanager
def single_thread():
    """Limit BLAS (OpenBLAS / MKL) to one thread inside the ``with`` block."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def pin_one_thread() -> None:
    """Limit BLAS to one thread for the rest of the process (a chapter, a script): what
    :func:`single_thread` does for a ``with`` block, with nothing left to close."""
    threadpool_limits(limits=1, user_api="blas")
