"""``nnlego reproduce [wth|savant|all]``: regenerate every result of both articles.

Trains what the results cache lacks (a progress bar per training run, with its epochs and its
accuracy on every test set: original and, for Fashion-MNIST, tile-shuffled; and one bar over the
runs), then writes figures, ``results.json`` and ``results.md`` into ``--out``.
"""

from __future__ import annotations

import sys

from tqdm import tqdm

from nnlego.commands import positive_int

from ..runner import label


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "reproduce", help="reproduce both articles' results (figures, results.json, results.md)",
        description="Train (or load from the results cache) every network of both articles, "
        "compare with the articles' numbers and write the report.")
    parser.add_argument("experiment", nargs="?", default="all",
                        help="wth (first article), savant (second) or all (default)")
    parser.add_argument("--out", default="results", help="output folder (default: results)")
    parser.add_argument("--seeds", type=positive_int, default=3,
                        help="seeds per setting (default: 3)")
    parser.add_argument("--quick", action="store_true",
                        help="a small version (about a minute): checks the pipeline, not the "
                        "numbers")
    parser.add_argument("--workers", type=positive_int, default=2,
                        help="training runs at once, each on one BLAS thread (default: 2)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    parser.set_defaults(func=run)
    return parser


class BarProgress:
    """tqdm on stderr: a bar per training run (its epochs and test accuracy), a bar over the
    runs, and a line per finished run. The ``progress`` of :func:`nnlego.runner.run_all`."""

    def __init__(self):
        self.bars, self.runs = {}, None

    def planned(self, n_runs):
        if n_runs > 1:
            self.runs = tqdm(total=n_runs, desc="runs", unit="run", file=sys.stderr)

    def epoch(self, run, epoch, history):
        if run not in self.bars:
            self.bars[run] = tqdm(total=run[0].n_epochs, desc=label(run), unit="epoch",
                                  file=sys.stderr, leave=False)
        bar = self.bars[run]
        bar.update(epoch - bar.n)
        bar.set_postfix_str(accuracy_text(history.last_eval_accuracy()))

    def done(self, run, result):
        if run in self.bars:
            self.bars.pop(run).close()
        if self.runs is not None:
            self.runs.update(1)
        tqdm.write(f"{label(run)}: {accuracy_text(result.metrics)} "
                   f"({result.metrics['seconds']:.1f} s)", file=sys.stderr)

    def close(self):
        for bar in self.bars.values():
            bar.close()
        if self.runs is not None:
            self.runs.close()


# How a run's test sets read in its progress line: a savant's number is on shuffled images.
TEST_SET_NAMES = {"test": "test", "test_shuffled": "shuffled test",
                  "test_fixed": "fixed-shuffle test"}


def accuracy_text(accuracies):
    """``test 87.30%, shuffled test 12.08%`` from ``{"test": 0.873, "test_shuffled": ...}``
    (other keys, like ``seconds``, are left out)."""
    return ", ".join(f"{shown} {100 * accuracies[name]:.2f}%"
                     for name, shown in TEST_SET_NAMES.items() if name in accuracies)


def run(args):
    from .. import reproduce

    progress = None
    if not args.no_progress:
        progress = BarProgress()
    try:
        record = reproduce.reproduce(args.experiment, out=args.out, seeds=args.seeds,
                                     quick=args.quick, workers=args.workers, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    timing = record["timing"]
    print(reproduce.results_markdown(record))
    print(f"wrote {args.out}/results.md, {args.out}/results.json and "
          f"{len(record['figures'])} figures; {timing['trained_runs']} runs trained, "
          f"{timing['cached_runs']} from the cache, {timing['wall_seconds_total']} s")
    return 0
