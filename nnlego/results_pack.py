"""The results pack: the book's trained networks (and weight snapshots) as one verified file.

A fresh runtime (Colab, Binder, a new laptop) starts with an empty results cache, and training
every network a chapter reads takes minutes. Each release publishes the pack beside its wheel,
``RELEASES/v<version>/nnlego-results-<version>.zip``; :func:`fetch` has pooch download it, checks
it against its pinned sha256 and :func:`import_pack` puts its entries into the results cache,
where :func:`nnlego.experiments.run` finds them: seconds instead of minutes.

The pack is a zip of results-cache files, ``<key>.npz``, ``<key>.json`` and
``<key>.snapshots.npz``, plus ``manifest.json``: the sha256 of every member, the results
cache's ``FORMAT_VERSION`` and a label per entry. :func:`import_pack` checks every member
against the manifest (and the manifest's format) before it writes anything, writes the JSON of
an entry last (an entry counts once both files exist) and never unpickles (``allow_pickle=False``
everywhere), so a pack from elsewhere (``nnlego results import PATH``) is as safe as a pinned one.

The manifest vouches for the pack; in the cache, each entry vouches for itself. So a pack's
``<key>.json`` is the record without its digest (:func:`nnlego.results_cache.without_digest`,
as in packs made before digests, whose pinned bytes stay valid), and :func:`import_pack` writes
it with its digest computed (:func:`~nnlego.results_cache.with_digest`) and seals each
snapshot file (:func:`nnlego.snapshots.seal`): the imported entries load verified. Importing
again re-writes entries that a cache holds without their digest (imported before digests).

Which pack a release publishes, where and with which hashes is
:mod:`nnlego.results_pins` (``PINS``); a release pins its pack by pasting the line
``nnlego results pack`` prints. :func:`build` records the pack it made in the cache's
``packs.json`` as :func:`import_pack` records a pack it imported: that cache holds the pack's
entries, so :func:`fetch` has nothing to download.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from . import __version__
from .data_sources import FetchError
from .files import write_bytes, write_text, writing
from .results_cache import FORMAT_VERSION, ResultsCache, with_digest, without_digest
from .results_pins import (  # noqa: F401  (re-exported: the pack's name, pins and sources)
    PINS,
    RELEASES,
    SHA_ENV,
    URL_ENV,
    Pin,
    entries_digest,
    pack_name,
    pin_line,
    pinned_sha256,
    release_url,
    source_of,
)
from .snapshots import seal

PACK_FORMAT = 1
MANIFEST = "manifest.json"
IMPORTED = "packs.json"      # in the cache root: the packs built or imported there, by sha256
_MEMBER = re.compile(r"^[0-9a-f]{24}(\.json|\.npz|\.snapshots\.npz)$")
OFFLINE = "Offline: `nnlego results import PATH` with a pack you have"
_DATE = (2020, 1, 1, 0, 0, 0)   # every member's zip time: the same cache gives the same bytes


class PackError(ValueError):
    """A pack that is missing, malformed, of another format, or that fails its hashes."""


class PackInfo(NamedTuple):
    """What :func:`build` wrote: the pack's ``path``, ``sha256``, ``n_entries`` (networks),
    ``n_snapshots`` and ``size`` in bytes."""

    path: Path
    sha256: str
    n_entries: int
    n_snapshots: int
    size: int


def build(out, keys, *, cache=None, labels=None, record: bool = True) -> PackInfo:
    """Write the pack of entries ``keys`` (with their snapshots, where stored) into folder ``out``.

    Every entry must be complete and intact (verified) in the cache; its JSON is packed without
    its digest (see the module docstring). Writes ``out/<pack_name()>`` and
    ``out/<pack_name()>.sha256`` (``sha256sum`` format). ``labels``: ``{key: text}`` for the
    manifest (what each entry is). Deterministic: the same entries give the same bytes.
    ``record``: note in the cache's ``packs.json`` that it holds this pack's entries.
    """
    store = cache if isinstance(cache, ResultsCache) else ResultsCache(cache)
    keys = sorted(set(keys))
    missing = [k for k in keys if store.load(k) is None]
    if missing:
        raise PackError(f"{len(missing)} of the {len(keys)} entries to pack are not in the results "
                        f"cache {store.root} (e.g. {missing[0]}); fill it first: "
                        "`nnlego reproduce all --seeds 3`")
    files = {}
    for key in keys:
        for suffix in (".npz", ".snapshots.npz", ".json"):
            if (path := store.root / f"{key}{suffix}").is_file():
                data = path.read_bytes()
                if suffix == ".json":                  # the manifest vouches, not the digest
                    data = without_digest(data.decode()).encode()
                files[path.name] = data
    manifest = {"pack_format": PACK_FORMAT, "results_format": FORMAT_VERSION,
                "nnlego": __version__, "entries": {k: (labels or {}).get(k, "") for k in keys},
                "files": {name: _sha256(data) for name, data in sorted(files.items())}}
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / pack_name()
    with writing(path) as handle, zipfile.ZipFile(handle, "w") as archive:
        for name, data in [(MANIFEST, json.dumps(manifest, indent=1).encode()),
                           *sorted(files.items())]:
            info = zipfile.ZipInfo(name, date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    digest = _sha256(path.read_bytes())
    write_text(out / f"{path.name}.sha256", f"{digest}  {path.name}\n")
    n_snaps = sum(name.endswith(".snapshots.npz") for name in files)
    if record:
        _record(store, digest, path.name, {"built": len(keys)}, keys)
    return PackInfo(path, digest, len(keys), n_snaps, path.stat().st_size)


def import_pack(path, *, cache=None, sha256=None) -> dict:
    """Check the pack at ``path`` member by member, then copy its entries into the cache.

    ``sha256``: also require the whole file's hash (as :func:`fetch` does). Returns
    ``{"imported": n, "already": n, "snapshots": n, "sha256": ...}``; entries already in the
    cache as they would be written (with their digest) are left alone. Each entry's JSON is
    written with its digest, each snapshot file sealed.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"path={str(path)!r} does not exist; pass the results pack "
                                f"({pack_name()}) that `nnlego results pack` wrote")
    digest = _sha256(path.read_bytes())
    if sha256 and digest != sha256:
        raise PackError(f"{path}: sha256 is {digest}, expected {sha256}; the file is damaged or "
                        "another pack: fetch it again (`nnlego results fetch`)")
    members = _as_stored(path, _checked_members(path))
    store = cache if isinstance(cache, ResultsCache) else ResultsCache(cache)
    store._make_root()
    counts = {"imported": 0, "already": 0, "snapshots": 0}
    # Networks and snapshots first, each entry's JSON last: an entry counts once both exist.
    for name in sorted(members, key=lambda n: (n.endswith(".json"), n)):
        target = store.root / name
        if target.is_file() and _sha256(target.read_bytes()) == _sha256(members[name]):
            counts["already"] += name.endswith(".json")
        else:
            write_bytes(target, members[name])
            counts["snapshots"] += name.endswith(".snapshots.npz")
            counts["imported"] += name.endswith(".json")
        if name.endswith(".snapshots.npz"):
            seal(target)
    keys = sorted(name.removesuffix(".json") for name in members if name.endswith(".json"))
    _record(store, digest, path.name, counts, keys)
    return {**counts, "sha256": digest}


