"""The course wing: everything that turns the book into a graded class, above the network.

- :mod:`nnlego.course.grading`: the grader (the sandboxed kernel, the nbgrader preprocessors,
  the parallel engine, the gradebook, feedback, the review scan);
- :mod:`nnlego.course.selfcheck`: ``nnlego check``, the learner's self-check without a grader;
- :mod:`nnlego.course.course_map`: the assignments and the chapters they belong to;
- :mod:`nnlego.course.publishing`: where the book and its notebooks are published.

Layers (DEVELOPERS.md): nothing in core, data, analyses, plots, experiments or articles imports
from here; the command line (:mod:`nnlego.commands`) sits on top. POSIX-only pieces (bubblewrap,
``fork``) live here and nowhere below.
"""
