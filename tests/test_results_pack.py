"""The results pack: built from a cache, checked member by member, fetched by hash (pooch) from a
local folder or a loopback HTTP server, imported so the cache loads instead of training."""

from __future__ import annotations

import json
import threading
import zipfile

import numpy as np
import pytest
from support.notebooks import ROOT
from support.packs import filled_cache, pin, serving

from nnlego import results_pack, results_pins
from nnlego.cli import main
from nnlego.data_sources import FetchError
from nnlego.results_cache import ResultsCache
from nnlego.results_pack import PackError, build, fetch, import_pack, pack_name


@pytest.fixture()
def pack(tmp_path):
    """(PackInfo, source cache, keys): a pack of three tiny entries in tmp_path/release."""
    cache, keys = filled_cache(tmp_path / "full")
    return build(tmp_path / "release", keys, cache=cache), cache, keys


def test_a_pack_round_trips_into_an_empty_cache(pack, tmp_path):
    """Every entry and snapshot file arrives intact: the empty cache then loads each network."""
    made, full, keys = pack
    assert (made.n_entries, made.n_snapshots) == (3, 1)
    empty = ResultsCache(tmp_path / "empty")
    assert all(empty.load(k) is None for k in keys)
    counts = import_pack(made.path, cache=empty)
    assert (counts["imported"], counts["already"], counts["snapshots"]) == (3, 0, 1)
    for key in keys:
        net, _ = empty.load(key)
        np.testing.assert_array_equal(net.weights[0], full.load(key)[0].weights[0])
    assert (empty.root / f"{keys[1]}.snapshots.npz").read_bytes() == b"not really an npz"
    again = import_pack(made.path, cache=empty)
    assert (again["imported"], again["already"]) == (0, 3)
    assert made.sha256 in results_pack.imported(empty)


def test_the_same_cache_gives_the_same_pack(pack, tmp_path):
    """Deterministic bytes: a release can be rebuilt and its pin still holds."""
    made, full, keys = pack
    assert build(tmp_path / "again", keys, cache=full).sha256 == made.sha256
    line = (tmp_path / "release" / f"{pack_name()}.sha256").read_text()
    assert line == f"{made.sha256}  {pack_name()}\n"


def test_the_cache_a_pack_was_built_from_holds_it(tmp_path):
    """build() records the pack in its cache (fetch then has nothing to do); record=False not."""
    cache, keys = filled_cache(tmp_path / "c")
    quiet = build(tmp_path / "quiet", keys, cache=cache, record=False)
    assert not results_pack.holds(cache, quiet.sha256)
    made = build(tmp_path / "out", keys, cache=cache)
    assert results_pack.holds(cache, made.sha256)
    assert results_pack.imported(cache)[made.sha256]["built"] == 3
    assert fetch(cache=cache, source="http://127.0.0.1:9/", sha256=made.sha256)[
        "already imported"]
    (cache.root / f"{keys[0]}.json").unlink()          # an entry gone: no longer held
    assert not results_pack.holds(cache, made.sha256)


def test_packing_an_unfilled_cache_says_how_to_fill_it(tmp_path):
    cache, keys = filled_cache(tmp_path / "c", n=1)
    with pytest.raises(PackError, match=r"1 of the 2 entries.*nnlego reproduce all"):
        build(tmp_path / "out", [*keys, "0" * 24], cache=cache)


def rewrite(path, change):
    """Rewrite the zip at ``path`` with ``change(name, data) -> (name, data) | None``."""
    with zipfile.ZipFile(path) as old:
        members = [(n, old.read(n)) for n in old.namelist()]
    with zipfile.ZipFile(path, "w") as new:
        for name, data in members:
            if (kept := change(name, data)) is not None:
                new.writestr(*kept)


@pytest.mark.parametrize("change, message", [
    (lambda n, d: (n, d + b"x") if n.endswith(".npz") else (n, d), "differ from their sha256"),
    (lambda n, d: None if n.endswith(".json") and n != "manifest.json" else (n, d), "lacks"),
    (lambda n, d: ("../" + n, d) if n.endswith(".npz") else (n, d), "does not list"),
    (lambda n, d: None if n == "manifest.json" else (n, d), "no manifest.json"),
    (lambda n, d: (n, json.dumps({**json.loads(d), "results_format": -1}).encode())
     if n == "manifest.json" else (n, d), "format -1"),
])
def test_a_damaged_or_foreign_pack_imports_nothing(pack, tmp_path, change, message):
    """Tampered, truncated, escaping, unlisted or stale: an error naming it, the cache untouched."""
    made, _, keys = pack
    rewrite(made.path, change)
    empty = ResultsCache(tmp_path / "empty")
    with pytest.raises(PackError, match=message):
        import_pack(made.path, cache=empty)
    assert not empty.root.exists() or not any(empty.root.iterdir())
    assert not list(tmp_path.glob("*.npz"))


