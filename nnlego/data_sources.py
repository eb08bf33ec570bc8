"""Getting MNIST and Fashion-MNIST into the cache: pooch's registry, and files a user already has.

:func:`registry` is a ``pooch.create`` registry of the five official files, each pinned by the
sha256 of its bytes and kept in the data home. :func:`fetch` lets pooch download what is missing
or damaged (the official URL first, then a mirror), verify it and keep it, then imports it.
:func:`import_path` recognises a file by content, never by name: Nielsen's ``mnist.pkl.gz`` by the
sha256 of its bytes, checked *before* it is unpickled (with :mod:`nnlego.safe_pickle`); a
Fashion-MNIST IDX file by the sha256 of its *decompressed* bytes, which are the same whatever gzip
the copy came in (the official one, Debian's). A file that matches no pin raises
:class:`SourceError` naming it, what was expected and the fix, and nothing of that import is
written. Pins and sources: ``../shared/DATA.md``.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pooch

from . import __version__
from .datasets import cache_status, check_folder, data_home, get_spec, write_cache
from .safe_pickle import safe_loads

_NIELSEN = "https://github.com/mnielsen/neural-networks-and-deep-learning/raw/master/data/"
_ZALANDO = ("https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")
_FIX = "get a good copy: `nnlego data fetch` or `bash scripts/get_offline_data.sh`"
OFFLINE_HELP = ("Without web access: import files you have with `nnlego data import PATH`, get "
                "the registry copies with `bash scripts/get_offline_data.sh` (in a clone of "
                "nnlego), or set NNLEGO_DATA to a folder holding verified caches")


class Source(NamedTuple):
    """One official file: its data set, the sha256 of the download, its URLs (official first),
    and the sha256 of its decompressed content (IDX) or None (the pickle: known by its bytes)."""

    dataset: str
    sha256: str
    urls: tuple[str, ...]
    content_sha256: str | None = None


SOURCES = {
    "mnist.pkl.gz": Source(
        "mnist", "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416",
        (_NIELSEN + "mnist.pkl.gz",)),
} | {
    f"{stem}-ubyte.gz": Source("fashion-mnist", sha256,
                               tuple(f"{base}{stem}-ubyte.gz" for base in _ZALANDO), content)
    for stem, sha256, content in (
        ("train-images-idx3", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
         "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        ("train-labels-idx1", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
         "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        ("t10k-images-idx3", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
         "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        ("t10k-labels-idx1", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
         "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
    )
}


class SourceError(ValueError):
    """A source file that is missing, unrecognised or fails verification; nothing was written."""


class FetchError(ConnectionError):
    """A download that failed (no network, HTTP error, wrong hash); the cache is unchanged."""


def files_of(name: str) -> list[str]:
    """The official file names of data set ``name``."""
    get_spec(name)
    return [filename for filename, source in SOURCES.items() if source.dataset == name]


def registry(data_home=None) -> pooch.Pooch:
    """pooch's registry of the official files (``sha256:`` each), kept in the data home."""
    return pooch.create(path=_home(data_home), base_url="",
                        registry={f: f"sha256:{s.sha256}" for f, s in SOURCES.items()},
                        urls={f: s.urls[0] for f, s in SOURCES.items()})


def fetch(name: str, *, data_home=None, force: bool = False, progressbar: bool = False,
          timeout: float = 10.0) -> str:
    """Have pooch download ``name``'s official files and verify them, then convert them.

    Does nothing when a verified cache is there (unless ``force``). pooch keeps the verified
    downloads in the data home and downloads only what is missing or damaged, saying so on
    stderr. ``timeout`` (seconds) bounds each connection, so an offline machine fails fast with
    :class:`FetchError`. Returns "already cached", "downloaded" or "converted from the downloads".
    """
    home = _home(data_home)
    if not force and cache_status(name, data_home=home).state == "verified":
        return "already cached"
    check_folder(home)
    pup = registry(home)
    downloader = pooch.HTTPDownloader(progressbar=progressbar, timeout=timeout)
    fetched = [_download(pup, filename, downloader) for filename in files_of(name)]
    import_path([path for path, _ in fetched], data_home=home, force=True, how="downloaded")
    if all(action == "fetch" for _, action in fetched):  # pooch's word for "was already here"
        return "converted from the downloads"
    return "downloaded"


