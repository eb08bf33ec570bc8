"""Import and fetch on tiny synthetic files: verified first, written atomically, never unsafe.

Downloads go through pooch's registry to a local HTTP server (127.0.0.1) or to a closed port: no
test uses the network.
"""

import argparse
import gzip
import http.server
import logging
import pickle
import socket
import threading
import time
from functools import partial

import numpy as np
import pooch
import pytest
from support.tiny_data import (
    FASHION_FILES,
    fashion_idx_contents,
    idx_bytes,
    pin_tiny_fashion,
    pin_tiny_mnist,
    tiny_fashion_arrays,
    tiny_mnist_pickle,
    write_fashion_folder,
)

from nnlego.commands import data as data_command
from nnlego.data_sources import (
    FetchError,
    SourceError,
    fetch,
    identify,
    import_path,
    registry,
)
from nnlego.datasets import cache_path, cache_status, data_home, load_fashion_mnist, load_mnist
from nnlego.safe_pickle import UnsafePickleError


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty data home, selected through $NNLEGO_DATA."""
    monkeypatch.setenv("NNLEGO_DATA", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def fashion(tmp_path, home, monkeypatch):
    """Tiny Fashion-MNIST IDX .gz files in a folder, pinned; returns (folder, raw arrays)."""
    arrays = tiny_fashion_arrays()
    pin_tiny_fashion(monkeypatch, arrays)
    return write_fashion_folder(tmp_path / "src", arrays), arrays


@pytest.fixture
def server(tmp_path, monkeypatch):
    """A local HTTP server for tmp_path/www; yields (base URL, folder)."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    folder = tmp_path / "www"
    folder.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=folder))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/", folder
    httpd.shutdown()
    httpd.server_close()


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_import_folder_then_load(fashion, home):
    """A folder of the four files: imported, verified, loadable; a second import is a no-op."""
    folder, arrays = fashion
    assert import_path(folder) == {"fashion-mnist": "imported"}
    np.testing.assert_array_equal(load_fashion_mnist().test.X * 255, arrays["test_images"])
    before = _snapshot(home)
    assert import_path([folder]) == {"fashion-mnist": "already cached"}
    assert _snapshot(home) == before
    assert sorted(before) == ["fashion-mnist.json", "fashion-mnist.npz"]  # no temp files left


def test_a_fashion_file_renamed_like_mnist_is_named_as_what_it_is(fashion, home, tmp_path):
    """A Fashion-MNIST labels file saved as mnist.pkl.gz: not "fashion-mnist needs all of ..."
    alone, but which file it is by its content."""
    folder, _ = fashion
    renamed = tmp_path / "mine" / "mnist.pkl.gz"
    renamed.parent.mkdir()
    renamed.write_bytes((folder / "t10k-labels-idx1-ubyte.gz").read_bytes())
    with pytest.raises(SourceError, match=r"mnist\.pkl\.gz is named like mnist's file, but by its "
                       r"content it is fashion-mnist's t10k-labels-idx1-ubyte\.gz"):
        import_path(renamed)
    assert not home.exists() or not list(home.iterdir())


def test_files_are_recognised_by_content_not_name(fashion, tmp_path):
    """Renamed and already-decompressed files are found by their pinned hash."""
    _, arrays = fashion
    paths = []
    for i, content in enumerate(fashion_idx_contents(arrays).values()):
        paths.append(tmp_path / f"file{i}.bin")
        paths[-1].write_bytes(content)
    assert import_path(paths) == {"fashion-mnist": "imported"}


def test_missing_file_is_named_and_nothing_is_written(fashion, home):
    """Three of four files: SourceError naming the missing one."""
    folder, _ = fashion
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(SourceError, match=r"\['t10k-labels-idx1-ubyte.gz'\] is missing"):
        import_path(folder)
    assert not cache_path("fashion-mnist").exists()


def test_hash_mismatch_is_refused_and_leaves_the_cache_as_it_was(fashion, home):
    """One pixel changed in a well-formed IDX file: refused, even with force; cache untouched."""
    folder, arrays = fashion
    import_path(folder)
    before = _snapshot(home)
    images = arrays["train_images"].reshape(-1, 28, 28).copy()
    images[0, 0, 0] ^= 1
    (folder / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(images)))
    with pytest.raises(
        SourceError,
        match=r"train-images-idx3-ubyte\.gz: sha256 of the "
        r"decompressed content is [0-9a-f]{64}, expected",
    ):
        import_path(folder, force=True)
    assert _snapshot(home) == before
    assert cache_status("fashion-mnist").state == "verified"


