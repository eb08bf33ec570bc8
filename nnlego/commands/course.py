"""``nnlego course``: the instructor's course on a shared machine.

- ``nnlego course exercises`` (``make exercises``): exercises/ from solutions/, all or nothing
  (a failed step leaves every released notebook as it was), the gradebook checked first;
- ``nnlego course lock [--group G]``: the course closed to other users of the machine;
- ``nnlego course private DEST [--upstream URL]``: make or update a private course with hidden
  tests of its own seeds;
- ``nnlego course certs DIR``: the certificates of a Dask grading cluster (TLS).

See book/appendix_b_instructors.md.
"""

from __future__ import annotations

from nnlego.commands import positive_int


def add_parser(subparsers):
    course = subparsers.add_parser(
        "course", help="the instructor's course: exercises, lock, private, certs",
        description="The instructor's course: regenerate exercises/ all or nothing, close the "
        "course to other users of a shared machine, make or update a private course with "
        "hidden tests of its own, make the certificates of a Dask grading cluster "
        "(book/appendix_b_instructors.md).")
    actions = course.add_subparsers(dest="action", required=True, metavar="ACTION")
    exercises = actions.add_parser("exercises", help="regenerate exercises/ from solutions/, "
                                   "all or nothing")
    exercises.add_argument("--root", default=".", help="the course root (default: .)")
    exercises.add_argument("--assignment", action="append", default=None, metavar="NAME",
                           help="only this assignment (repeatable; default: all)")
    exercises.add_argument("--db", default=None, metavar="URL", help="the gradebook "
                           "(default: nbgrader_config.py's)")
    exercises.set_defaults(func=run_exercises)
    locking = actions.add_parser("lock", help="close the course (solutions, gradebook, "
                                 "students' work) to other users of this machine")
    locking.add_argument("--root", default=".", help="the course root (default: .)")
    locking.add_argument("--group", default=None, help="also open it (read-only) to this group, "
                         "e.g. the teaching assistants")
    locking.set_defaults(func=run_lock)
    private = actions.add_parser("private", help="make or update a private course with hidden "
                                 "tests of its own")
    private.add_argument("dest", help="the private course's folder (a git repository)")
    private.add_argument("--upstream", default=None, help="the public course (URL or folder) to "
                         "create it from")
    private.add_argument("--branch", default="main", help="upstream's branch (default: main)")
    private.add_argument("--assignment", action="append", default=None, metavar="NAME",
                         help="regenerate only this assignment (repeatable; default: all)")
    private.set_defaults(func=run_private)
    certs = actions.add_parser("certs", help="make the certificates of a Dask grading cluster")
    certs.add_argument("dir", help="the folder for them (created readable by you only)")
    certs.add_argument("--days", type=positive_int, default=365, help="validity (default 365)")
    certs.set_defaults(func=run_certs)
    return course


def run_exercises(args) -> int:
    from nnlego.course.exercises import generate_exercises
    from nnlego.course.grading.gradebook import GradebookError

    try:
        done = generate_exercises(args.root, args.assignment, args.db)
    except (GradebookError, RuntimeError) as error:
        raise ValueError(str(error)) from None
    print(f"nnlego course exercises: {len(done)} assignments released into exercises/")
    return 0


def run_lock(args) -> int:
    from nnlego.course.privacy import lock

    locked = lock(args.root, args.group)
    who = f"you and the group {args.group}" if args.group else "you only"
    print(f"nnlego course lock: {args.root} and {', '.join(locked) or 'nothing else'}: "
          f"readable by {who}")
    return 0


def run_private(args) -> int:
    from nnlego.course.grading.gradebook import GradebookError
    from nnlego.course.private_course import make_private

    try:
        done = make_private(args.dest, args.upstream, args.branch, args.assignment)
    except (GradebookError, RuntimeError) as error:
        raise ValueError(str(error)) from None
    print(f"nnlego course private: {'created' if done['created'] else 'updated'} {args.dest}: "
          f"{len(done['reseeded'])} notebooks re-seeded, {len(done['generated'])} assignments "
          "generated, locked to you; keep its repository private")
    return 0


def run_certs(args) -> int:
    from nnlego.course.grading.tls import make_certs

    folder = make_certs(args.dir, args.days)
    print(f"nnlego course certs: {folder}/ca.pem, node.pem, node-key.pem (readable by you "
          "only); pass --certs to nnlego grade and the same files to the scheduler and workers")
    return 0
