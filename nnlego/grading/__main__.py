"""``python -m nnlego.grading grade|feedback|review|install-kernel [ASSIGNMENT ...]``.

Run from the course root (the repository root). Without assignments: every one of solutions/.
``grade`` and ``feedback`` exit 1 if any submission failed (after doing all the others).
"""

import argparse
import sys
from pathlib import Path

from nnlego.grading import course, sandbox


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m nnlego.grading", description=__doc__)
    parser.add_argument("step", choices=["grade", "feedback", "review", "install-kernel"])
    parser.add_argument("assignments", nargs="*", help="default: every folder of solutions/")
    parser.add_argument("--student", help="grade only this student (with one assignment)")
    args = parser.parse_args(argv)
    assignments = args.assignments or sorted(p.name for p in Path("solutions").glob("[0-9]*"))
    if args.step == "install-kernel":
        print(f"installed the grading kernel {sandbox.KERNEL_NAME!r} in "
              f"{sandbox.install_kernel()}")
        return 0
    if args.step == "review":
        course.review()
        return 0
    if args.student:
        if len(assignments) != 1:
            parser.error("--student needs exactly one assignment")
        return 0 if course.grade_one(assignments[0], args.student) else 1
    failed = (course.grade if args.step == "grade" else course.feedback)(assignments)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
