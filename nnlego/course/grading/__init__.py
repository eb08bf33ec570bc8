"""Grading that cannot be fooled: the two engines, the sandbox, the course runner.

Grading v2, the course's engine (the student's process only computes, the grader decides):

- :mod:`nnlego.course.grading.judge`: the nbgrader preprocessor; :mod:`~nnlego.course.grading.drive`
  runs a notebook's setup and test cells in the grader;
- :mod:`nnlego.course.grading.remote`, :mod:`~nnlego.course.grading.computer`: the sandboxed
  child and the student's functions by proxy; :mod:`~nnlego.course.grading.wire`,
  :mod:`~nnlego.course.grading.link`, :mod:`~nnlego.course.grading.arguments`: the plain data
  that crosses;
- :mod:`nnlego.course.grading.withheld`: nnlego without the graded pieces, in the child;
- :mod:`nnlego.course.grading.warm`, :mod:`~nnlego.course.grading.zygote`: warm forks.

The first engine (``NNLEGO_GRADER_ENGINE=v1``) and what both use:

- :mod:`nnlego.course.grading.guard`: runs inside the graded kernel (``own_work``, the
  snapshot, tokens);
- :mod:`nnlego.course.grading.repeat`: ``repeat``, many calls of a student's function in one
  step (the sampler tests; v2 runs the loop next to the student's code, in one round trip);
- :mod:`nnlego.course.grading.explain`: ``explained``, a student's function that raises fails
  its test with the call, the error and the likely fix;
- :mod:`nnlego.course.grading.sandbox` and :mod:`nnlego.course.grading.kernel`: the bubblewrap
  kernel;
- :mod:`nnlego.course.grading.execute`: nbgrader preprocessors (execute under tokens, score by
  tokens);
- :mod:`nnlego.course.grading.scan`: the static review of answer cells, and ``review.csv``;
- :mod:`nnlego.course.grading.feedback`: feedback pages without the hidden tests;
- :mod:`nnlego.course.grading.parallel`: the one grading engine (``nnlego grade|feedback``), many at
  once or one (``--workers 1``), on a cluster too (with ``parallel_tasks``, ``parallel_worker``,
  ``gradebook`` and ``synthetic``);
- :mod:`nnlego.course.grading.planning` and :mod:`nnlego.course.grading.records`: what a run
  grades and why (new, resubmitted, not on the roster), from digests of the folders;
- :mod:`nnlego.course.grading.export`: grades.csv of the assignments handed in so far.

The command line: ``nnlego grade``, ``nnlego feedback``, ``nnlego grades``, ``nnlego review``,
``nnlego sandbox``.

The design and the threat model: book/appendix_b_instructors.md.
"""

from nnlego.course.grading.explain import explained
from nnlego.course.grading.guard import own_work
from nnlego.course.grading.repeat import repeat

__all__ = ["explained", "own_work", "repeat"]