def fetch(*, cache=None, source=None, sha256=None, progressbar=False,
          timeout: float = 30.0) -> dict:
    """Download the pack (pooch: verified by its sha256, kept in ``<cache>/downloads``), import it.

    Does nothing if that pack was imported into this cache and all its entries are still
    there. ``source``: a URL or local folder (see the module docstring). Raises
    :class:`PackError` when no sha256 is known and :class:`~nnlego.data_sources.FetchError`
    when the download fails. Returns
    :func:`import_pack`'s counts plus ``"source"`` (and ``"already imported": True`` if nothing
    was done).
    """
    import pooch

    store = cache if isinstance(cache, ResultsCache) else ResultsCache(cache)
    where, expected = source_of(source), pinned_sha256(sha256)
    if expected is None:
        raise PackError(f"no sha256 is pinned for {pack_name()} (nnlego {__version__} is not a "
                        f"release with a results pack); pass sha256= (`--sha256`) or set "
                        f"${SHA_ENV} to the hash `nnlego results pack` printed, or import a pack "
                        "you have: `nnlego results import PATH`")
    if holds(store, expected):
        return {"already imported": True, "source": where, "sha256": expected}
    if "://" not in where:                           # a local file or folder: no download
        return {**import_pack(where, cache=store, sha256=expected), "source": where}
    import requests

    downloader = pooch.HTTPDownloader(progressbar=progressbar, timeout=timeout)
    try:
        local = pooch.retrieve(where, known_hash=f"sha256:{expected}", fname=pack_name(),
                               path=store.root / "downloads", downloader=downloader)
    except requests.Timeout:
        raise FetchError(f"cannot download the results pack: {where} did not answer within "
                         f"{timeout:g} s. {OFFLINE}") from None
    except requests.ConnectionError as error:
        raise FetchError(f"cannot download the results pack: no connection to {where} "
                         f"({type(error).__name__}). {OFFLINE}") from None
    except requests.HTTPError as error:
        raise FetchError(f"cannot download the results pack from {where}: "
                         f"{error.response.status_code} {error.response.reason} (is release "
                         f"v{__version__} published with its pack?). {OFFLINE}") from None
    except ValueError as error:                      # pooch: a wrong hash
        raise FetchError(f"cannot download the results pack from {where}: {error}") from None
    return {**import_pack(local, cache=store, sha256=expected), "source": where}


