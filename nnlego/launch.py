"""A chapter run as a notebook (Colab, Binder, Jupyter): get what it needs, show what takes time.

A chapter's setup cell makes one call, :func:`setup`, after the lines that install nnlego where
it is missing. It runs :func:`prepare`, which fetches and verifies the data sets the chapter
reads when they are missing, and (``results=True``) imports the release's results pack
(:mod:`nnlego.results_pack`) so the chapter loads its trained networks instead of training them;
then it pins BLAS to one thread, sets the figures up and returns ``glue``.
When the book is built both are already there: nothing is downloaded and nothing is printed
but one line per item.

:func:`load_runs`, :func:`load_snapshots` and :func:`epoch_bar` are the library's own calls with
a progress bar (``tqdm.auto``: a widget in a notebook, text in a terminal) over whatever must
train because the cache lacks it; from the cache they show no bar. :func:`where` names the
place the code runs, and :func:`data_help` the way to get the data that works there.
"""

from __future__ import annotations

from . import experiments, results_pack, snapshots
from .data_sources import FetchError, fetch
from .datasets import cache_status, where
from .results_cache import ResultsCache


def data_help(name: str, place: str | None = None) -> str:
    """The ways to get data set ``name`` that work at ``place`` (default: :func:`where`)."""
    place = place or where()
    if place == "colab":
        return (f"in Colab: run `!nnlego data fetch {name}` in a cell (the runtime needs "
                "internet, on by default), or upload the files and run "
                "`!nnlego data import /content/FOLDER`")
    if place == "binder":
        return (f"on Binder: run `!nnlego data fetch {name}` in a cell, or upload the files "
                "(JupyterLab's upload button) and run `!nnlego data import FOLDER`")
    return (f"run `nnlego data fetch {name}`; offline, `nnlego data import PATH` with files you "
            "have, or, in a clone of nnlego, `bash scripts/get_offline_data.sh`")


FIGURE_STYLE = {"figure.dpi": 100, "font.size": 11, "axes.titlesize": 12}


def setup(datasets=("mnist",), *, results: bool = False, progress: bool = True):
    """A chapter's setup, in one call; returns ``glue``.

    :func:`prepare` (the chapter's data sets and, with ``results``, the release's results
    pack); one BLAS thread for the rest of the run (:func:`nnlego.runtime.pin_one_thread`: the
    same seed gives the same bits); in IPython, figures inline as retina PNGs that carry their
    alt text (:func:`nnlego.plots.display.describe_inline_figures`); the book's figure style
    (:data:`FIGURE_STYLE`). ``glue`` is myst-nb's (a computed number into the book's prose)
    where the book is built, else one that prints ``name = value``.
    """
    import matplotlib.pyplot as plt

    from .plots.display import describe_inline_figures
    from .runtime import pin_one_thread

    prepare(datasets, results=results, progress=progress)
    pin_one_thread()
    shell = _ipython()
    if shell is not None:
        shell.run_line_magic("matplotlib", "inline")
        shell.run_line_magic("config", 'InlineBackend.figure_format = "retina"')
        describe_inline_figures(shell)
    plt.rcParams.update(FIGURE_STYLE)
    return _glue()


def _ipython():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _glue():
    try:
        from myst_nb import glue
    except ImportError:
        def glue(name, value, display=True):
            if display:
                print(f"{name} = {value}")
    return glue


def prepare(datasets=("mnist",), *, results: bool = False, progress: bool = True) -> list:
    """Make sure the chapter's ``datasets`` are there (fetched and verified when missing) and,
    with ``results``, that the release's results pack is imported. Prints and returns one line
    per item; never raises for a failed download (the chapter then says what is missing)."""
    lines = [_prepare_data(name, progress) for name in datasets]
    if results:
        lines.append(_prepare_results(progress))
    for line in lines:
        print(line)
    return lines


def _prepare_data(name: str, progress: bool) -> str:
    if cache_status(name).state == "verified":
        return f"{name}: verified"
    try:
        return f"{name}: {fetch(name, progressbar=progress)}, verified"
    except FetchError as error:
        return f"{name}: not downloaded ({error}); {data_help(name)}"


