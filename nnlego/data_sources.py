"""Getting MNIST and Fashion-MNIST into the cache: download, import local files, convert once.

Every source file is pinned by sha256 (see ``../shared/DATA.md``): Nielsen's ``mnist.pkl.gz``
by the hash of the file itself, checked *before* it is unpickled (with
:mod:`nnlego.safe_pickle`); each Fashion-MNIST IDX file by the hash of its *decompressed* bytes,
which are the same whichever gzip the copy came in (the official one, Debian's). Files are
recognised by content, not name. A file that matches no pin raises :class:`SourceError` naming
it, what was expected and the fix, and nothing of that import is written. Downloads use pooch
(official URLs, the official MD5s / sha256), then go through the same import.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from . import __version__
from .datasets import N_PIXELS, cache_status, data_home, get_spec, write_cache
from .idx import IdxError, decompress, parse_idx
from .safe_pickle import safe_loads

_NIELSEN = "https://github.com/mnielsen/neural-networks-and-deep-learning/raw/master/data/"
_ZALANDO = (
    "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
)
OFFLINE_HELP = (
    "Without web access: import files you have with `nnlego data import PATH`, get "
    "the registry copies with `bash scripts/get_offline_data.sh` (in a clone of "
    "nnlego), or set NNLEGO_DATA to a folder holding verified caches"
)


@dataclass(frozen=True)
class SourceFile:
    """One official file: ``sha256`` of its bytes (decompressed ones if ``decompressed``)."""

    dataset: str
    filename: str
    sha256: str
    decompressed: bool
    download_hash: str  # pooch ``known_hash`` of the official download
    urls: tuple[str, ...]


def _fashion(filename, sha256, md5):
    return SourceFile(
        "fashion-mnist",
        filename,
        sha256,
        True,
        f"md5:{md5}",
        tuple(base + filename for base in _ZALANDO),
    )


_MNIST_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
SOURCES = {
    "mnist": (
        SourceFile(
            "mnist",
            "mnist.pkl.gz",
            _MNIST_SHA256,
            False,
            f"sha256:{_MNIST_SHA256}",
            (_NIELSEN + "mnist.pkl.gz",),
        ),
    ),
    "fashion-mnist": (
        _fashion(
            "train-images-idx3-ubyte.gz",
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        ),
        _fashion(
            "train-labels-idx1-ubyte.gz",
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "25c81989df183df01b3e8a0aad5dffbe",
        ),
        _fashion(
            "t10k-images-idx3-ubyte.gz",
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "bef4ecab320f06d8554ea6380940ec79",
        ),
        _fashion(
            "t10k-labels-idx1-ubyte.gz",
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
            "bb300cfdad3c16e7a12a480ee83cd310",
        ),
    ),
}


class SourceError(ValueError):
    """A source file that is missing, unrecognised or fails verification; nothing was written."""


class FetchError(ConnectionError):
    """A download that failed (no network, HTTP error, wrong hash); the cache is unchanged."""


def fetch(
    name: str,
    *,
    data_home=None,
    force: bool = False,
    progressbar: bool = False,
    timeout: float = 10.0,
    log=None,
) -> str:
    """Download ``name`` from its official location, verify it, convert it into the cache.

    Does nothing when a verified cache is there (unless ``force``). ``timeout`` (seconds) bounds
    each connection attempt, so an offline machine fails fast with :class:`FetchError`.
    ``log(message)`` is called before each download. Returns "already cached" or "downloaded".
    """
    home = _home(data_home)
    if not force and cache_status(get_spec(name).name, data_home=home).state == "verified":
        return "already cached"
    home.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=home, prefix=".download-") as folder:
        paths = [
            _download(source, Path(folder), progressbar, timeout, log) for source in SOURCES[name]
        ]
        import_path(paths, data_home=home, force=True, how="downloaded")
    return "downloaded"


def import_path(paths, *, data_home=None, force: bool = False, how: str = "imported") -> dict:
    """Import local files into the cache: ``mnist.pkl.gz``, the four Fashion-MNIST IDX files
    (gzipped or not), or folders holding them. ``paths`` is one path or a list.

    Every file is verified before anything is converted or written. Returns
    ``{dataset: "imported" | "already cached"}``.
    """
    found: dict[str, dict[str, bytes]] = {}
    for path in _candidates(paths):
        source, content = identify(path)
        found.setdefault(source.dataset, {})[source.filename] = content
    results = {}
    for name, contents in found.items():
        missing = [s.filename for s in SOURCES[name] if s.filename not in contents]
        if missing:
            raise SourceError(
                f"{name} needs all of {[s.filename for s in SOURCES[name]]}, "
                f"but {missing} {'is' if len(missing) == 1 else 'are'} missing; "
                "pass the folder holding all four files"
            )
        if not force and cache_status(name, data_home=data_home).state == "verified":
            results[name] = "already cached"
            continue
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        provenance = {
            "how": how,
            "created": created,
            "nnlego": __version__,
            "sources": {s.filename: s.sha256 for s in SOURCES[name]},
        }
        write_cache(name, CONVERTERS[name](contents), data_home=data_home, provenance=provenance)
        results[name] = "imported"
    return results


def identify(path) -> tuple[SourceFile, bytes]:
    """Which pinned file ``path`` is, by content; returns it with its verified content bytes."""
    path = Path(path)
    raw = path.read_bytes()
    raw_digest = _sha256(raw)
    for source in _all_sources():
        if not source.decompressed and raw_digest == source.sha256:
            return source, raw  # only now may it be unpickled
    content = decompress(raw, name=str(path))
    digest = _sha256(content)
    for source in _all_sources():
        if source.decompressed and digest == source.sha256:
            return source, content
    raise _mismatch(path, raw, content)


def convert_mnist(contents: dict) -> dict:
    """Nielsen's ``mnist.pkl.gz`` (verified bytes) -> uint8 arrays k, where pixels are k / 256."""
    splits = safe_loads(gzip.decompress(contents["mnist.pkl.gz"]), encoding="latin1")
    names = [split for split, _ in get_spec("mnist").splits]
    if not isinstance(splits, tuple) or len(splits) != len(names):
        raise SourceError("mnist.pkl.gz does not hold three (images, labels) splits")
    arrays = {}
    for split, (X, y) in zip(names, splits):
        k = np.rint(X * 256.0)  # Nielsen's pixels are exactly k / 256, k = 0..255
        if (
            X.shape[1:] != (N_PIXELS,)
            or k.max() > 255
            or not np.array_equal(k.astype(np.float32) / np.float32(256), X)
        ):
            raise SourceError(f"mnist.pkl.gz: {split} images are not k / 256 with k in 0..255")
        arrays[f"{split}_images"] = k.astype(np.uint8)  # (n, 784)
        arrays[f"{split}_labels"] = np.asarray(y).astype(np.uint8)
    return arrays


