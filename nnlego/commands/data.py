"""``nnlego data fetch|import|info``: get, verify and show MNIST and Fashion-MNIST.

Subcommands::

    fetch   have pooch download the official files (progress bar on a terminal), verify,
            convert once; does nothing when the verified cache is there; exits 1 fast when
            there is no network.
    import  take files you already have (mnist.pkl.gz, the four Fashion-MNIST IDX files, a folder).
    info    the data home and, per data set, whether its cache is there and verifies
            (``--check``: exit 1 unless it does; scripts use this).

The library does the work (:mod:`nnlego.datasets`, :mod:`nnlego.data_sources`); this module only
parses arguments and prints. Errors (bad files, OS errors) are reported by :mod:`nnlego.cli`.
"""

from __future__ import annotations

import argparse
import os
import sys

from nnlego.commands import seconds

from ..data_sources import FetchError, fetch, import_path
from ..datasets import ENV_VAR, SPECS, cache_path, cache_status, data_home

CHOICES = (*SPECS, "all")


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``data`` and its subcommands on the ``nnlego`` parser's ``subparsers``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-home", metavar="DIR", default=None,
                        help=f"the data folder (default: ${ENV_VAR}, else the user cache dir)")
    parser = subparsers.add_parser("data", help="get, verify and show MNIST and Fashion-MNIST",
                                   description=__doc__.split("\n\n")[0])
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    p = actions.add_parser("fetch", parents=[common], help="download, verify and cache")
    p.add_argument("dataset", nargs="?", default="all", choices=CHOICES)
    p.add_argument("--force", action="store_true", help="convert again even if the cache "
                   "verifies (pooch downloads again only missing or damaged files)")
    p.add_argument("--timeout", type=seconds, default=10.0, metavar="SECONDS",
                   help="give up on a connection after this long (default: 10)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")

    p = actions.add_parser("import", parents=[common], help="import files you already have")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="mnist.pkl.gz, Fashion-MNIST IDX files, or a folder holding them")
    p.add_argument("--force", action="store_true", help="rewrite the cache even if it verifies")

    p = actions.add_parser("info", parents=[common], help="where the data is and if it verifies")
    p.add_argument("datasets", nargs="*", metavar="DATASET",
                   help=f"which to show: {', '.join(CHOICES)} (default: all)")
    p.add_argument("--check", action="store_true",
                   help="exit with status 1 unless every data set shown is there and verifies")
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    """Run ``nnlego data ACTION``; returns the exit code."""
    return {"fetch": _fetch, "import": _import, "info": _info}[args.action](args)


def _names(choice: str) -> list[str]:
    return list(SPECS) if choice == "all" else [choice]


def _fetch(args) -> int:
    progressbar = not args.no_progress and sys.stderr.isatty()
    for name in _names(args.dataset):
        try:
            result = fetch(name, data_home=args.data_home, force=args.force,
                           progressbar=progressbar, timeout=args.timeout)
        except FetchError as error:
            print(f"nnlego data fetch: {name}: {error}", file=sys.stderr)
            return 1
        print(f"{name}: {result}, verified ({cache_path(name, data_home=args.data_home)})")
    return 0


def _import(args) -> int:
    results = import_path(args.paths, data_home=args.data_home, force=args.force)
    for name, result in results.items():
        print(f"{name}: {result}, verified ({cache_path(name, data_home=args.data_home)})")
    return 0


def _info(args) -> int:
    unknown = [choice for choice in args.datasets if choice not in CHOICES]
    if unknown:
        raise ValueError(f"unknown data set {unknown[0]!r}; choose from {', '.join(CHOICES)}")
    home = data_home(args.data_home)
    origin = ("--data-home" if args.data_home else f"${ENV_VAR}" if os.environ.get(ENV_VAR)
              else "the user cache directory")
    print(f"data home: {home}  (from {origin}; set ${ENV_VAR} to move it)")
    names = [n for choice in (args.datasets or ["all"]) for n in _names(choice)]
    ok = True
    for name in dict.fromkeys(names):
        status = cache_status(name, data_home=home)
        ok &= status.state == "verified"
        line = f"  {name:<14} {status.state:<9} "
        if status.state == "verified":
            made = status.provenance.get("created", "?")
            line += f"{status.detail}  ({status.provenance.get('how', '?')} {made})"
        elif status.state == "missing":
            line += f"get it: nnlego data fetch {name}  (offline: nnlego data import PATH)"
        else:
            line += status.detail
        print(line)
    return 1 if args.check and not ok else 0
