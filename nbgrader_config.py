"""nbgrader configuration for the course: ``solutions/`` is the source, ``exercises/`` the release.

Run the course from this directory as any nbgrader course::

    nbgrader generate_assignment a01_the_question --force   # or: python -m autograder release
    nbgrader autograde a01_the_question
    nbgrader generate_feedback a01_the_question
    nbgrader export

``autograder.course`` loads this same file, so the tests and ``python -m autograder demo``
grade with exactly these settings.
"""

import os

# nbgrader gives 0 to a test cell that writes anything to stderr: keep TensorFlow's C++ logs quiet.
# Kernels inherit this process's environment.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

c = get_config()  # noqa: F821 -- traitlets injects get_config into config files

c.CourseDirectory.course_id = "keras-params"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"

# Importing TensorFlow alone takes seconds on 2 cores: allow a slow first cell (Validate and generate_assignment).
c.Execute.timeout = 600
c.Execute.interrupt_on_timeout = True

# Autograding is stock nbgrader with the package's plug-ins (autograder/nbgrader_plugins.py): the learner's
# kernel only produces data. Cells are sanitized against the gradebook, learner code runs in a bubblewrap
# sandbox with limits, every test cell's verdict is decided outside the kernel, and a submission that is
# not a readable notebook scores 0 without stopping the class.
from nbgrader.preprocessors import (  # noqa: E402 -- after the environment above
    AssignLatePenalties, CheckCellMetadata, ClearOutput, IgnorePattern, LimitOutput, OverwriteCells,
    OverwriteKernelspec, SaveAutoGrades,
)
from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402

c.Autograde.exporter_class = "autograder.nbgrader_plugins.LenientExporter"
c.Autograde.sanitize_preprocessors = [
    "autograder.nbgrader_plugins.TrustedCells",  # in place of DeduplicateIds
    ClearOutput, OverwriteKernelspec, OverwriteCells, CheckCellMetadata,
]
c.Autograde.autograde_preprocessors = [
    "autograder.nbgrader_plugins.SandboxedExecute",  # in place of Execute
    IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
    "autograder.nbgrader_plugins.InertOutputs",  # no script output or raw learner HTML left in the notebook
    SaveAutoGrades,
    "autograder.nbgrader_plugins.FlagForReview",  # review notes to review/ASSIGNMENT/STUDENT.json, never the notebook
    AssignLatePenalties, CheckCellMetadata,
]
c.ExportApp.plugin_class = "autograder.nbgrader_plugins.ReviewCsvExport"

# Learner content is inert on every page made from a graded notebook (autograder/inert.py): the feedback page
# runs no script at all (a strict Content-Security-Policy), and the formgrader's view of a submission, which
# runs the formgrader's own scripts on the instructor's Jupyter server, shows learner HTML and Markdown
# cleaned by an allow-list sanitizer (nh3) and no JavaScript output.
c.GenerateFeedback.exporter_class = "autograder.nbgrader_plugins.InertFeedbackExporter"
c.HTMLExporter.sanitize_html = True
c.HTMLExporter.preprocessors = ["autograder.nbgrader_plugins.InertOutputs"]
c.HTMLExporter.filters = {"markdown2html": "autograder.nbgrader_plugins.markdown2html",
                          "clean_html": "autograder.inert.clean_html"}

# Per-learner variants: every learner gets their own sizes for each question that varies, drawn from the
# course secret (.autograder_secret) and the student id; the grader grades each learner on their own.
# The learner's kernel needs their key (AUTOGRADER_LEARNER_KEY). Until a config says how keys reach the learners
# (here, or the instructor's ~/.jupyter/nbgrader_config.py as in deploy/), every assignment uses the book's numbers
# (generate_assignment logs which numbers each assignment uses). Uncomment one, once keys are handed out:
# c.Variants.keys = "jupyterhub"  # c.Spawner.environment sets each key (README, "Per-learner numbers")
# c.Variants.keys = "handed-out"  # each learner was given their key (python -m autograder keys ...)
# A submission whose notebook shows the book's numbers (worked without a key) while variants are on is flagged
# for review; "book" grades it on the book's numbers instead of the learner's own:
c.Variants.without_key = "flag"
c.Variants.enabled = True  # False: the book's numbers everywhere, even with keys handed out
# To give everyone the book's numbers in some assignments, list them here BEFORE releasing them:
c.Variants.fixed = []  # e.g. ["a01_the_question"]
from nbgrader.converters import GenerateAssignment  # noqa: E402

c.GenerateAssignment.preprocessors = [
    "autograder.nbgrader_plugins.StampFixed",  # show(..., fixed=True) where variants are off
    *GenerateAssignment.class_traits()["preprocessors"].default(),
]

# Self-study grading (python -m autograder grade) shows a model answer and a rubric for each hand-graded
# "Explain" question, after the learner's own text. A course that grades those by hand can hide them:
c.SelfStudy.model_answers = True

# Limits of one submission (see SandboxedExecute for all of them). The sandbox is required: to grade
# without it (a learner's code could then read and change this directory), set c.SandboxedExecute.sandbox = False.
c.SandboxedExecute.cell_timeout = 20  # then 10 s per cell once a cell has run past its limit
c.SandboxedExecute.notebook_timeout = 120

# The released answer cell keeps the line above the solution (e.g. ``answer = None``) and gets this stub.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
