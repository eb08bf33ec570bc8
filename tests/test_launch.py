"""A chapter run as a notebook (nnlego.launch): the setup cell fetches what is missing, says
what it did and never stops the chapter for a failed download; hints fit where the code runs."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pytest
from support.packs import filled_cache, pin, serving

from nnlego import launch, results_pack, results_pins
from nnlego.datasets import DataNotFoundError, cache_status, load_mnist, where
from nnlego.results_cache import ResultsCache


@pytest.fixture
def place(monkeypatch):
    """Set where the code runs: place("colab" | "binder" | "local")."""
    for name in ("COLAB_RELEASE_TAG", "BINDER_SERVICE_HOST", "BINDER_REQUEST"):
        monkeypatch.delenv(name, raising=False)

    def set_place(name):
        variable = {"colab": "COLAB_RELEASE_TAG", "binder": "BINDER_SERVICE_HOST"}.get(name)
        if variable:
            monkeypatch.setenv(variable, "1")
        assert where() == name
    return set_place


@pytest.mark.parametrize("name", ["colab", "binder", "local"])
def test_the_missing_data_hint_names_what_works_there(place, name, tmp_path, monkeypatch):
    """On Colab or Binder no clone's script is offered; in a clone it is."""
    place(name)
    monkeypatch.setenv("NNLEGO_DATA", str(tmp_path / "empty"))
    with pytest.raises(DataNotFoundError) as info:
        load_mnist()
    message = str(info.value)
    assert "nnlego data fetch mnist" in message
    assert ("get_offline_data.sh" in message) == (name == "local")
    assert (name.capitalize() in message) == (name != "local")
    assert ("Colab" in launch.data_help("mnist")) == (name == "colab")


def test_prepare_without_a_pack_says_what_will_train(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NNLEGO_RESULTS", str(tmp_path / "cache"))
    monkeypatch.delenv(results_pack.SHA_ENV, raising=False)
    monkeypatch.setattr(results_pins, "PINS", {})
    assert launch.prepare([], results=True) == [
        f"results pack: none for nnlego {results_pack.__version__} (not a release); networks "
        f"missing from the results cache {tmp_path / 'cache'} train here"]
    assert "results pack: none" in capsys.readouterr().out


def test_prepare_imports_the_pinned_pack_once(tmp_path, monkeypatch, capsys):
    """It says where it fetches from, then what it imported; the next chapter fetches nothing."""
    full, keys = filled_cache(tmp_path / "full")
    made = results_pack.build(tmp_path / "release", keys, cache=full)
    monkeypatch.setenv("NNLEGO_RESULTS", str(tmp_path / "fresh"))
    monkeypatch.setenv(results_pack.URL_ENV, str(tmp_path / "release"))
    pin(monkeypatch, made.sha256)
    assert launch.prepare([], results=True) == [
        f"results pack: 3 trained networks imported into {tmp_path / 'fresh'}"]
    assert f"results pack: fetching {tmp_path / 'release'}" in capsys.readouterr().out
    assert launch.prepare([], results=True) == ["results pack: imported"]
    assert "fetching" not in capsys.readouterr().out
    assert ResultsCache(tmp_path / "fresh").load(keys[0]) is not None


def test_a_failed_download_does_not_stop_the_chapter(tmp_path, monkeypatch):
    monkeypatch.setenv("NNLEGO_RESULTS", str(tmp_path / "fresh"))
    monkeypatch.setenv(results_pack.URL_ENV, "http://127.0.0.1:9/")
    monkeypatch.setenv(results_pack.SHA_ENV, "3" * 64)
    [line] = launch.prepare([], results=True)
    assert line.startswith("results pack: not imported (cannot download") and "train here" in line


def real_data(*names):
    for name in names:
        if cache_status(name).state != "verified":
            pytest.skip(f"no verified {name} in the data home: `nnlego data fetch {name}`")


@pytest.mark.data
def test_offline_a_chapter_says_so_then_trains_with_a_bar(tmp_path, monkeypatch, capsys):
    """The pinned pack is not there (404): one clear line, then what the chapter runs trains
    with a progress bar."""
    real_data("mnist", "fashion-mnist")
    from nnlego import experiments
    from nnlego.articles import wth

    monkeypatch.setenv("NNLEGO_RESULTS", str(tmp_path / "fresh"))
    with serving(tmp_path / "no release") as url:
        monkeypatch.setenv(results_pack.URL_ENV, url)
        [line] = launch.prepare([], results=True, progress=False)
    assert line.startswith("results pack: not imported (cannot download") and "404" in line
    assert "train here instead, each with a progress bar" in line
    capsys.readouterr()
    result = launch.run(experiments.quick(wth.NETWORK), seed=0)
    bar = capsys.readouterr().err
    assert not result.cached and "not in the results cache" in bar and "2/2" in bar


@pytest.mark.data
def test_a_cache_holding_the_book_downloads_nothing(tmp_path, monkeypatch):
    """A clone after `make results` (and the book's build) never reaches for the network."""
    real_data("mnist", "fashion-mnist")
    from nnlego.reproduce import book_entries

    cache = ResultsCache(tmp_path / "full")
    tiny, (key0,) = filled_cache(tmp_path / "tiny", n=1)
    for key in book_entries(3, cache):           # a tiny network under each of the book's keys
        cache.save(key, *tiny.load(key0))
    monkeypatch.setenv("NNLEGO_RESULTS", str(cache.root))
    monkeypatch.setenv(results_pack.URL_ENV, "http://127.0.0.1:9/")   # would fail if tried
    [line] = launch.prepare([], results=True)
    assert line.startswith("results pack: not needed (the results cache")


@pytest.mark.parametrize("spoil", ["stale", "damaged"])
def test_a_cache_with_stale_or_damaged_entries_of_the_book_fetches_the_pack(tmp_path, monkeypatch,
                                                                           spoil):
    """Entries written before digests (or edited since) would be retrained in the chapter:
    the pack is fetched instead (here: from a server that is not there, so it says so)."""
    real_data("mnist", "fashion-mnist")
    from nnlego.reproduce import book_entries

    cache = ResultsCache(tmp_path / "full")
    tiny, (key0,) = filled_cache(tmp_path / "tiny", n=1)
    keys = book_entries(3, cache)
    for key in keys:
        cache.save(key, *tiny.load(key0))
    meta = cache.root / f"{next(iter(keys))}.json"
    record = json.loads(meta.read_text())
    if spoil == "stale":
        record.pop("digest")
    else:
        record["metrics"] = {"test": 0.99}
    meta.write_text(json.dumps(record))
    monkeypatch.setenv("NNLEGO_RESULTS", str(cache.root))
    monkeypatch.setenv(results_pack.URL_ENV, "http://127.0.0.1:9/")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)    # the damaged entry's one warning
        [line] = launch.prepare([], results=True)
    assert not line.startswith("results pack: not needed"), line


