"""The grading kernel: ipykernel with :mod:`nnlego.course.grading.guard` installed before any
cell runs.

It starts in its own working folder, a tmpfs of the sandbox, filled with a copy of the folder the
grader prepared (``NNLEGO_WORK_START``, read-only): nothing it writes there leaves the sandbox.

``python -m nnlego.course.grading.kernel -f CONNECTION_FILE`` (the sandbox launcher runs it inside
bubblewrap). The guard's snapshot is taken after the kernel is set up (so ``sys.stdout`` is
already the kernel's stream) and before the first cell, with NumPy and nnlego imported.
"""

import sys


def main(argv=None):
    # Not the working folder: a submitted numpy.py must not shadow NumPy (for the tests either).
    sys.path[:] = [p for p in sys.path if p not in ("", ".") and not _is_cwd(p)]
    _fill_workdir()
    from nnlego.course.grading import guard

    key = guard.read_key()
    import numpy  # noqa: F401  (snapshot what the tests rely on, before any cell)
    from ipykernel.kernelapp import IPKernelApp

    import nnlego  # noqa: F401
    import nnlego.bricks  # noqa: F401
    import nnlego.correlation  # noqa: F401
    import nnlego.initializers  # noqa: F401
    import nnlego.tiles  # noqa: F401

    app = IPKernelApp.instance()
    app.initialize((sys.argv[1:] if argv is None else argv) + ["--IPKernelApp.ignore_cwd=True",
                                                                  "--IPKernelApp.parent_handle=1"])
    guard.install(app.shell, key)
    app.start()


def _fill_workdir():
    """Copy the grader's start folder (read-only) into the working folder (the kernel's own)."""
    import os
    import shutil

    start = os.environ.pop("NNLEGO_WORK_START", None)
    if start and os.path.isdir(start):
        shutil.copytree(start, os.getcwd(), symlinks=True, dirs_exist_ok=True)


def _is_cwd(path):
    import os

    return os.path.abspath(path) == os.getcwd()


if __name__ == "__main__":
    main()