@pytest.mark.parametrize(
    "damage,message",
    [
        (lambda b: b[:-1], "IDX file is truncated"),
        (lambda b: b"\x00\x00\x07" + b[3:], "bad IDX magic number"),
    ],
)
def test_damaged_idx_file_says_what_is_wrong(fashion, home, damage, message):
    """Truncated or wrong magic: the error names the file and what was expected."""
    folder, _ = fashion
    path = folder / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(damage(gzip.decompress(path.read_bytes()))))
    with pytest.raises(SourceError, match=rf"t10k-labels-idx1-ubyte\.gz.*{message}"):
        import_path(folder)
    assert not home.exists() or not cache_path("fashion-mnist").exists()


def test_unknown_file_is_refused(tmp_path, home):
    """A file that matches no pin is not MNIST or Fashion-MNIST data."""
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(SourceError, match=r"notes\.txt: sha256 [0-9a-f]{64} matches none"):
        identify(path)
    with pytest.raises(SourceError, match="holds none of the files"):
        import_path(tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        import_path(tmp_path / "nope")


def test_mnist_pickle_import_and_exact_values(tmp_path, home, monkeypatch):
    """A pinned Nielsen-style pickle is unpickled safely and cached as exact k / 256 values."""
    pkl_gz, arrays = tiny_mnist_pickle()
    pin_tiny_mnist(monkeypatch, pkl_gz, arrays)
    (tmp_path / "mnist.pkl.gz").write_bytes(pkl_gz)
    assert import_path(tmp_path / "mnist.pkl.gz") == {"mnist": "imported"}
    mnist = load_mnist()
    np.testing.assert_array_equal(mnist.validation.X * 256, arrays["validation_images"])
    assert not list(home.glob("*.pkl*"))  # only the .npz (and its record) is kept


def test_unpinned_pickle_is_never_opened(tmp_path, home):
    """A malicious mnist.pkl.gz fails the sha256 check before it is unpickled: no marker."""
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Marker(marker), protocol=2)
    (tmp_path / "mnist.pkl.gz").write_bytes(gzip.compress(payload))
    with pytest.raises(SourceError, match="expected f11bb9e4.*it was not unpickled"):
        import_path(tmp_path / "mnist.pkl.gz")
    assert not marker.exists() and not home.exists()


def test_even_a_pinned_malicious_pickle_does_not_run(tmp_path, home, monkeypatch):
    """Second wall: were the pin itself wrong, the restricted unpickler still refuses it."""
    marker = tmp_path / "pwned"
    pkl_gz = gzip.compress(pickle.dumps(_Marker(marker), protocol=2))
    _, arrays = tiny_mnist_pickle()
    pin_tiny_mnist(monkeypatch, pkl_gz, arrays)
    (tmp_path / "mnist.pkl.gz").write_bytes(pkl_gz)
    with pytest.raises(UnsafePickleError):
        import_path(tmp_path / "mnist.pkl.gz")
    assert not marker.exists() and not cache_path("mnist").exists()


class _Marker:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return exec, (f"open({self.marker!r}, 'w').close()",)


def _serve_fashion(monkeypatch, server, arrays, mirrors=1):
    """Put the tiny files on the server; pin URLs (a dead mirror first when mirrors=2)."""
    base, folder = server
    write_fashion_folder(folder, arrays)
    urls = {
        f: ((base + "missing/" + f,) if mirrors == 2 else ()) + (base + f,) for f in FASHION_FILES
    }
    pin_tiny_fashion(monkeypatch, arrays, urls=urls)
    return folder


@pytest.fixture
def pooch_log():
    """The messages pooch logs (it announces every download), as a list."""
    messages = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())
    pooch.get_logger().addHandler(handler)
    yield messages
    pooch.get_logger().removeHandler(handler)


@pytest.mark.parametrize("mirrors", [1, 2])
def test_fetch_downloads_verifies_and_caches(server, home, monkeypatch, mirrors, pooch_log):
    """pooch downloads (trying the next mirror after a 404); then nothing more is fetched."""
    arrays = tiny_fashion_arrays()
    folder = _serve_fashion(monkeypatch, server, arrays, mirrors)
    assert fetch("fashion-mnist") == "downloaded"
    assert sum(m.startswith("Downloading") for m in pooch_log) == 4 * mirrors
    np.testing.assert_array_equal(load_fashion_mnist().train.y, arrays["train_labels"])
    assert sorted(p.name for p in home.iterdir()) == sorted(
        ["fashion-mnist.json", "fashion-mnist.npz", *FASHION_FILES])  # pooch keeps its downloads
    for f in FASHION_FILES:  # the server is gone: a second fetch must not need it
        (folder / f).unlink()
    assert fetch("fashion-mnist") == "already cached"


