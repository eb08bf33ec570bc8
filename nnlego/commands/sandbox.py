"""``nnlego sandbox``: install the sandboxed grading kernel ``nnlego-sandbox``.

Every submission is graded in it (``nbgrader_config.py``; :mod:`nnlego.course.grading.sandbox` says
what it can see). It needs Debian's bubblewrap: ``make sandbox`` installs both.
"""

from __future__ import annotations

import sys


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "sandbox", help="install the sandboxed grading kernel (needs bubblewrap)",
        description="Write the kernel spec nnlego-sandbox into <prefix>/share/jupyter/kernels/ "
        "(default prefix: this Python's environment).")
    parser.add_argument("--prefix", default=sys.prefix,
                        help="the environment to install into (default: %(default)s)")
    parser.set_defaults(func=run)
    return parser


def run(args) -> int:
    from nnlego.course.grading.sandbox import KERNEL_NAME, install_kernel

    try:
        folder = install_kernel(args.prefix)
    except RuntimeError as error:        # bubblewrap missing: say how to get it
        raise ValueError(str(error)) from None
    print(f"installed the grading kernel {KERNEL_NAME!r} in {folder}")
    return 0
