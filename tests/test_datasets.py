"""Loading from the cache: data home, verification on every load, errors, and the real data."""

import gzip
import pickle

import numpy as np
import platformdirs
import pytest
from support.tiny_data import (
    pin_tiny_fashion,
    pin_tiny_mnist,
    tiny_fashion_arrays,
    tiny_mnist_pickle,
)

from nnlego import datasets
from nnlego.data_sources import convert_mnist
from nnlego.datasets import (
    CacheError,
    DataNotFoundError,
    Dataset,
    Split,
    as_images,
    as_vectors,
    cache_path,
    cache_status,
    data_home,
    load_fashion_mnist,
    load_mnist,
    write_cache,
)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty data home, selected through $NNLEGO_DATA."""
    monkeypatch.setenv("NNLEGO_DATA", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def tiny_fashion(home, monkeypatch):
    """A verified tiny Fashion-MNIST cache in ``home``; returns its raw arrays."""
    arrays = tiny_fashion_arrays()
    pin_tiny_fashion(monkeypatch, arrays)
    write_cache("fashion-mnist", arrays)
    return arrays


def test_data_home_argument_beats_environment_beats_user_cache(tmp_path, monkeypatch):
    """data_home(path) > $NNLEGO_DATA > platformdirs' user cache dir for "nnlego"."""
    monkeypatch.delenv("NNLEGO_DATA", raising=False)
    assert data_home() == data_home(None)
    assert str(data_home()) == platformdirs.user_cache_dir("nnlego", appauthor=False)
    monkeypatch.setenv("NNLEGO_DATA", str(tmp_path / "env"))
    assert data_home() == tmp_path / "env"
    assert data_home(tmp_path / "arg") == tmp_path / "arg"


def test_no_data_error_lists_every_way_to_get_it(home):
    """Offline with nothing cached: fetch, import, the offline script, the environment variable."""
    with pytest.raises(DataNotFoundError) as info:
        load_mnist()
    message = str(info.value)
    for way in (
        "nnlego data fetch mnist",
        "nnlego data import PATH",
        "get_offline_data.sh",
        "NNLEGO_DATA",
        str(home / "mnist.npz"),
    ):
        assert way in message
    assert isinstance(info.value, FileNotFoundError)
    assert not home.exists()  # loading never creates anything


def test_load_converts_pixels_and_labels(tiny_fashion):
    """X = k / 255 as float32 (n, 784); y int64; no validation split; class names."""
    fashion = load_fashion_mnist()
    assert isinstance(fashion, Dataset) and isinstance(fashion.train, Split)
    assert fashion.validation is None and fashion.name == "fashion-mnist"
    X, y = fashion.train
    assert X.dtype == np.float32 and X.shape == (6, 784) and y.dtype == np.int64
    np.testing.assert_array_equal(X, tiny_fashion["train_images"].astype(np.float32) / 255)
    np.testing.assert_array_equal(y, tiny_fashion["train_labels"])
    assert fashion.class_names[0] == "T-shirt/top" and len(fashion.class_names) == 10


def test_load_mnist_keeps_nielsens_values_exactly(home, monkeypatch):
    """The cache holds k and loads k / 256: bit-identical to the float32 values in the pickle."""
    pkl_gz, arrays = tiny_mnist_pickle()
    pin_tiny_mnist(monkeypatch, pkl_gz, arrays)
    write_cache("mnist", convert_mnist({"mnist.pkl.gz": pkl_gz}))
    mnist = load_mnist(data_home=home)
    original = pickle.loads(gzip.decompress(pkl_gz))  # our own test file: safe to unpickle
    for split, (X, y) in zip((mnist.train, mnist.validation, mnist.test), original):
        assert split.X.tobytes() == X.tobytes() and split.X.dtype == np.float32
        np.testing.assert_array_equal(split.y, y)
    assert mnist.class_names == tuple("0123456789")


def test_explicit_data_home_argument(tmp_path, tiny_fashion, monkeypatch):
    """load_*(data_home=DIR) reads DIR, whatever $NNLEGO_DATA says."""
    monkeypatch.setenv("NNLEGO_DATA", str(tmp_path / "elsewhere"))
    with pytest.raises(DataNotFoundError):
        load_fashion_mnist()
    assert load_fashion_mnist(data_home=tmp_path / "home").train.X.shape == (6, 784)


def test_write_cache_refuses_data_that_is_not_the_pinned_data(tiny_fashion, home):
    """One changed pixel: refused before anything is written; the good cache stays."""
    before = cache_path("fashion-mnist").read_bytes()
    bad = {key: a.copy() for key, a in tiny_fashion.items()}
    bad["train_images"][0, 0] ^= 1
    with pytest.raises(CacheError, match="content sha256"):
        write_cache("fashion-mnist", bad)
    assert cache_path("fashion-mnist").read_bytes() == before
    assert sorted(p.name for p in home.iterdir()) == ["fashion-mnist.json", "fashion-mnist.npz"]