def test_fetch_rebuilds_a_damaged_cache_from_pooch_downloads_offline(server, home, monkeypatch):
    """A corrupt .npz with the verified downloads still there: rebuilt without the network."""
    folder = _serve_fashion(monkeypatch, server, tiny_fashion_arrays())
    fetch("fashion-mnist")
    for f in FASHION_FILES:
        (folder / f).unlink()
    cache_path("fashion-mnist").write_bytes(b"damaged")
    assert cache_status("fashion-mnist").state == "corrupt"
    assert fetch("fashion-mnist") == "converted from the downloads"
    assert cache_status("fashion-mnist").state == "verified"


def test_fetch_downloads_a_damaged_download_again(server, home, monkeypatch, pooch_log):
    """pooch checks its kept download's sha256 too: a changed byte means a new download."""
    _serve_fashion(monkeypatch, server, tiny_fashion_arrays())
    fetch("fashion-mnist")
    kept = home / FASHION_FILES[1]
    good = kept.read_bytes()
    kept.write_bytes(good[:-1] + bytes([good[-1] ^ 1]))
    assert fetch("fashion-mnist", force=True) == "downloaded"
    assert kept.read_bytes() == good and any(m.startswith("Updating") for m in pooch_log)


def test_fetch_refuses_a_download_with_the_wrong_hash(server, home, monkeypatch):
    """The server holds other bytes than the pinned sha256: FetchError, nothing cached or kept."""
    arrays = tiny_fashion_arrays()
    folder = _serve_fashion(monkeypatch, server, arrays)
    (folder / FASHION_FILES[0]).write_bytes(gzip.compress(b"something else"))
    with pytest.raises(FetchError, match="(?i)sha256.*does not match"):
        fetch("fashion-mnist")
    assert not cache_path("fashion-mnist").exists()
    assert not home.exists() or list(home.iterdir()) == []  # no bad download, no temp file


def test_the_registry_lives_in_the_data_home(home, tmp_path):
    """pooch's path is the data home: $NNLEGO_DATA here, or the folder passed."""
    assert registry().abspath == data_home() == home
    assert registry(tmp_path / "other").abspath == tmp_path / "other"


def test_fetch_fails_fast_without_a_connection(home, monkeypatch):
    """A closed port: FetchError within seconds, naming the offline ways to get the data."""
    arrays = tiny_fashion_arrays()
    base = _closed_port_url()
    pin_tiny_fashion(monkeypatch, arrays, urls={f: (base + f,) for f in FASHION_FILES})
    start = time.perf_counter()
    with pytest.raises(FetchError, match=r"no connection.*nnlego data import.*get_offline_data"):
        fetch("fashion-mnist", timeout=2)
    assert time.perf_counter() - start < 30        # refused at once, not a hang


def _run(argv, capsys):
    parser = argparse.ArgumentParser(prog="nnlego")
    data_command.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_command_import_and_info(fashion, home, capsys):
    """`data info --check` fails until the data is imported, then passes."""
    folder, _ = fashion
    code, out, _ = _run(["data", "info", "fashion-mnist", "--check"], capsys)
    assert code == 1 and "missing" in out and str(home) in out
    code, out, _ = _run(["data", "import", str(folder)], capsys)
    assert code == 0 and "fashion-mnist: imported" in out
    code, out, _ = _run(["data", "info", "fashion-mnist", "--check"], capsys)
    assert code == 0 and "verified" in out and "train 6, test 4" in out
    code, out, _ = _run(["data", "info"], capsys)  # mnist missing: fine without --check
    assert code == 0 and "mnist " in out


def test_command_fetch_offline_exits_1_with_a_message(home, monkeypatch, capsys):
    """What `make data` relies on: a non-zero exit, fast, and a message saying what to do."""
    base = _closed_port_url()
    pin_tiny_fashion(
        monkeypatch, tiny_fashion_arrays(), urls={f: (base + f,) for f in FASHION_FILES}
    )
    code, _, err = _run(["data", "fetch", "fashion-mnist", "--timeout", "2"], capsys)
    assert code == 1 and "nnlego data import" in err


def test_pinned_download_hashes_are_the_official_ones():
    """pooch checks each download's sha256: Nielsen's file (DATA.md) and Zalando's four .gz
    (whose official MD5s, in DATA.md, are published beside these sha256s)."""
    assert registry().registry == {
        "mnist.pkl.gz": "sha256:f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416",
        "train-images-idx3-ubyte.gz":
            "sha256:3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        "train-labels-idx1-ubyte.gz":
            "sha256:a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        "t10k-images-idx3-ubyte.gz":
            "sha256:346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        "t10k-labels-idx1-ubyte.gz":
            "sha256:67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    }
