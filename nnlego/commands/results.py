"""``nnlego results fetch|import|info|pack``: the book's trained networks, without training.

Subcommands::

    fetch   have pooch download this release's results pack, verify its sha256, import it
            into the results cache (progress bar on a terminal); does nothing when it was
            imported already.
    import  a pack you have (offline, a mirror, a course's own): every member checked first.
    info    the results cache, its entries, the packs imported, and where this version's pack is.
    pack    build the pack from a filled cache (``nnlego reproduce all`` first): the entries
            the book reads and their snapshots, with a manifest of hashes; prints the line
            that pins it.

The library does the work (:mod:`nnlego.results_pack`); this module parses and prints.
"""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..commands import positive_int, seconds
from ..data_sources import FetchError
from ..results_cache import ENV_VAR, ResultsCache
from ..results_pack import (
    SHA_ENV,
    URL_ENV,
    PackError,
    build,
    fetch,
    import_pack,
    info,
    pack_name,
    pin_line,
    release_url,
)


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``results`` and its subcommands on the ``nnlego`` parser's ``subparsers``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--cache", metavar="DIR", default=None,
                        help=f"the results cache (default: ${ENV_VAR}, else the user cache dir)")
    parser = subparsers.add_parser("results", help="get the book's trained networks (the "
                                   "results pack) instead of training them",
                                   description=__doc__.split("\n\n")[0])
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("fetch", parents=[common], help="download, verify and import the pack")
    p.add_argument("--source", metavar="URL_OR_DIR", default=None,
                   help=f"where the pack is (default: ${URL_ENV}, else this release's asset)")
    p.add_argument("--sha256", default=None,
                   help=f"the pack's sha256 (default: ${SHA_ENV}, else this release's pin)")
    p.add_argument("--timeout", type=seconds, default=30.0, metavar="SECONDS",
                   help="give up on a connection after this long (default: 30)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p = actions.add_parser("import", parents=[common], help="import a pack you already have")
    p.add_argument("path", metavar="PATH", help=f"the pack ({pack_name()})")
    p = actions.add_parser("info", parents=[common], help="the cache and this version's pack")
    p = actions.add_parser("pack", parents=[common], help="build the pack from a filled cache")
    p.add_argument("--out", default="release", metavar="DIR",
                   help="where to write the pack (default: release)")
    p.add_argument("--seeds", type=positive_int, default=3,
                   help="seeds per setting (default: 3)")
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    """Run ``nnlego results ACTION``; returns the exit code."""
    try:
        return {"fetch": _fetch, "import": _import, "info": _info, "pack": _pack}[args.action](
            args)
    except (FetchError, PackError) as error:
        print(f"nnlego results {args.action}: {error}", file=sys.stderr)
        return 1


def _counts(result: dict) -> str:
    if result.get("already imported"):
        return "already imported"
    return (f"{result['imported']} networks imported, {result['already']} already there, "
            f"{result['snapshots']} snapshot files")


def _fetch(args) -> int:
    progressbar = not args.no_progress and sys.stderr.isatty()
    result = fetch(cache=args.cache, source=args.source, sha256=args.sha256,
                   progressbar=progressbar, timeout=args.timeout)
    print(f"{result['source']}: {_counts(result)} ({ResultsCache(args.cache).root})")
    return 0


def _import(args) -> int:
    result = import_pack(args.path, cache=args.cache)
    print(f"{args.path}: {_counts(result)} (sha256 {result['sha256']}; "
          f"{ResultsCache(args.cache).root})")
    return 0


def _info(args) -> int:
    state = info(args.cache)
    print(f"results cache: {state['cache']}  ({state['entries']} networks; set ${ENV_VAR} "
          "to move it)")
    for digest, done in state["imported"].items():
        how = "built here" if "built" in done else "imported"
        print(f"  {how} {done['name']} ({digest[:12]}…) on {done['when']}")
    pin = state["sha256"] or ("none: not a release with a pack; `nnlego reproduce all` trains "
                              "the networks (about 7 minutes on 2 cores)")
    print(f"this version's pack: {state['pack']}\n  from {state['source']}\n  sha256 {pin}")
    return 0


def _pack(args) -> int:
    from ..reproduce import book_entries

    entries = book_entries(args.seeds, args.cache)
    made = build(args.out, entries, cache=args.cache, labels=entries)
    print(f"{made.path}: {made.n_entries} networks, {made.n_snapshots} snapshot files, "
          f"{made.size / 1e6:.1f} MB\nsha256 {made.sha256}\n"
          f"upload it as an asset of the release v{__version__} ({release_url()}) and pin "
          f"it with this line in PINS of nnlego/results_pins.py:\n"
          f"{pin_line(made.path.name, made.sha256, entries)}")
    return 0
