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
    enter_workdir()
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


def enter_workdir():
    """What every sandboxed process of the grader does first (this kernel, grading v2's child
    and zygote): take the working folder off ``sys.path`` (a submitted ``numpy.py`` must not
    shadow NumPy, for the tests either), then copy the grader's start folder (read-only,
    ``NNLEGO_WORK_START``) into the working folder, the process's own."""
    import os
    import shutil

    cwd = os.getcwd()
    sys.path[:] = [p for p in sys.path if p not in ("", ".") and os.path.abspath(p) != cwd]
    start = os.environ.pop("NNLEGO_WORK_START", None)
    if start and os.path.isdir(start):
        shutil.copytree(start, cwd, symlinks=True, dirs_exist_ok=True)


if __name__ == "__main__":
    main()
