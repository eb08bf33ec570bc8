"""Save and load: identical predictions, no pickle, clear errors, atomic writes."""

import numpy as np
import pytest

from nnlego import Network, load_network, save_network


def test_round_trip_gives_identical_predictions(tmp_path):
    """Every setting and parameter survives, bit for bit."""
    rng = np.random.default_rng(0)
    net = Network([6, 5, 3], ["relu", "softmax"], "categorical_cross_entropy", "he_normal",
                  rng=rng)
    path = save_network(net, tmp_path / "net")
    assert path.name == "net.npz"
    loaded = load_network(path)
    X = rng.standard_normal((9, 6))
    np.testing.assert_array_equal(loaded.forward(X), net.forward(X))
    assert (loaded.sizes, loaded.activations, loaded.cost, loaded.init) == \
        (net.sizes, net.activations, net.cost, net.init)
    with np.load(path, allow_pickle=False) as data:      # loads without pickle
        assert data["activations"].dtype.kind == "U"


def test_missing_and_foreign_files_are_refused(tmp_path):
    """A missing path and an npz that is not a network say so."""
    with pytest.raises(FileNotFoundError, match="no saved network"):
        load_network(tmp_path / "nope.npz")
    np.savez(tmp_path / "other.npz", x=np.zeros(3))
    with pytest.raises(ValueError, match="not a saved nnlego network"):
        load_network(tmp_path / "other.npz")


def test_a_failed_save_leaves_the_old_file_intact(tmp_path, monkeypatch):
    """The file is written to a temporary name, then renamed."""
    rng = np.random.default_rng(0)
    net = Network([3, 2], rng=rng)
    path = save_network(net, tmp_path / "net.npz")
    good = path.read_bytes()

    def broken_savez(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        save_network(Network([3, 2], rng=rng), path)
    assert path.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]