def _prepare_results(progress: bool) -> str:
    cache = ResultsCache()
    if results_pack.pinned_sha256() is None:
        return (f"results pack: none for nnlego {results_pack.__version__} (not a release); "
                f"networks missing from the results cache {cache.root} train here")
    if _holds_the_book(cache):
        return (f"results pack: not needed (the results cache {cache.root} holds the book's "
                "networks)")
    if not results_pack.holds(cache, results_pack.pinned_sha256()):
        print(f"results pack: fetching {results_pack.source_of()}", flush=True)
    try:
        done = results_pack.fetch(cache=cache, progressbar=progress, timeout=20.0)
    except (FetchError, results_pack.PackError) as error:
        return (f"results pack: not imported ({error}); the networks this chapter needs train "
                "here instead, each with a progress bar (the chapter's comments say how long)")
    if done.get("already imported"):
        return "results pack: imported"
    return f"results pack: {done['imported']} trained networks imported into {cache.root}"


def _holds_the_book(cache: ResultsCache) -> bool:
    """Does the cache hold every network of the book already, each entry intact and current (a
    clone after `make results`, the book's build)? Then no pack is downloaded. False when a data
    set is missing here, or an entry is stale (written before digests) or damaged: the pack then
    puts them right instead of the chapter retraining them."""
    from .reproduce import book_entries

    try:
        keys = book_entries(3, cache)
    except (OSError, ValueError):   # DataNotFoundError, a damaged data cache: fetch the pack
        return False
    return all(cache.load(key) is not None for key in keys)


def epoch_bar(n_epochs: int, desc: str):
    """``train``'s ``callback``: a bar over ``n_epochs`` with the last test accuracy."""
    from tqdm.auto import tqdm

    bar = tqdm(total=n_epochs, desc=desc, unit="epoch")

    def progress(epoch, history):
        bar.update(epoch - bar.n)
        accuracy = history.last_eval_accuracy()
        if accuracy:
            bar.set_postfix_str(", ".join(f"{k} {v:.1%}" for k, v in accuracy.items()))
        if epoch >= n_epochs:
            bar.close()
    return progress


def missing_runs(plan: dict, seeds=3, cache=None) -> list:
    """``[(key, settings, seed)]`` of the runs of ``plan`` the results cache lacks."""
    seed_list = range(seeds) if isinstance(seeds, int) else seeds
    return [(key, settings, seed) for key, settings in plan.items() for seed in seed_list
            if experiments.cached_result(settings, seed, cache) is None]


def load_runs(plan: dict, seeds=3, *, cache=None) -> dict:
    """:func:`nnlego.articles.load_runs` with a bar per run that must train (none if cached)."""
    from .articles import load_runs as load

    missing = {(key, seed) for key, _, seed in missing_runs(plan, seeds, cache)}
    seed_list = list(range(seeds) if isinstance(seeds, int) else seeds)
    runs = {}
    for key, settings in plan.items():
        runs[key] = []
        for seed in seed_list:
            progress = None
            if (key, seed) in missing:
                progress = epoch_bar(experiments.get_settings(settings).n_epochs,
                                     f"training {key!r} seed {seed} ({len(missing)} runs "
                                     "not in the cache)")
            runs[key] += load({key: settings}, [seed], cache=cache, progress=progress)[key]
    return runs


def load_snapshots(settings, seed: int = 0, cache=None):
    """:func:`nnlego.snapshots.load_snapshots` with a bar when they must be recorded."""
    path = snapshots.snapshot_path(settings, seed, cache)
    progress = None
    if path is None or not (path.is_file() and snapshots.seal_path(path).is_file()):
        n_epochs = experiments.get_settings(settings).n_epochs
        progress = epoch_bar(n_epochs, "recording the weight snapshots (not in the cache)")
    return snapshots.load_snapshots(settings, seed, cache=cache, progress=progress)


def run(settings, *, seed: int, cache=None):
    """:func:`nnlego.experiments.run` with a progress bar when it must train (not cached)."""
    progress = None
    if experiments.cached_result(settings, seed, cache) is None:
        settings = experiments.get_settings(settings)
        progress = epoch_bar(settings.n_epochs, f"training {settings.name} seed {seed} "
                             "(not in the results cache)")
    return experiments.run(settings, seed=seed, cache=cache, progress=progress)
