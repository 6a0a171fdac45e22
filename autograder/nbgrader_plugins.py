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
- :class:`FlagForReview` (after ``SaveAutoGrades``) keeps the grader's review notes (an answer that asked
  Keras for the count, or a classmate's key) for the instructor alone (:mod:`.review_notes`), and marks
  those answers as needing manual grading in the gradebook (a flag no learner's page shows);
- :class:`ReviewCsvExport` is nbgrader's CSV export with ``review`` (those answers) and ``review_notes``
  columns, without terminal control characters;
- :class:`InertOutputs` (after grading, and in every ``HTMLExporter``) and :class:`InertFeedbackExporter`
  (``generate_feedback``'s) make learner outputs inert on every page made from a graded notebook
  (:mod:`.inert`);
- :class:`Variants` (settings) gives each learner their own numbers; :class:`StampFixed` (first in
  ``GenerateAssignment.preprocessors``) releases an assignment without variants with ``fixed=True``.
  A wrong answer that is right for a classmate's variant is flagged for review as well.
"""

from __future__ import annotations

import copy
import csv
import re
from pathlib import Path

import nbformat
from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter, NotebookExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor
from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins.export import CsvExportPlugin
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Enum, Float, Integer, List, Unicode
from traitlets.config import Configurable

from . import review_notes
from .errors import SandboxError
from .grading.questions import all_questions
from .inert import clean_html, inert_outputs, strip_controls, with_policy
from .secret import SECRET_FILE, course_secret
from .trusted import cells, pipeline
from .trusted.execute import Budget, KernelStartError
from .trusted.sandbox import Limits
from .trusted.variants import Learner, add_note, numbers_seen_in

__all__ = ["FlagForReview", "InertFeedbackExporter", "InertOutputs", "LenientExporter", "ReviewCsvExport",
           "SandboxedExecute", "TrustedCells", "markdown2html"]

SUBMISSION_CHARACTERS = 10 * 2**20  # a notebook with a few plots is 1-3 MB; parsing 10 MB takes < 200 MB
SHOW_CALL = re.compile(r"""\bshow\(\s*["'][^"']+["'](?!\s*,\s*fixed)""")


class LenientExporter(NotebookExporter):
    """nbconvert's notebook exporter; a file that is not a valid notebook becomes an empty one."""

    def from_file(self, file_stream, resources=None, **kw):
        try:
            text = file_stream.read(SUBMISSION_CHARACTERS + 1)  # never more: the grader's memory is bounded
            if len(text) > SUBMISSION_CHARACTERS:
                raise ValueError(f"the file is larger than {SUBMISSION_CHARACTERS:,} characters")
            _, repaired = nbformat.validator.normalize(nbformat.reads(text, as_version=4),
                                                       strip_invalid_metadata=True)
            nb = nbformat.from_dict(repaired)
            nbformat.validate(nb)
        except Exception as err:
            why = strip_controls(str(err))[:200]  # it may quote the file (its nbformat field, say)
            self.log.error("Submission is not a readable notebook (%s); grading it as empty", why)
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
                f"**This submission could not be read as a Jupyter notebook** ({why}). "
                "It was graded as empty.")])
        return self.from_notebook_node(nb, resources, **kw)


