"""Which results pack each release publishes: its file name, where it is, and its hashes.

A release pins its pack as the data sets are pinned (:mod:`nnlego.data_sources`): ``PINS`` maps
the pack's file name (:func:`pack_name`, one per nnlego version) to a :class:`Pin`, the sha256
of the file's bytes, the URL it was published under and :func:`entries_digest` of the
results-cache entries it holds. The URL is kept in the pin, not only derived, so a pack stays
reachable where it was published if the project moves. ``nnlego results pack`` prints the line
to paste here (``make release-pack``; DEVELOPERS.md, "Release").

Where a pack comes from, first match wins: the ``source`` argument, ``$NNLEGO_RESULTS_URL`` (a
base URL or a local folder: mirrors, tests), the pin's URL, else :func:`release_url`. Its hash:
the ``sha256`` argument, ``$NNLEGO_RESULTS_SHA256``, else the pin's.
"""

from __future__ import annotations

import hashlib
import os
import re
from typing import NamedTuple

from . import __version__

# The project's GitHub releases: tests/test_results_pack.py ties this to _config.yml's
# repository.url (the package never reads _config.yml: a wheel has none).
RELEASES = "https://github.com/nnlego/nnlego/releases/download"
URL_ENV, SHA_ENV = "NNLEGO_RESULTS_URL", "NNLEGO_RESULTS_SHA256"


class Pin(NamedTuple):
    """A release's pack: ``sha256`` of the file, the ``url`` it is published under, and
    ``entries``, :func:`entries_digest` of the cache keys it holds (what the code trains)."""

    sha256: str
    url: str
    entries: str


PINS: dict[str, Pin] = {
    "nnlego-results-0.1.0.zip": Pin(
        sha256="80422201986cec0070d075a3b622ef4ba8f1f4b405bc629072430448c61e6430",
        url=f"{RELEASES}/v0.1.0/nnlego-results-0.1.0.zip",
        entries="26851e57da7542dae1d4824b50f88694c3faedf4869ca7101a58669da2b57184"),
}


def pack_name(version: str = __version__) -> str:
    """The pack's file name for nnlego ``version``: ``nnlego-results-<version>.zip``."""
    return f"nnlego-results-{version}.zip"


def release_url(version: str = __version__) -> str:
    """Where release ``version`` publishes its pack (a GitHub release asset of tag v<version>)."""
    return f"{RELEASES}/v{version}/{pack_name(version)}"


def entries_digest(keys) -> str:
    """sha256 of the sorted cache keys, one a line: which networks a pack holds, in one hash."""
    return hashlib.sha256("\n".join(sorted(set(keys))).encode()).hexdigest()


def pin_line(name: str, sha256: str, keys) -> str:
    """The ``PINS`` line for a pack ``name`` just built (``nnlego results pack`` prints it)."""
    version = name.removeprefix("nnlego-results-").removesuffix(".zip")
    return (f'    "{name}": Pin(\n        sha256="{sha256}",\n'
            f'        url=f"{{RELEASES}}/v{version}/{name}",\n'
            f'        entries="{entries_digest(keys)}"),')


def source_of(source=None) -> str:
    """The pack's URL or local path: ``source``, ``$NNLEGO_RESULTS_URL``, the pin's URL or the
    release's. A base URL or folder gets :func:`pack_name` appended."""
    base = source or os.environ.get(URL_ENV)
    if not base:
        pin = PINS.get(pack_name())
        return pin.url if pin else release_url()
    base = str(base)
    if base.endswith(".zip"):
        return base
    return base.rstrip("/") + "/" + pack_name()


def pinned_sha256(sha256=None) -> str | None:
    """The pack's expected sha256: ``sha256``, ``$NNLEGO_RESULTS_SHA256``, else the pin's."""
    pin = PINS.get(pack_name())
    value = sha256 or os.environ.get(SHA_ENV) or (pin.sha256 if pin else None)
    if value and not re.fullmatch(r"[0-9a-f]{64}", value.removeprefix("sha256:")):
        raise ValueError(f"sha256={value!r} is not a sha256 (64 hex digits); pass the hash "
                         "that `nnlego results pack` printed")
    return value.removeprefix("sha256:") if value else None
