"""nbgrader plug-ins: stock ``nbgrader autograde`` with trusted verdicts and sandboxed learner code.

The course's ``nbgrader_config.py`` puts these in nbgrader's own preprocessor lists, so an
instructor runs the usual commands (``nbgrader autograde ASSIGNMENT``, ``generate_feedback``,
``export``) and gets grades that the learner's kernel cannot forge:

- :class:`LenientExporter` reads a submission that is not a readable notebook as an empty one,
  so it scores 0 and the run goes on to the next learner;
- :class:`TrustedCells` (first in ``sanitize_preprocessors``) keeps nbgrader metadata only on the
  cells the gradebook names, once each, rewritten from the gradebook (:mod:`.trusted.cells`);
- :class:`SandboxedExecute` (in place of ``Execute``) runs the notebook sandboxed with limits and
  rewrites every test cell's outputs from the verdict decided here (:mod:`.trusted.pipeline`);
- :class:`FlagForReview` (after ``SaveAutoGrades``) marks answers that asked Keras for the count as
  needing manual review, with a comment saying why;
- :class:`ReviewCsvExport` is nbgrader's CSV export with a ``review`` column listing those answers;
- :class:`Variants` (settings) gives each learner their own numbers; :class:`StampFixed` (first in
  ``GenerateAssignment.preprocessors``) releases an assignment without variants with ``fixed=True``.
  A wrong answer that is right for a classmate's variant is flagged for review as well.
"""

from __future__ import annotations

import contextlib
import csv
import re
from pathlib import Path

import nbformat
from nbconvert.exporters import NotebookExporter
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins.export import CsvExportPlugin
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Float, Integer, List, Unicode
from traitlets.config import Configurable

from .errors import SandboxError
from .grading.questions import all_questions
from .secret import SECRET_FILE, course_secret
from .trusted import cells, pipeline
from .trusted.execute import Budget, KernelStartError
from .trusted.sandbox import Limits
from .trusted.variants import Learner

__all__ = ["FlagForReview", "LenientExporter", "ReviewCsvExport", "SandboxedExecute", "TrustedCells"]

SHOW_CALL = re.compile(r"""\bshow\(\s*["'][^"']+["'](?!\s*,\s*fixed)""")
REVIEW_MARK = "For review:"  # how FlagForReview's comments begin (pipeline.REVIEW)


class LenientExporter(NotebookExporter):
    """nbconvert's notebook exporter; a file that is not a valid notebook becomes an empty one."""

    def from_file(self, file_stream, resources=None, **kw):
        try:
            _, repaired = nbformat.validator.normalize(nbformat.read(file_stream, as_version=4),
                                                       strip_invalid_metadata=True)
            nb = nbformat.from_dict(repaired)
            nbformat.validate(nb)
        except Exception as err:
            self.log.error("Submission is not a readable notebook (%s); grading it as empty", str(err)[:200])
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
                f"**This submission could not be read as a Jupyter notebook** ({str(err)[:200]}). "
                "It was graded as empty.")])
        return self.from_notebook_node(nb, resources, **kw)


class TrustedCells(NbGraderPreprocessor):
    """Keep nbgrader metadata only on the cells the gradebook names, once per id."""

    def preprocess(self, nb, resources):
        for note in cells.sanitize(nb, _gradebook_specs(resources["nbgrader"])):
            self.log.warning("%s: %s", resources["nbgrader"]["student"], note)
        return nb, resources


def _gradebook_specs(info: dict) -> dict[str, cells.CellSpec]:
    with Gradebook(info["db_url"]) as gradebook:
        notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
        points = {c.name: float(c.max_score) for c in notebook.grade_cells}
        solutions = {c.name for c in notebook.solution_cells}
        return {c.name: cells.CellSpec(c.name, c.cell_type, grade=c.name in points, solution=c.name in solutions,
                                       locked=bool(c.locked), points=points.get(c.name, 0.0))
                for c in notebook.source_cells}