def test_the_epoch_bar_follows_train(capsys):
    """train()'s callback: one update per epoch, closed after the last."""
    from nnlego.training import History

    progress = launch.epoch_bar(3, "training")
    history = History()
    for epoch in (1, 2, 3):
        progress(epoch, history)
    assert "3/3" in capsys.readouterr().err


def first_code_cell(path):
    text = path.read_text(encoding="utf-8")
    return text.split("```{code-cell}", 1)[1].split("\n```", 1)[0]


def test_every_chapter_sets_up_in_one_call():
    """One setup call after the install lines; no context manager entered and left open, no
    copy of what setup does."""
    chapters = sorted((Path(__file__).resolve().parents[1] / "book").glob("[0-9][0-9]_*.md"))
    assert len(chapters) >= 12
    for chapter in chapters:
        cell = first_code_cell(chapter)
        assert cell.count("setup(") == 1 and "from nnlego.launch import setup" in cell, chapter
        for copied in ("__enter__", "prepare(", "single_thread", "rcParams", "%config",
                       "myst_nb"):
            assert copied not in cell, f"{chapter.name}'s setup cell still has {copied!r}"


def test_setup_pins_one_thread_styles_the_figures_and_returns_glue():
    """In a fresh interpreter (the pin lasts for the process): BLAS on one thread, the book's
    figure style, and a glue that prints where no book is built."""
    import subprocess
    import sys
    code = ("import threadpoolctl, matplotlib\n"
            "from nnlego.launch import FIGURE_STYLE, setup\n"
            "glue = setup([], progress=False)\n"
            "blas = [i['num_threads'] for i in threadpoolctl.threadpool_info()"
            " if i['user_api'] == 'blas']\n"
            "print('BLAS', blas)\n"
            "print('STYLE', all(matplotlib.rcParams[k] == v for k, v in FIGURE_STYLE.items()))\n"
            "print('GLUE', callable(glue))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "OPENBLAS_NUM_THREADS": "2"})
    assert done.returncode == 0, done.stderr
    assert "BLAS [1]" in done.stdout and "STYLE True" in done.stdout and "GLUE True" in done.stdout


def test_snapshots_without_their_seal_are_recorded_with_a_bar(tiny_data_sets, tmp_path, capsys):
    """Snapshots written before seals are stale: recorded again, and the chapter shows it."""
    from nnlego import experiments, snapshots
    from nnlego.articles import wth

    cache, settings = ResultsCache(tmp_path / "cache"), experiments.quick(wth.NETWORK)
    launch.load_snapshots(settings, 0, cache)
    assert "recording the weight snapshots" in capsys.readouterr().err
    launch.load_snapshots(settings, 0, cache)
    assert "recording" not in capsys.readouterr().err
    snapshots.seal_path(snapshots.snapshot_path(settings, 0, cache)).unlink()
    launch.load_snapshots(settings, 0, cache)
    assert "recording the weight snapshots" in capsys.readouterr().err
