"""nbgrader settings for the nnlego course: run nbgrader commands from the repository root.

solutions/<assignment>/*.ipynb are the only source; `make exercises` regenerates exercises/ from
them. Students' work goes to submitted/, autograded/ and feedback/ (never committed).
Instructors' guide: README.md ("For instructors") and book/appendix_b_instructors.md.
"""

import os

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    GetGrades,
    IgnorePattern,
    LimitOutput,
)

from nnlego.course.grading.execute import ProtectedExecute, ScoreByTokens
from nnlego.course.grading.feedback import ClearHiddenTestsAndTheirLines

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

c.CourseDirectory.course_id = "nnlego"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"

# A cell that runs longer than this (an endless loop, say) is interrupted, scores 0, and grading
# goes on with the next cell. The slowest cell (training on 3,000 MNIST digits) takes ~5 s.
c.Execute.timeout = 60

# Grading (book/appendix_b_instructors.md, "Grading that cannot be fooled"): every submission runs
# in the sandboxed kernel `nnlego-sandbox` (make sandbox), and a test cell scores only when the
# grader's token shows that every statement in it ran (nnlego.course.grading.execute).
c.Execute.kernel_name = "nnlego-sandbox"
c.Autograde.autograde_preprocessors = [ProtectedExecute, IgnorePattern, ClearMetadataPreprocessor,
                                       LimitOutput, ScoreByTokens, AssignLatePenalties,
                                       CheckCellMetadata]

# A deleted graded cell is not put back: it scores 0 (an edited locked cell is always restored).
c.OverwriteCells.add_missing_cells = False

# Feedback is the autograded notebook (hidden tests restored and run) as HTML: clear them again,
# from the source, the tracebacks and the outputs (nnlego.course.grading.feedback).
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTestsAndTheirLines,
                                    CSSHTMLHeaderPreprocessor]

# The engine (book/appendix_b_instructors.md, "Grading that cannot be fooled"): v2, the default,
# runs the student's code in a sandboxed child that only computes and the test cells in the
# grader, which decides (nnlego.course.grading.judge); v1, the first engine, runs both in the
# sandboxed kernel under pass tokens. NNLEGO_GRADER_ENGINE=v1 in the grader's environment picks it.
ENGINE = os.environ.get("NNLEGO_GRADER_ENGINE") or "v2"
if ENGINE not in ("v1", "v2"):
    raise ValueError(f"NNLEGO_GRADER_ENGINE={ENGINE!r}: expected 'v2' (the default) or 'v1'; "
                     "unset it to grade with v2")
if ENGINE == "v2":
    from nnlego.course.grading.judge import ComputeAndJudge

    c.Autograde.autograde_preprocessors = [ComputeAndJudge, IgnorePattern,
                                           ClearMetadataPreprocessor, LimitOutput, ScoreByTokens,
                                           AssignLatePenalties, CheckCellMetadata]
