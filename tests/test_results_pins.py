"""The release's results pack is pinned, and the pin is what the code and the cache make.

- every version has a pin whose URL is the release's (``RELEASES`` is tied to _config.yml in
  tests/test_results_pack.py): a release without its pack fails here;
- the pin's ``entries`` digest is the cache keys of the networks the book reads
  (``reproduce.book_entries``): code that changes what trains (settings, data, the results
  format) fails here until the pack is rebuilt and re-pinned (needs the data, no training);
- (slow) ``nnlego results pack`` of a results cache that made or imported a pack of the book
  (its ``packs.json`` says so) gives the pinned bytes: a wrong pin, or entries retrained and
  re-packed without re-pinning, fail. A cache only trained here (``make results`` on a fresh
  machine) cannot give them, its files carrying this machine's training times and save dates:
  that case is skipped with the reason.
"""

from __future__ import annotations

import re

import pytest
from book.booksite import skip_or_fail

from nnlego.datasets import cache_status
from nnlego.reproduce import book_entries
from nnlego.results_cache import ResultsCache
from nnlego.results_pack import build, imported
from nnlego.results_pins import PINS, entries_digest, pack_name, release_url

RELEASE_STEP = ("make release-pack, upload the pack, paste the line it prints into PINS "
                "(DEVELOPERS.md, Release)")


def this_pin():
    pin = PINS.get(pack_name())
    assert pin is not None, f"no pin for {pack_name()} in nnlego/results_pins.py: {RELEASE_STEP}"
    return pin


def book_keys():
    for name in ("mnist", "fashion-mnist"):
        if cache_status(name).state != "verified":
            pytest.skip(f"no verified {name} in the data home: `nnlego data fetch {name}`")
    return book_entries(3)


def test_this_version_pins_its_pack_at_its_release():
    """A sha256, and the URL of this version's release asset."""
    pin = this_pin()
    assert re.fullmatch(r"[0-9a-f]{64}", pin.sha256) and re.fullmatch(r"[0-9a-f]{64}", pin.entries)
    assert pin.url == release_url(), f"{pin.url} is not this release's asset {release_url()}"


@pytest.mark.data
def test_the_pin_holds_the_networks_the_code_trains():
    """The pinned pack's entries are the cache keys of every network the book reads."""
    keys = book_keys()
    assert entries_digest(keys) == this_pin().entries, (
        f"the book now reads other networks than the pinned {pack_name()} holds (settings, "
        f"data or results format changed): {RELEASE_STEP}")


@pytest.mark.slow
@pytest.mark.data
def test_the_pin_is_what_the_results_cache_packs(tmp_path):
    """Same cache, same bytes: packing the cache that made the pinned pack gives its sha256."""
    pin, keys, cache = this_pin(), book_keys(), ResultsCache()
    missing = [k for k in keys if cache.load(k) is None]
    if missing:
        skip_or_fail(f"the results cache {cache.root} lacks {len(missing)} of the book's "
                     f"{len(keys)} networks: `nnlego results fetch` or `make results`")
    if not any(set(keys) <= set(done.get("keys", [])) for done in imported(cache).values()):
        pytest.skip(f"the results cache {cache.root} never made nor imported a pack of the "
                    "book: its networks were trained here, and their files record this "
                    "machine's training times and save dates, so no pack of them has the "
                    "pinned bytes (`nnlego results fetch` imports the release's)")
    first = build(tmp_path / "a", keys, cache=cache, labels=keys, record=False)
    again = build(tmp_path / "b", keys, cache=cache, labels=keys, record=False)
    assert first.path.read_bytes() == again.path.read_bytes(), "packing is not deterministic"
    assert first.sha256 == pin.sha256, (
        f"{pack_name()} built from {cache.root} has sha256 {first.sha256}, the pin says "
        f"{pin.sha256}. A release: the book's networks were retrained since the pin; "
        f"{RELEASE_STEP}. Not a release: this cache was trained here, and a pack was built "
        "from it; `nnlego results fetch` puts the release's networks in its place")