def import_path(paths, *, data_home=None, force: bool = False, how: str = "imported") -> dict:
    """Import local files into the cache: ``mnist.pkl.gz``, the four Fashion-MNIST IDX files
    (gzipped or not), or folders holding them. ``paths`` is one path or a list.

    Every file is verified before anything is converted or written. Returns
    ``{dataset: "imported" | "already cached"}``.
    """
    home = _home(data_home)
    check_folder(home)
    found: dict[str, dict[str, bytes]] = {}
    given: dict[str, Path] = {}              # the file each pinned name was found in
    for path in _candidates(paths):
        filename, content = identify(path)
        found.setdefault(SOURCES[filename].dataset, {})[filename] = content
        given[filename] = Path(path)
    for name, contents in found.items():
        if missing := [f for f in files_of(name) if f not in contents]:
            raise SourceError(f"{name} needs all of {files_of(name)}, but {missing} "
                              f"{'is' if len(missing) == 1 else 'are'} missing; pass the "
                              f"folder holding all four files{_misnamed(contents, given)}")
    results = {}
    for name, contents in found.items():
        if not force and cache_status(name, data_home=home).state == "verified":
            results[name] = "already cached"
            continue
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        sources = {f: SOURCES[f].content_sha256 or SOURCES[f].sha256 for f in contents}
        provenance = {"how": how, "created": created, "nnlego": __version__, "sources": sources}
        write_cache(name, CONVERTERS[name](contents), data_home=home, provenance=provenance)
        results[name] = "imported"
    return results


def _misnamed(contents, given) -> str:
    """A note on each file whose name is another pinned file's (a renamed download)."""
    notes = [f"{given[f]} is named like {SOURCES[given[f].name].dataset}'s file, but by its "
             f"content it is {SOURCES[f].dataset}'s {f}" for f in contents
             if given[f].name != f and given[f].name in SOURCES]
    return "".join(f". Note: {note}" for note in notes)


def identify(path) -> tuple[str, bytes]:
    """Which pinned file ``path`` is, by content; returns its name and its verified bytes."""
    path = Path(path)
    raw = path.read_bytes()
    pickles = {s.sha256: f for f, s in SOURCES.items() if s.content_sha256 is None}
    if filename := pickles.get(_sha256(raw)):
        return filename, raw  # only now may it be unpickled
    content = _gunzip(raw, path)
    idx_files = {s.content_sha256: f for f, s in SOURCES.items() if s.content_sha256}
    if filename := idx_files.get(_sha256(content)):
        return filename, content
    raise _mismatch(path, raw, content)