def test_tampered_cache_is_never_used(tiny_fashion, home):
    """A valid .npz with other pixels fails the pinned content hash on load."""
    bad = {key: a.copy() for key, a in tiny_fashion.items()}
    bad["test_images"][1, 5] ^= 255
    np.savez(cache_path("fashion-mnist"), **bad)
    with pytest.raises(CacheError, match=r"fashion-mnist\.npz: content sha256 .* expected"):
        load_fashion_mnist()
    assert cache_status("fashion-mnist").state == "corrupt"


@pytest.mark.parametrize("damage", ["truncate", "garbage", "wrong arrays"])
def test_damaged_cache_file_gives_an_error_naming_it(tiny_fashion, damage):
    """Truncated, not a zip, or the wrong arrays: CacheError naming the file and the fix."""
    path = cache_path("fashion-mnist")
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:1000])
    elif damage == "garbage":
        path.write_bytes(b"not a zip file")
    else:
        np.savez(path, images=np.zeros(3, np.uint8))
    with pytest.raises(CacheError, match=r"fashion-mnist\.npz.*nnlego data fetch"):
        load_fashion_mnist()


def test_cache_status_states(home, tiny_fashion):
    """verified / missing, with the split sizes when verified."""
    assert cache_status("fashion-mnist").state == "verified"
    assert cache_status("fashion-mnist").detail == "train 6, test 4"
    assert cache_status("mnist").state == "missing"


def test_unknown_dataset_name_lists_the_valid_ones():
    """A typo is a ValueError that names the choices."""
    with pytest.raises(ValueError, match=r"'fashion'.*fashion-mnist.*mnist"):
        cache_path("fashion")


def test_as_images_and_as_vectors_are_inverse_views():
    """(n, 784) <-> (n, 28, 28) without copying; row k pixel 28*r + c is image k at (r, c)."""
    X = np.arange(2 * 784, dtype=np.float32).reshape(2, 784)
    images = as_images(X)
    assert images.shape == (2, 28, 28) and np.shares_memory(images, X)
    assert images[1, 3, 5] == X[1, 28 * 3 + 5]
    assert as_vectors(images).shape == (2, 784) and np.shares_memory(as_vectors(images), X)
    assert as_images(X[0]).shape == (28, 28) and as_vectors(images[0]).shape == (784,)


def test_as_images_refuses_wrong_shapes():
    """A (n, 28, 28) array passed to as_images, or (n, 784) to as_vectors, is an error."""
    with pytest.raises(ValueError, match=r"shape \(n, 784\).*\(3, 28, 28\)"):
        as_images(np.zeros((3, 28, 28)))
    with pytest.raises(ValueError, match=r"\(n, 28, 28\).*as_images"):
        as_vectors(np.zeros((3, 784)))


# ---- the real data (CI has it: `make test` fetches or imports it first) ----


def _real(name):
    status = cache_status(name)
    if status.state != "verified":
        pytest.skip(
            f"no verified {name} in the data home {data_home()} ({status.state}); "
            f"run `nnlego data fetch {name}` or `make data`"
        )


@pytest.mark.data
def test_real_mnist_shapes_dtypes_range_and_counts():
    """Nielsen's split, float32 pixels k/256 in [0, 1), the test label counts of DATA.md."""
    _real("mnist")
    mnist = load_mnist()
    for split, n in ((mnist.train, 50_000), (mnist.validation, 10_000), (mnist.test, 10_000)):
        assert split.X.shape == (n, 784) and split.X.dtype == np.float32
        assert split.y.shape == (n,) and split.y.dtype == np.int64
        assert split.X.min() == 0.0 and split.X.max() == np.float32(255 / 256)
    assert np.bincount(mnist.test.y).tolist() == [
        980,
        1135,
        1032,
        1010,
        982,
        892,
        958,
        1028,
        974,
        1009,
    ]


@pytest.mark.data
def test_real_fashion_mnist_shapes_dtypes_range_and_counts():
    """60,000 / 10,000, pixels in [0, 1], 6,000 / 1,000 images of each class."""
    _real("fashion-mnist")
    fashion = load_fashion_mnist()
    assert fashion.validation is None
    for split, n in ((fashion.train, 60_000), (fashion.test, 10_000)):
        assert split.X.shape == (n, 784) and split.X.dtype == np.float32
        assert split.y.dtype == np.int64
        assert split.X.min() == 0.0 and split.X.max() == 1.0
        assert np.bincount(split.y).tolist() == [n // 10] * 10
    assert fashion.class_names[9] == "Ankle boot"


@pytest.mark.data
@pytest.mark.parametrize(
    "loader,name", [(load_mnist, "mnist"), (load_fashion_mnist, "fashion-mnist")]
)
def test_real_data_loads_identically(loader, name):
    """Two loads give the same bits (the load time is a benchmark's business, not a test's)."""
    _real(name)
    first, second = loader(), loader()
    for a, b in zip((first.train, first.test), (second.train, second.test)):
        assert a.X.tobytes() == b.X.tobytes() and np.array_equal(a.y, b.y)


def test_specs_pin_sixty_four_hex_digits():
    """Every pinned content hash is a full sha256."""
    for spec in datasets.SPECS.values():
        assert len(spec.content_sha256) == 64 and int(spec.content_sha256, 16) >= 0
