"""Save and load: identical predictions, no pickle, clear errors, atomic writes."""

import re

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


def _saved(tmp_path, **arrays_to_change):
    """A saved 784-30-10 network's file, rewritten with some arrays changed (None: removed)."""
    net = Network([784, 30, 10], rng=np.random.default_rng(0))
    path = save_network(net, tmp_path / "net.npz")
    with np.load(path) as data:
        arrays = {name: data[name] for name in data.files}
    for name, value in arrays_to_change.items():
        if value is None:
            del arrays[name]
        else:
            arrays[name] = value
    np.savez(path, **arrays)
    return path


def _with_nan(tmp_path):
    W = np.random.default_rng(1).standard_normal((30, 10)).astype(np.float32)
    W[3, 4] = np.nan
    return _saved(tmp_path, W1=W)


TAMPERED = {
    "a bias of another network": (lambda tmp: _saved(tmp, b0=np.zeros(16, np.float32)),
                                  r"b0 has shape \(16,\), expected \(30,\)"),
    "a weight matrix of another shape": (lambda tmp: _saved(tmp, W1=np.zeros((30, 9))),
                                         r"W1 has shape \(30, 9\), expected \(30, 10\)"),
    "a missing array": (lambda tmp: _saved(tmp, b1=None), "lacks the parameter array b1"),
    "missing settings": (lambda tmp: _saved(tmp, cost=None), r"lacks the settings \['cost'\]"),
    "NaN weights": (_with_nan, "W1 holds 1 non-finite value"),
    "inf weights": (lambda tmp: _saved(tmp, b0=np.full(30, np.inf, np.float32)),
                    "b0 holds 30 non-finite values"),
    "float16 weights": (lambda tmp: _saved(tmp, W1=np.zeros((30, 10), np.float16)),
                        "W1 has dtype float16"),
    "an unknown cost": (lambda tmp: _saved(tmp, cost=np.array("mse")), "unknown cost 'mse'"),
    "a cost undefined on the output": (
        lambda tmp: _saved(tmp, activations=np.array(["relu", "relu"]),
                           cost=np.array("cross_entropy")), "undefined on the output"),
    "sizes as floats": (lambda tmp: _saved(tmp, sizes=np.array([784.0, 30, 10])),
                        "sizes must be"),
    "an emptied file": (lambda tmp: _write(tmp, b""), "it is empty"),
    "a text file": (lambda tmp: _write(tmp, b"784-30-10 sigmoid\n"), "not a zip header"),
    "a .npy file": (lambda tmp: _npy(tmp, np.zeros(3)), "not a zip header"),
    "a pickled .npy": (lambda tmp: _npy(tmp, np.array([{"evil": 1}], dtype=object)),
                       "not a zip header"),
    "a truncated file": (lambda tmp: _write(tmp, _saved(tmp).read_bytes()[:-500]), "damaged"),
    "half a file": (lambda tmp: _write(tmp, _saved(tmp).read_bytes()[:20_000]), "damaged"),
}


def _write(tmp_path, data):
    path = tmp_path / "bad.npz"
    path.write_bytes(data)
    return path


def _npy(tmp_path, array):
    path = tmp_path / "bad.npz"
    with open(path, "wb") as f:
        np.save(f, array, allow_pickle=True)
    return path


@pytest.mark.parametrize("kind", sorted(TAMPERED))
def test_a_damaged_foreign_or_tampered_file_is_one_value_error_naming_path_and_fault(tmp_path,
                                                                                     kind):
    """Never a raw zipfile/EOF/KeyError, never advice to unpickle; the right array is named."""
    make, fault = TAMPERED[kind]
    path = make(tmp_path)
    with pytest.raises(ValueError) as caught:
        load_network(path)
    message = str(caught.value)
    assert str(path) in message
    assert re.search(fault, message), message
    assert "pickle" not in message.lower()


def test_every_flipped_byte_is_refused_or_harmless(tmp_path):
    """Flip every third byte of a saved file (one at a time; all of them: 6 s): a ValueError, or
    (a byte no reader uses, such as a zip timestamp) the very same network; never another
    exception, never a different network."""
    net = Network([5, 4, 3], rng=np.random.default_rng(0))
    bad = save_network(net, tmp_path / "net.npz")
    good = bad.read_bytes()
    outcomes = {"refused": 0, "same": 0}
    with open(bad, "r+b", buffering=0) as f:      # flip in place: a new file per flip is slow
        for i in range(0, len(good), 3):
            f.seek(i)
            f.write(bytes([good[i] ^ 0x55]))
            try:
                loaded = load_network(bad)
            except ValueError:
                outcomes["refused"] += 1
                continue
            finally:
                f.seek(i)
                f.write(good[i:i + 1])
        assert (loaded.sizes, loaded.activations, loaded.cost, loaded.init) == \
            (net.sizes, net.activations, net.cost, net.init), i
        assert all(np.array_equal(p, q) for p, q in zip(loaded.parameters, net.parameters)), i
        outcomes["same"] += 1
    assert outcomes["refused"] > len(good) / 6, outcomes     # the checks do catch most flips


def test_paths_and_networks_of_the_wrong_type_are_type_errors(tmp_path):
    with pytest.raises(TypeError, match="path must be a file path"):
        load_network(None)
    with pytest.raises(TypeError, match="net must be an nnlego Network"):
        save_network({"W0": np.zeros(3)}, tmp_path / "x.npz")
