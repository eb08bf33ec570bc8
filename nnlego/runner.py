"""Many training runs at once: cached ones load, the rest train in a pool of worker processes.

A *run* is a pair ``(settings, seed)``. :func:`run_all` trains each missing run with
:func:`nnlego.experiments.run` (one BLAS thread each, so the numbers do not depend on
``workers``) and reports to an optional ``progress`` object with three methods:

- ``planned(n_runs)``: how many runs will train;
- ``epoch(run, epoch, history)``: after every epoch of every run (``train()``'s callback, with
  the run it belongs to; from a worker the history travels through a queue);
- ``done(run, result)``: a run finished.

The pool is the standard library's (``ProcessPoolExecutor``, forked workers); its workers end
when their parent dies (:mod:`nnlego.processes`: SIGTERM from the kernel on Linux, and a watchdog
thread everywhere), and two processes that train the same entry of one results cache train it
once (the cache's per-entry lock, see :meth:`nnlego.results_cache.ResultsCache.lock`).
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import signal

from . import experiments as ex
from . import processes

_EVENTS = None                              # a worker process's queue back to the parent


def label(run) -> str:
    """``wth_network 30 hidden, seed 0`` (with the grid for a shuffled run at another grid)."""
    settings, seed = run
    extra = f" grid {settings.grid}" if settings.grid != 4 and settings.derange != "none" else ""
    return f"{settings.name} {settings.n_hidden} hidden{extra}, seed {seed}"


def run_all(runs, *, workers=2, cache=None, progress=None) -> dict:
    """``{(settings, seed): Result}`` for every run in ``runs`` (see the module docstring)."""
    results, missing = {}, []
    for run in dict.fromkeys(runs):
        result = ex.cached_result(*run, cache)
        if result is None:
            missing.append(run)
        else:
            results[run] = result
    if progress:
        progress.planned(len(missing))
    if workers == 1 or len(missing) <= 1:
        for run in missing:
            results[run] = _train(run, cache, progress)
            if progress:
                progress.done(run, results[run])
        return results
    context = multiprocessing.get_context("fork")
    events = context.SimpleQueue()          # (run, epoch, history) from the workers
    with concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=context, initializer=_init_worker,
            initargs=(events, os.getpid())) as pool:
        futures = {pool.submit(_train_in_worker, run, cache): run for run in missing}
        pending = set(futures)
        while pending:
            done, pending = concurrent.futures.wait(
                pending, timeout=0.2, return_when=concurrent.futures.FIRST_COMPLETED)
            while not events.empty():
                event = events.get()
                if progress:
                    progress.epoch(*event)
            for future in done:
                run = futures[future]
                results[run] = future.result()
                if progress:
                    progress.done(run, results[run])
    return results


def _train(run, cache, progress):
    """``experiments.run`` with ``progress.epoch(run, epoch, history)`` as train()'s callback."""
    callback = None
    if progress:
        def callback(epoch, history):
            progress.epoch(run, epoch, history)
    settings, seed = run
    return ex.run(settings, seed=seed, cache=cache, progress=callback)


class _QueueProgress:
    def epoch(self, run, epoch, history):
        _EVENTS.put((run, epoch, history))


def _train_in_worker(run, cache):
    return _train(run, cache, _QueueProgress())


def _init_worker(queue, parent_pid):
    global _EVENTS
    _EVENTS = queue
    processes.die_with_parent(signal.SIGTERM, parent=parent_pid)
    processes.watch_parent(parent_pid)