def imported(cache=None) -> dict:
    """``{sha256: {"name", "when", "imported", ..., "keys"}}`` of the packs imported into the
    cache (``keys``: the entries each brought)."""
    store = cache if isinstance(cache, ResultsCache) else ResultsCache(cache)
    try:
        found = json.loads((store.root / IMPORTED).read_text())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def info(cache=None) -> dict:
    """Where the cache is, how many entries it holds, the packs imported, and this version's
    pack: its name, source and pinned sha256 (None: not a release with a pack)."""
    store = cache if isinstance(cache, ResultsCache) else ResultsCache(cache)
    return {"cache": store.root, "entries": len(store.keys()), "imported": imported(store),
            "pack": pack_name(), "source": source_of(), "sha256": pinned_sha256()}


def _checked_members(path: Path) -> dict:
    """``{name: bytes}`` of the pack's entries, each checked against the manifest."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if MANIFEST not in names:
                raise PackError(f"{path} has no {MANIFEST}: it is not an nnlego results pack; "
                                "make one with `nnlego results pack`")
            manifest = json.loads(archive.read(MANIFEST))
            members = {n: archive.read(n) for n in names if n != MANIFEST}
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        if isinstance(error, PackError):
            raise
        raise PackError(f"{path} is not a readable zip ({error}); fetch it again") from None
    if manifest.get("results_format") != FORMAT_VERSION:
        raise PackError(f"{path} holds results of format {manifest.get('results_format')}, "
                        f"this nnlego reads format {FORMAT_VERSION}; get the pack of your "
                        f"version ({pack_name()}) or retrain (`nnlego reproduce all`)")
    listed = manifest.get("files") or {}
    if bad := sorted(n for n in members if not _MEMBER.match(n) or n not in listed):
        raise PackError(f"{path} holds files its manifest does not list or that are no cache "
                        f"entries: {bad[:3]}; it was not made by `nnlego results pack`")
    if lost := sorted(set(listed) - set(members)):
        raise PackError(f"{path} lacks {len(lost)} files its manifest lists (e.g. {lost[0]}); "
                        "it is truncated: fetch it again")
    if wrong := sorted(n for n, data in members.items() if _sha256(data) != listed[n]):
        raise PackError(f"{path}: {len(wrong)} files differ from their sha256 in the manifest "
                        f"(e.g. {wrong[0]}); nothing was imported; fetch the pack again")
    return members


def _as_stored(path: Path, members: dict) -> dict:
    """``members`` as the cache stores them: each entry's JSON with its digest."""
    try:
        return {name: with_digest(data.decode()).encode() if name.endswith(".json") else data
                for name, data in members.items()}
    except ValueError as error:                     # UnicodeDecodeError is a ValueError
        raise PackError(f"{path} holds an entry JSON that is no record ({error}); nothing "
                        "was imported; fetch the pack again") from None


def holds(cache, digest: str) -> bool:
    """Was pack ``digest`` built from or imported into ``cache``, and is every entry of it
    still there? (Then :func:`fetch` has nothing to do.)"""
    store = cache if isinstance(cache, ResultsCache) else ResultsCache(cache)
    keys = imported(store).get(digest, {}).get("keys")
    return bool(keys) and all(store.load(key) is not None for key in keys)


def _record(store: ResultsCache, digest: str, name: str, counts: dict, keys: list):
    done = imported(store)
    when = datetime.now(timezone.utc).isoformat(timespec="seconds")
    done[digest] = {"name": name, "when": when, "nnlego": __version__, **counts, "keys": keys}
    write_text(store.root / IMPORTED, json.dumps(done, indent=1, sort_keys=True))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
