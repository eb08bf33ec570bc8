"""Grading that cannot be fooled: the sandboxed kernel, the token-checked tests, the course runner.

- :mod:`nnlego.grading.guard`: runs inside the graded kernel (``own_work``, the snapshot, tokens);
- :mod:`nnlego.grading.sandbox` and :mod:`nnlego.grading.kernel`: the bubblewrap kernel;
- :mod:`nnlego.grading.execute`: nbgrader preprocessors (execute under tokens, score by tokens);
- :mod:`nnlego.grading.scan`: the static review of answer cells;
- :mod:`nnlego.grading.course`: grade a course, one (student, assignment) at a time if need be;
- :mod:`nnlego.grading.parallel`: ``nnlego grade``, many at once, on a cluster too (with
  ``parallel_tasks``, ``parallel_worker``, ``gradebook`` and ``synthetic``).

The design and the threat model: book/appendix_b_instructors.md.
"""

from nnlego.grading.guard import own_work

__all__ = ["own_work"]