_IDX_TYPES = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def parse_idx(data: bytes, *, name: str = "<bytes>") -> np.ndarray:
    """The array in an uncompressed IDX file, strictly: never a guess.

    Layout: magic ``00 00 <type> <n_dims>``, one big-endian uint32 per dimension, the values in C
    order, big-endian. Types: 08 uint8, 09 int8, 0B int16, 0C int32, 0D float32, 0E float64. A
    wrong magic number or length (truncated, trailing bytes) is a :class:`SourceError` naming
    ``name``. Returns a new, writable array in native byte order.
    """
    if len(data) < 4 or data[:2] != b"\0\0" or data[2] not in _IDX_TYPES:
        raise SourceError(f"{name}: bad IDX magic number {data[:4].hex(' ') or 'an empty file'}; "
                          f"expected 00 00 <type> <n_dims> with type one of "
                          f"{', '.join(f'{c:02x}' for c in _IDX_TYPES)}: not an IDX file; {_FIX}")
    dtype, header = np.dtype(_IDX_TYPES[data[2]]), 4 + 4 * data[3]
    if len(data) < header:
        raise SourceError(f"{name}: truncated IDX header: {len(data)} bytes, expected at least "
                          f"{header} for {data[3]} dimensions; {_FIX}")
    shape = tuple(int(d) for d in np.frombuffer(data[4:header], ">u4"))
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        kind = "truncated" if len(data) < expected else "too long"
        raise SourceError(f"{name}: IDX file is {kind}: {len(data)} bytes, expected {expected} "
                          f"(header of {header} bytes + shape {shape} of {dtype.name}); {_FIX}")
    return np.frombuffer(data, dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def convert_mnist(contents: dict) -> dict:
    """Nielsen's ``mnist.pkl.gz`` (verified bytes) -> uint8 arrays k: his pixels are k / 256.

    No check here can fail that the cache's pinned content hash would not catch: a lossy
    conversion (a pixel not k / 256, a wrong shape) cannot be written.
    """
    splits = safe_loads(gzip.decompress(contents["mnist.pkl.gz"]), encoding="latin1")
    arrays = {}
    for split, (X, y) in zip(get_spec("mnist").splits, splits):
        arrays[f"{split}_images"] = np.rint(X * 256.0).astype(np.uint8)  # (n, 784)
        arrays[f"{split}_labels"] = np.asarray(y).astype(np.uint8)
    return arrays


def convert_fashion(contents: dict) -> dict:
    """The four verified, decompressed Fashion-MNIST IDX files -> uint8 arrays."""
    arrays = {}
    for split, prefix in (("train", "train"), ("test", "t10k")):
        images = parse_idx(contents[f"{prefix}-images-idx3-ubyte.gz"], name=f"{prefix} images")
        arrays[f"{split}_images"] = images.reshape(len(images), -1)  # (n, 28, 28) -> (n, 784)
        arrays[f"{split}_labels"] = parse_idx(contents[f"{prefix}-labels-idx1-ubyte.gz"],
                                              name=f"{prefix} labels")
    return arrays


CONVERTERS = {"mnist": convert_mnist, "fashion-mnist": convert_fashion}


def _download(pup: pooch.Pooch, filename: str, downloader) -> tuple[str, str]:
    """pooch's fetch of ``filename`` from each URL in turn: (path, "download" | "fetch" | ...)."""
    import requests

    errors = []
    for url in SOURCES[filename].urls:
        pup.urls[filename] = url
        try:
            return pup.fetch(filename, downloader=downloader,
                             processor=lambda path, action, _: (path, action))
        except (requests.ConnectionError, requests.Timeout) as error:
            raise FetchError(f"cannot download {filename}: no connection to {url} "
                             f"({type(error).__name__}: is this machine offline?). "
                             f"{OFFLINE_HELP}") from None
        except (requests.HTTPError, ValueError) as error:  # pooch: ValueError = wrong hash
            errors.append(f"{url}: {error}")
    raise FetchError(f"cannot download {filename}: {'; '.join(errors)}. {OFFLINE_HELP}")


def _candidates(paths) -> list[Path]:
    """The files to identify: ``paths``, with each folder replaced by its known files."""
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    known = {filename.removesuffix(".gz") for filename in SOURCES}
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files += (inside := sorted(p for p in path.iterdir()
                                       if p.is_file() and p.name.removesuffix(".gz") in known))
            if not inside:
                raise SourceError(f"{path} holds none of the files nnlego imports; expected "
                                  f"{sorted(SOURCES)}")
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"{path} does not exist; pass mnist.pkl.gz, the four "
                                    "Fashion-MNIST IDX .gz files, or a folder holding them")
    return files


def _gunzip(raw: bytes, path: Path) -> bytes:
    """``raw`` decompressed if it starts with gzip's magic bytes, else unchanged."""
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as error:
        raise SourceError(f"{path}: not a valid gzip file (truncated or corrupt: {error}); "
                          f"{_FIX}") from None


def _mismatch(path: Path, raw: bytes, content: bytes) -> SourceError:
    """The error for a file that matches no pin, as precise as its name allows."""
    stem = path.name.removesuffix(".gz")
    by_name = [f for f in SOURCES if stem.endswith(f.removesuffix(".gz"))]
    if not by_name:
        return SourceError(f"{path}: sha256 {_sha256(raw)} matches none of the pinned files "
                           f"{sorted(SOURCES)}; it is not MNIST or Fashion-MNIST data, or it is "
                           f"damaged; {_FIX}")
    filename, source = by_name[0], SOURCES[by_name[0]]
    if source.content_sha256 is None:
        return SourceError(f"{path}: sha256 is {_sha256(raw)}, expected {source.sha256} "
                           f"(Nielsen's {filename}); it was not unpickled; {_FIX}")
    parse_idx(content, name=str(path))  # a malformed file: say what is wrong with it
    return SourceError(
        f"{path}: sha256 of the decompressed content is {_sha256(content)}, expected "
        f"{source.content_sha256} (Fashion-MNIST's {filename}); the file is damaged or is other "
        "data (LeCun's MNIST IDX files share these names; nnlego reads MNIST from mnist.pkl.gz); "
        f"{_FIX}")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_home = data_home  # the functions' argument data_home= hides the function