def convert_fashion(contents: dict) -> dict:
    """The four verified, decompressed Fashion-MNIST IDX files -> uint8 arrays."""
    arrays = {}
    for split, prefix in (("train", "train"), ("test", "t10k")):
        images = parse_idx(contents[f"{prefix}-images-idx3-ubyte.gz"], name=f"{prefix} images")
        labels = parse_idx(contents[f"{prefix}-labels-idx1-ubyte.gz"], name=f"{prefix} labels")
        arrays[f"{split}_images"] = images.reshape(len(images), -1)  # (n, 28, 28) -> (n, 784)
        arrays[f"{split}_labels"] = labels
    return arrays


CONVERTERS = {"mnist": convert_mnist, "fashion-mnist": convert_fashion}


def _download(source: SourceFile, folder: Path, progressbar, timeout, log) -> Path:
    import pooch
    import requests

    errors = []
    for url in source.urls:
        if log is not None:
            log(f"downloading {url}")
        downloader = pooch.HTTPDownloader(progressbar=progressbar, timeout=timeout)
        try:
            with _quiet_pooch():
                return Path(
                    pooch.retrieve(
                        url,
                        source.download_hash,
                        fname=source.filename,
                        path=folder,
                        downloader=downloader,
                    )
                )
        except (requests.ConnectionError, requests.Timeout) as error:
            raise FetchError(
                f"cannot download {source.filename}: no connection to {url} "
                f"({_reason(error)}). {OFFLINE_HELP}"
            ) from None
        except (requests.HTTPError, ValueError) as error:  # pooch: ValueError = wrong hash
            errors.append(f"{url}: {error}")
    raise FetchError(
        f"cannot download {source.filename}: " + "; ".join(errors) + f". {OFFLINE_HELP}"
    )


@contextmanager
def _quiet_pooch():
    """pooch logs every download at INFO; the caller reports progress instead."""
    import pooch

    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _reason(error) -> str:
    """A short cause for a requests error (its full text repeats the URL and the pool)."""
    text = str(error)
    if "resolve" in text.lower() or "name or service" in text.lower():
        return "the host name does not resolve: is this machine offline?"
    return f"{type(error).__name__}: {text[-160:]}"


def _candidates(paths) -> list[Path]:
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    known = {s.filename.removesuffix(".gz") for s in _all_sources()}
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            inside = sorted(
                p for p in path.iterdir() if p.is_file() and p.name.removesuffix(".gz") in known
            )
            if not inside:
                raise SourceError(
                    f"{path} holds none of the files nnlego imports; expected "
                    f"{sorted(s.filename for s in _all_sources())}"
                )
            files += inside
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(
                f"{path} does not exist; pass mnist.pkl.gz, the four "
                "Fashion-MNIST IDX .gz files, or a folder holding them"
            )
    return files


def _mismatch(path: Path, raw: bytes, content: bytes) -> SourceError:
    stem = path.name.removesuffix(".gz")
    by_name = [s for s in _all_sources() if stem.endswith(s.filename.removesuffix(".gz"))]
    fix = "get a good copy: `nnlego data fetch` or `bash scripts/get_offline_data.sh`"
    if not by_name:
        return SourceError(
            f"{path}: sha256 {_sha256(raw)} matches none of the pinned files "
            f"{sorted(s.filename for s in _all_sources())}; it is not MNIST or "
            f"Fashion-MNIST data, or it is damaged; {fix}"
        )
    source = by_name[0]
    if source.decompressed:
        try:
            parse_idx(content, name=str(path))
        except IdxError as error:
            return SourceError(str(error))
        return SourceError(
            f"{path}: sha256 of the decompressed content is {_sha256(content)}, "
            f"expected {source.sha256} (Fashion-MNIST's {source.filename}); the "
            "file is damaged or is other data (LeCun's MNIST IDX files share these "
            f"names; nnlego reads MNIST from mnist.pkl.gz); {fix}"
        )
    return SourceError(
        f"{path}: sha256 is {_sha256(raw)}, expected {source.sha256} (Nielsen's "
        f"{source.filename}); it was not unpickled; {fix}"
    )


def _all_sources():
    return [source for sources in SOURCES.values() for source in sources]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _home(path) -> Path:
    return data_home(path)
