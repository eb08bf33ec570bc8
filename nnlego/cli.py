"""The ``nnlego`` command: ``nnlego data ...`` and ``nnlego reproduce ...``.

Each subcommand lives in ``nnlego/commands/<name>.py`` with ``add_parser(subparsers)``, which
registers its arguments and ``func`` (returning an exit code). Errors a user can fix (a bad
option, missing data) print one clear line on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__

COMMANDS = ("data", "reproduce", "grade")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="nnlego", description="What does a neural network actually learn? "
        "Get the data and reproduce both articles.")
    parser.add_argument("--version", action="version", version=f"nnlego {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"nnlego.commands.{name}").add_parser(subparsers)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, FileNotFoundError, PermissionError, NotADirectoryError) as error:
        print(f"nnlego {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nnlego: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