def test_fetch_from_a_local_folder_checks_the_pinned_hash(pack, tmp_path, monkeypatch):
    made, _, keys = pack
    cache = ResultsCache(tmp_path / "fresh")
    with pytest.raises(PackError, match="sha256 is .*expected"):
        fetch(cache=cache, source=made.path.parent, sha256="0" * 64)
    assert cache.load(keys[0]) is None
    pin(monkeypatch, made.sha256)
    assert fetch(cache=cache, source=made.path.parent)["imported"] == 3
    assert fetch(cache=cache, source=made.path.parent)["already imported"]
    assert cache.load(keys[2]) is not None
    cache.clear()                                   # entries gone: the next fetch imports again
    assert fetch(cache=cache, source=made.path.parent)["imported"] == 3


def test_fetch_without_a_pin_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.delenv(results_pack.SHA_ENV, raising=False)
    monkeypatch.setattr(results_pins, "PINS", {})
    with pytest.raises(PackError, match="no sha256 is pinned.*nnlego results import"):
        fetch(cache=tmp_path, source=tmp_path)


@pytest.fixture()
def server(pack):
    """A loopback HTTP server of the pack's folder: its base URL."""
    with serving(pack[0].path.parent) as url:
        yield url


def test_fetch_over_http_by_hash(pack, server, tmp_path, monkeypatch):
    """pooch downloads from $NNLEGO_RESULTS_URL, checks $NNLEGO_RESULTS_SHA256, keeps the file."""
    made, _, keys = pack
    monkeypatch.setenv(results_pack.URL_ENV, server)
    monkeypatch.setenv(results_pack.SHA_ENV, made.sha256)
    cache = ResultsCache(tmp_path / "fresh")
    done = fetch(cache=cache)
    assert done["imported"] == 3 and done["source"] == server + pack_name()
    assert (cache.root / "downloads" / pack_name()).is_file()
    assert all(cache.load(k) is not None for k in keys)


def test_a_wrong_hash_over_http_is_a_fetch_error(pack, server, tmp_path):
    made, _, keys = pack
    cache = ResultsCache(tmp_path / "fresh")
    with pytest.raises(FetchError, match="SHA256 hash of downloaded file"):
        fetch(cache=cache, source=server, sha256="1" * 64)
    assert cache.load(keys[0]) is None


def test_fetch_with_no_server_fails_fast(tmp_path):
    with pytest.raises(FetchError, match="no connection.*nnlego results import"):
        fetch(cache=tmp_path, source="http://127.0.0.1:9/", sha256="1" * 64, timeout=2)


def test_the_command_line(pack, server, tmp_path, capsys, monkeypatch):
    """fetch / import / info print what they did; a failure is one line and exit status 1."""
    made, _, _ = pack
    monkeypatch.setenv("NNLEGO_RESULTS", str(tmp_path / "cli"))
    assert main(["results", "fetch", "--source", server, "--sha256", made.sha256,
                 "--no-progress"]) == 0
    assert "3 networks imported" in capsys.readouterr().out
    assert main(["results", "import", str(made.path)]) == 0
    assert "0 networks imported, 3 already there" in capsys.readouterr().out
    assert main(["results", "info"]) == 0
    out = capsys.readouterr().out
    assert f"imported {pack_name()}" in out and "3 networks" in out
    assert main(["results", "fetch", "--source", server, "--sha256", "2" * 64,
                 "--no-progress", "--cache", str(tmp_path / "other")]) == 1
    assert "cannot download the results pack" in capsys.readouterr().err


def test_the_release_url_is_the_repository_of_the_one_setting():
    """The package cannot read _config.yml at run time; this test ties its URL to it."""
    from nnlego.course.publishing import publication

    repository = publication(ROOT / "_config.yml").repository
    assert results_pack.RELEASES == repository + "/releases/download"
    assert results_pack.release_url("1.2.3").endswith("/v1.2.3/nnlego-results-1.2.3.zip")