class SandboxedExecute(NbGraderPreprocessor):
    """Run the notebook sandboxed with limits; decide every test cell's verdict outside the kernel."""

    cell_timeout = Float(Budget.cell_seconds, help=(
        "Seconds a cell may run before it is interrupted (the next cell runs); "
        "after one such cell, later ones get after_timeout seconds.")).tag(config=True)
    notebook_timeout = Float(Budget.notebook_seconds, help=(
        "Seconds for the whole notebook; cells after that are not run.")).tag(config=True)
    after_timeout = Float(Budget.after_timeout_seconds, help=(
        "Seconds per cell once a cell has run past its limit.")).tag(config=True)
    output_limit = Integer(Budget.output_bytes, help="Bytes of output kept per notebook.").tag(config=True)
    sandbox = Bool(True, help="Run learner code in the bubblewrap sandbox. Turning it off lets a learner's "
                              "code read and change the course directory.").tag(config=True)
    memory_limit = Integer(Limits.memory_bytes, help="Bytes of address space per sandboxed process.").tag(
        config=True)
    total_memory_limit = Integer(Limits.total_memory_bytes, help=(
        "Bytes of memory for all of a sandbox's processes together (a control group, where the machine "
        "has a writable memory controller).")).tag(config=True)
    process_limit = Integer(Limits.processes, help="Processes and threads per sandbox.").tag(config=True)
    cpu_limit = Integer(Limits.cpu_seconds, help="CPU seconds per sandboxed process.").tag(config=True)
    secret = Unicode("", help=f"The course secret that draws hidden cases; default: the file {SECRET_FILE} "
                              "in the course directory, made on first use.").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        settings = self._settings()
        try:
            settings.new_sandbox()
        except SandboxError as err:  # not one learner's problem: stop the whole run, saying why
            self.log.error("%s", err)
            raise SystemExit(f"nbgrader autograde stopped: {err}") from err
        questions = {q.grade_id: q for q in all_questions(info["assignment"])}
        unknown = sorted(set(cells.test_cells(nb)) - set(questions))
        if unknown:
            raise ValueError(f"test cells {unknown} of {info['assignment']} have no question in the autograder "
                             "package, so they cannot be graded outside the kernel")
        variants = Variants(config=self.config)
        learner = Learner.in_course(settings.secret, info["student"],
                                    variants.roster or _roster(info["db_url"], self.config),
                                    variants.on(info["assignment"]))
        try:
            results = pipeline.grade(nb, Path(resources["metadata"]["path"]), questions, settings,
                                     who=f"{info['assignment']}/{info['student']}", learner=learner)
        except KernelStartError as err:  # this learner's zero, not the class's stop
            self.log.error("%s: %s; every test cell scores 0", info["student"], err)
            pipeline.fail_all(nb, f"Not graded: {err}.")
            return nb, resources
        resources["autograder_review"] = {r.grade_id: r.review for r in results if r.review}
        return nb, resources

    def _settings(self) -> pipeline.Settings:
        budget = Budget(cell_seconds=self.cell_timeout, notebook_seconds=self.notebook_timeout,
                        output_bytes=self.output_limit, after_timeout_seconds=self.after_timeout)
        limits = Limits(memory_bytes=self.memory_limit, total_memory_bytes=self.total_memory_limit,
                        processes=self.process_limit, cpu_seconds=self.cpu_limit)
        return pipeline.Settings(budget, limits, self.sandbox, self.secret or _course_secret(self.config))


class Variants(Configurable):
    """Per-learner variants: each learner's own sizes for every question that varies (see
    autograder/grading/variants.py). Keys come from the course secret and the student id."""

    enabled = Bool(True, help="Give each learner their own numbers (False: everyone gets the book's).").tag(
        config=True)
    fixed = List(Unicode(), help=("Assignments whose questions use the book's numbers for everyone. Set it before "
                                  "releasing them: the released show() cells are stamped fixed=True.")).tag(config=True)

    roster = List(Unicode(), help=("Every student id of the course, for spotting a classmate's answer; default: the "
                                   "gradebook's students and the submitted/ folders (a parallel run passes it).")).tag(
        config=True)

    def on(self, assignment: str) -> bool:
        return self.enabled and assignment not in self.fixed


class StampFixed(NbGraderPreprocessor):
    """At release, an assignment without variants gets ``show(..., fixed=True)`` in its cells, so the
    learner's kernel shows and checks the book's numbers even where a learner key is set."""

    def preprocess(self, nb, resources):
        if Variants(config=self.config).on(resources["nbgrader"]["assignment"]):
            return nb, resources
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.source = SHOW_CALL.sub(r"\g<0>, fixed=True", cell.source)
        return nb, resources


def _roster(db_url: str, config) -> list[str]:
    """Whose variants a copied answer may come from: every student in the gradebook, and every one
    with a submission (a run creates students as it reaches them)."""
    with Gradebook(db_url) as gradebook:
        known = {student.id for student in gradebook.students}
    submitted = Path(CourseDirectory(config=config).root) / "submitted"
    known |= {path.name for path in submitted.iterdir() if path.is_dir()} if submitted.is_dir() else set()
    return sorted(known)


def _course_secret(config) -> str:
    return course_secret(CourseDirectory(config=config).root)


class FlagForReview(NbGraderPreprocessor):
    """Mark answers that asked Keras for the count as needing manual review (score unchanged)."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        review = resources.get("autograder_review") or {}
        if not review:
            return nb, resources
        with Gradebook(info["db_url"]) as gradebook:
            for grade_id, text in review.items():
                gradebook.find_grade(grade_id, info["notebook"], info["assignment"], info["student"]
                                     ).needs_manual_grade = True
                with contextlib.suppress(MissingEntry):
                    gradebook.find_comment(f"{grade_id}-answer", info["notebook"], info["assignment"],
                                           info["student"]).auto_comment = text
            gradebook.db.commit()
        return nb, resources


class ReviewCsvExport(CsvExportPlugin):
    """nbgrader's CSV export, with a ``review`` column: the autograded answers flagged for review."""

    def export(self, gradebook):
        super().export(gradebook)
        flagged = _flagged(gradebook)
        with open(self.to or "grades.csv", newline="") as handle:
            rows = list(csv.reader(handle))
        rows[0].append("review")
        student, assignment = rows[0].index("student_id"), rows[0].index("assignment")
        for row in rows[1:]:
            row.append(" ".join(flagged.get((row[student], row[assignment]), [])))
        with open(self.to or "grades.csv", "w", newline="") as handle:
            csv.writer(handle).writerows(rows)


def _flagged(gradebook) -> dict[tuple[str, str], list[str]]:
    """(student, assignment) → the test cells whose answer was flagged (:class:`FlagForReview`'s comments)."""
    flagged: dict[tuple[str, str], list[str]] = {}
    for assignment in gradebook.assignments:
        for submission in assignment.submissions:
            for notebook in submission.notebooks:
                names = [c.name.removesuffix("-answer") for c in notebook.comments
                         if (c.auto_comment or "").startswith(REVIEW_MARK)]
                flagged.setdefault((submission.student.id, assignment.name), []).extend(names)
    return flagged