class TrustedCells(NbGraderPreprocessor):
    """Keep nbgrader metadata only on the cells the gradebook names, once per id."""

    def preprocess(self, nb, resources):
        for note in cells.sanitize(nb, _gradebook_specs(resources["nbgrader"])):
            self.log.warning("%s: %s", resources["nbgrader"]["student"], strip_controls(note))
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
        "Seconds for everything run for a notebook: its cells, kernel starts tried again and the fresh runs "
        "of its function questions; cells after that are not run.")).tag(config=True)
    function_timeout = Float(Budget.function_seconds, help=(
        "Of notebook_timeout, the seconds kept for running function questions again (when the notebook "
        "has any), at most half of it; the cells get the rest.")).tag(config=True)
    after_timeout = Float(Budget.after_timeout_seconds, help=(
        "Seconds per cell once a cell has run past its limit.")).tag(config=True)
    output_limit = Integer(Budget.output_bytes, help="Bytes of output kept per notebook.").tag(config=True)
    sandbox = Bool(True, help="Run learner code in the sandbox. Turning it off lets a learner's "
                              "code read and change the course directory.").tag(config=True)
    require = Enum(["root", "userns", "landlock"], "landlock", help=(
        "The weakest sandbox level accepted: root (bubblewrap as root), userns (bubblewrap in a user "
        "namespace, any user), landlock (Landlock and seccomp, where namespaces are blocked, as in a pod). "
        "The strongest level the machine allows is used; below this one, grading stops and says why.")).tag(
        config=True)
    level = Unicode("", help=("Grade at exactly this sandbox level (root, userns or landlock), to compare levels; "
                              "default: the strongest the machine allows.")).tag(config=True)
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
            box = settings.new_sandbox()
        except SandboxError as err:  # not one learner's problem: stop the whole run, saying why
            self.log.error("%s", err)
            raise SystemExit(f"nbgrader autograde stopped: {err}") from err
        resources["autograder_sandbox"] = box.level.name if box else "none"
        self.log.info("%s: learner code runs in the sandbox at level %s", info["student"],
                      f"{box.level.name} ({box.level.about})" if box else "none (c.SandboxedExecute.sandbox = False)")
        questions = {q.grade_id: q for q in all_questions(info["assignment"])}
        unknown = sorted(set(cells.test_cells(nb)) - set(questions))
        if unknown:
            raise ValueError(f"test cells {unknown} of {info['assignment']} have no question in the autograder "
                             "package, so they cannot be graded outside the kernel")
        variants = Variants(config=self.config)
        learner, unkeyed = Learner.submitted(settings.secret, info["student"],
                                             variants.roster or _roster(info["db_url"], self.config),
                                             variants.on(info["assignment"]), seen=_seen(info, self.config),
                                             without_key=variants.without_key)
        try:
            results = pipeline.grade(nb, Path(resources["metadata"]["path"]), questions, settings,
                                     who=f"{info['assignment']}/{info['student']}", learner=learner)
        except KernelStartError as err:  # the grader's failure after its retries: marked for regrade, not 0
            results = pipeline.not_graded(nb, learner.questions(questions), str(err))
        for result in (r for r in results if r.regrade):  # the grader's failure: flagged, not this learner's zero
            self.log.error("%s: %s not graded, marked for regrade: %s", info["student"], result.grade_id,
                           strip_controls(result.regrade))
        unkeyed_on = {gid: unkeyed for gid, q in questions.items() if q.varies and unkeyed}  # numbers seen: no key
        resources["autograder_review"] = {r.grade_id: add_note(r.review, unkeyed_on.get(r.grade_id))
                                          for r in results if r.review or r.grade_id in unkeyed_on}
        return nb, resources

    def _settings(self) -> pipeline.Settings:
        budget = Budget(cell_seconds=self.cell_timeout, notebook_seconds=self.notebook_timeout,
                        output_bytes=self.output_limit, after_timeout_seconds=self.after_timeout,
                        function_seconds=self.function_timeout)
        limits = Limits(memory_bytes=self.memory_limit, total_memory_bytes=self.total_memory_limit,
                        processes=self.process_limit, cpu_seconds=self.cpu_limit)
        return pipeline.Settings(budget, limits, self.sandbox, self.require, self.level,
                                 self.secret or _course_secret(self.config))


class Variants(Configurable):
    """Per-learner variants: each learner's own sizes for every question that varies (see
    autograder/grading/variants.py). Keys come from the course secret and the student id."""

    enabled = Bool(True, help=("Give each learner their own numbers, once c.Variants.keys says how learner keys "
                               "reach the learners' kernels (False: everyone gets the book's numbers).")).tag(
        config=True)
    keys = Enum(["", "jupyterhub", "handed-out"], "", help=(
        "How each learner's key (AUTOGRADER_LEARNER_KEY) reaches their kernel: jupyterhub (c.Spawner.environment, "
        "see the README) or handed-out (python -m autograder keys). Empty: keys are not handed out, so every "
        "assignment uses the book's numbers, whatever c.Variants.enabled says.")).tag(config=True)
    without_key = Enum(["flag", "book"], "flag", help=(
        "A submission whose show() cells show the book's numbers while variants are on (worked without a key): "
        "flag (graded on the learner's own numbers, flagged for review) or book (graded on the book's numbers, "
        "flagged too). Book trusts what the notebook says it showed.")).tag(config=True)
    fixed = List(Unicode(), help=("Assignments whose questions use the book's numbers for everyone. Set it before "
                                  "releasing them: the released show() cells are stamped fixed=True.")).tag(config=True)

    roster = List(Unicode(), help=("Every student id of the course, for spotting a classmate's answer; default: the "
                                   "gradebook's students and the submitted/ folders (a parallel run passes it).")).tag(
        config=True)

    def on(self, assignment: str) -> bool:
        return self.enabled and bool(self.keys) and assignment not in self.fixed

    def mode(self, assignment: str) -> str:
        """Which numbers an assignment uses, in one line (generate_assignment and release print it)."""
        if self.on(assignment):
            return f"each learner's own numbers (keys: {self.keys})"
        why = ("c.Variants.fixed" if assignment in self.fixed else "c.Variants.enabled = False" if not self.enabled
               else "c.Variants.keys is not set: learner keys are not handed out")
        return f"the book's numbers for everyone ({why})"