def test_a_pack_missing_from_the_release_is_a_clear_fetch_error(pack, tmp_path):
    """A 404 (the release has no such asset) names the status and asks whether it is published."""
    made, _, keys = pack
    cache = ResultsCache(tmp_path / "fresh")
    with serving(tmp_path / "empty") as url, pytest.raises(
            FetchError, match=r"404 .* \(is release v.* published with its pack\?\)"):
        fetch(cache=cache, source=url, sha256=made.sha256)
    assert cache.load(keys[0]) is None


def test_a_server_that_never_answers_is_a_fetch_error_not_a_hang(tmp_path):
    """A host that accepts the connection and stays silent: the timeout ends the wait."""
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()                 # accepts (the kernel does) and never replies
    outcome = []

    def attempt():
        try:
            fetch(cache=tmp_path, source=f"http://127.0.0.1:{silent.getsockname()[1]}/",
                  sha256="1" * 64, timeout=1)
        except FetchError as error:
            outcome.append(str(error))

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(20)                 # 20 times the timeout: ignoring it, not slowness, fails
    silent.close()
    assert not worker.is_alive(), "fetch(timeout=1) still waiting on a silent server after 20 s"
    assert outcome and "did not answer within 1 s" in outcome[0], outcome


# -- entries verified whole (issue 25, part 5) ----------------------------------------------------
def _records(path):
    """``{name: record}`` of the entries' JSON members of the pack at ``path``."""
    with zipfile.ZipFile(path) as archive:
        return {n: json.loads(archive.read(n)) for n in archive.namelist()
                if n.endswith(".json") and n != "manifest.json"}


def test_a_pack_without_digests_imports_verified_entries_and_packs_to_the_same_bytes(
        pack, tmp_path):
    """The pack's JSON members are the records without their digest (as in the pinned 0.1.0
    pack, made before digests): import_pack writes each with its digest, the entries load
    without a word, the snapshots are sealed, and packing the imported cache gives the pack's
    bytes again (a pin holds)."""
    import hashlib
    import warnings

    from nnlego import results_cache, snapshots
    made, _, keys = pack
    assert all("digest" not in record for record in _records(made.path).values())
    cache = ResultsCache(tmp_path / "imported")
    import_pack(made.path, cache=cache)
    for key in keys:
        record = json.loads((cache.root / f"{key}.json").read_text())
        body = {name: value for name, value in record.items() if name != "digest"}
        assert record["digest"] == results_cache.record_digest(body)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert cache.load(key) is not None
    snaps = cache.root / f"{keys[1]}.snapshots.npz"
    assert snapshots.seal_path(snaps).read_text() == (
        f"{hashlib.sha256(snaps.read_bytes()).hexdigest()}  {snaps.name}\n")
    assert build(tmp_path / "again", keys, cache=cache).sha256 == made.sha256


def test_importing_again_verifies_entries_imported_before_digests(pack, tmp_path):
    """A cache that imported the pack before digests holds the pack's bytes, stale now: the
    same pack imports again (not "already there"), so its entries load instead of retraining."""
    made, _, keys = pack
    cache = ResultsCache(tmp_path / "old")
    cache.root.mkdir(parents=True)
    with zipfile.ZipFile(made.path) as archive:            # what the old import_pack wrote
        for name in archive.namelist():
            if name != "manifest.json":
                (cache.root / name).write_bytes(archive.read(name))
    assert all(cache.load(key) is None for key in keys)
    counts = import_pack(made.path, cache=cache)
    assert (counts["imported"], counts["already"]) == (3, 0)
    assert all(cache.load(key) is not None for key in keys)
    assert results_pack.holds(cache, made.sha256)


def test_a_pack_whose_entry_is_no_json_object_imports_nothing(pack, tmp_path):
    """A JSON member listed with its right sha256 but holding no record: an error naming the
    pack before anything is written (its digest cannot be computed)."""
    import hashlib
    made, _, keys = pack
    name = f"{keys[0]}.json"
    manifest = json.loads(zipfile.ZipFile(made.path).read("manifest.json"))
    manifest["files"][name] = hashlib.sha256(b"[1, 2]").hexdigest()
    rewrite(made.path, lambda n, d: (n, b"[1, 2]") if n == name else
            (n, json.dumps(manifest).encode()) if n == "manifest.json" else (n, d))
    empty = ResultsCache(tmp_path / "empty")
    with pytest.raises(PackError, match="entry JSON that is no record.*not an object"):
        import_pack(made.path, cache=empty)
    assert not empty.root.exists() or not any(empty.root.iterdir())
