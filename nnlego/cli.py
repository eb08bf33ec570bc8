"""The ``nnlego`` command: data, results, reproduce; check; grade, feedback, review, report,
sandbox, course.

Each subcommand lives in ``nnlego/commands/<name>.py`` with ``add_parser(subparsers)``, which
registers its arguments and ``func`` (returning an exit code). Errors a user can fix print one
clear message on stderr, never a traceback, and exit with status 2: a bad value or file
(``ValueError``, a refused pickle) and every OS error -- a data home that is a file, a read-only
folder, a full disk -- as one line naming the path and the fix.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import pickle
import sys

from . import __version__

COMMANDS = ("data", "results", "reproduce", "check", "grade", "grades", "review",  # modules
            "report", "sandbox", "course")
# (commands/grade.py registers both ``grade`` and ``feedback``)
_FIXES = {  # what to do about the OS errors a user meets
    errno.EEXIST: "a file is where a folder is needed; move it or choose another folder",
    errno.ENOTDIR: "a file is where a folder is needed; move it or choose another folder",
    errno.EACCES: "change its permissions, or choose a folder you can write to "
                  "(e.g. --data-home or $NNLEGO_DATA)",
    errno.EROFS: "choose a folder you can write to (e.g. --data-home or $NNLEGO_DATA)",
    errno.ENOSPC: "free some disk space or choose a folder on another disk",
    errno.EDQUOT: "free some disk space or choose a folder on another disk",
    errno.EFBIG: "the file is larger than this system allows here; choose another folder",
}


def build_parser():
    parser = argparse.ArgumentParser(
        prog="nnlego", description="What does a neural network actually learn? "
        "Get the data, reproduce both articles, check your exercises; grade a class.")
    parser.add_argument("--version", action="version", version=f"nnlego {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"nnlego.commands.{name}").add_parser(subparsers)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ValueError, OSError, pickle.UnpicklingError) as error:
        print(f"nnlego {args.command}: error: {describe(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nnlego: interrupted", file=sys.stderr)
        return 130


def describe(error: BaseException) -> str:
    """An error as the CLI prints it; an OS error with a path: "PATH: what happened; the fix"."""
    if not isinstance(error, OSError) or error.filename is None:
        return str(error)
    where = f"{error.filename} -> {error.filename2}" if error.filename2 else f"{error.filename}"
    own_words = error.errno is not None and error.strerror == os.strerror(error.errno)
    fix = _FIXES.get(error.errno) if own_words else None  # the OS said what, not what to do
    return f"{where}: {error.strerror or error}" + (f"; {fix}" if fix else "")


if __name__ == "__main__":
    sys.exit(main())