class StampFixed(NbGraderPreprocessor):
    """At release, an assignment without variants gets ``show(..., fixed=True)`` in its cells, so the
    learner's kernel shows and checks the book's numbers even where a learner key is set."""

    def preprocess(self, nb, resources):
        variants, assignment = Variants(config=self.config), resources["nbgrader"]["assignment"]
        self.log.info("%s: %s", assignment, variants.mode(assignment))
        if variants.enabled and assignment not in variants.fixed:  # without keys: no key, the book's numbers
            return nb, resources
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.source = SHOW_CALL.sub(r"\g<0>, fixed=True", cell.source)
        return nb, resources


def _seen(info: dict, config) -> str | None:
    """Whose numbers the notebook showed the learner, from its show() outputs as submitted (before nbgrader
    cleared them): "book", "own" or None."""
    coursedir = CourseDirectory(config=config)
    folder = coursedir.format_path(coursedir.submitted_directory, info["student"], info["assignment"])
    return numbers_seen_in(Path(folder) / f"{info['notebook']}.ipynb")


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
    """Keep the grader's review notes for the instructor alone (:mod:`.review_notes`: not in the notebook or
    a gradebook comment, which learners see), and mark those answers as needing manual grading (score
    unchanged) so that the formgrader lists them. Run for every notebook: a regrade clears old notes."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        notes = resources.get("autograder_review") or {}
        root = CourseDirectory(config=self.config).root
        review_notes.update(root, info["assignment"], info["student"], info["notebook"], notes)
        review_notes.write_level(root, info["assignment"], info["student"], resources.get("autograder_sandbox", ""))
        if notes:
            with Gradebook(info["db_url"]) as gradebook:
                for grade_id, note in notes.items():
                    grade = gradebook.find_grade(grade_id, info["notebook"], info["assignment"], info["student"])
                    grade.needs_manual_grade = True
                    if note.startswith(pipeline.REGRADE_MARK):  # the grader failed: no score, not a 0
                        grade.auto_score = None
                gradebook.db.commit()
        return nb, resources


class ReviewCsvExport(CsvExportPlugin):
    """nbgrader's CSV export with ``review`` (the answers flagged for review, by test cell), ``review_notes``
    (why) and ``sandbox`` (the level learner code ran at) columns; no cell keeps a terminal control character."""

    def export(self, gradebook):
        super().export(gradebook)
        root = CourseDirectory(config=self.config).root
        with open(self.to or "grades.csv", newline="") as handle:
            rows = list(csv.reader(handle))
        rows[0] += ["review", "review_notes", "sandbox"]
        student, assignment = rows[0].index("student_id"), rows[0].index("assignment")
        for row in rows[1:]:
            notes = [item for found in review_notes.read(root, row[assignment], row[student]).values()
                     for item in found.items()]
            row += [" ".join(grade_id for grade_id, _ in notes), " | ".join(f"{gid}: {note}" for gid, note in notes),
                    review_notes.read_level(root, row[assignment], row[student])]
        with open(self.to or "grades.csv", "w", newline="") as handle:
            csv.writer(handle).writerows([[strip_controls(cell) for cell in row] for row in rows])


class InertOutputs(Preprocessor):
    """Learner outputs made inert (:func:`.inert.inert_outputs`): after grading, and before a page is made."""

    enabled = Bool(True, help="Make outputs inert (nbconvert's preprocessors are off unless enabled).").tag(config=True)

    def preprocess(self, nb, resources):
        inert_outputs(nb)
        return nb, resources


@pass_context
def markdown2html(context, source: str) -> str:
    """nbconvert's Markdown to HTML (a cell's attachments inline), then cleaned: a Jinja filter for pages."""
    cell = context.get("cell") or {}
    attachments = cell.get("attachments", {}) if hasattr(cell, "get") else {}
    return clean_html(MarkdownWithMath(renderer=IPythonRenderer(escape=False, attachments=attachments)).render(source))


class InertFeedbackExporter(HTMLExporter):
    """nbgrader's feedback page, inert: outputs made inert, HTML and Markdown cleaned, SVG shown as an image,
    nbconvert's MathJax loader left out (the course's notebooks have no math), and the Content-Security-Policy
    of :mod:`.inert` first in ``<head>``: the page runs no script at all."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sanitize_html, self.skip_svg_encoding = True, False

    def default_filters(self):
        yield from super().default_filters()
        yield from {"markdown2html": markdown2html, "clean_html": clean_html}.items()

    def from_notebook_node(self, nb, resources=None, **kw):
        nb = copy.deepcopy(nb)
        inert_outputs(nb)
        output, resources = super().from_notebook_node(nb, resources, **kw)
        return with_policy(output), resources
