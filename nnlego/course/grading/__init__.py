"""Grading that cannot be fooled: the sandboxed kernel, the token-checked tests, the course runner.

- :mod:`nnlego.course.grading.guard`: runs inside the graded kernel (``own_work``, the
  snapshot, tokens);
- :mod:`nnlego.course.grading.repeat`: ``repeat``, many calls of a student's function in one
  step (the sampler tests; the grading engine may run the loop next to the student's code);
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
