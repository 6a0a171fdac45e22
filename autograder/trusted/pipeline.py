"""Trusted grading of one notebook: the learner's code runs sandboxed, the verdicts are decided here.

:func:`grade` takes a sanitized notebook (:mod:`.cells`), runs it with each test cell replaced by a
line that reports the answer (:mod:`.capture`), in a sandboxed kernel with limits
(:mod:`.execute`), then judges every test cell in this process: count and budget questions from
the reported value, function questions by running the function again in a fresh sandboxed
process (:mod:`.functions`). Each test cell's outputs are then rewritten from the verdict alone
(nothing the kernel printed there survives): a right answer prints its feedback, a wrong one is an
error whose message is the feedback. So nbgrader, which scores a test cell from its outputs, and
self-study grading give the same score, and nothing the kernel does can award a point.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

import nbformat

from ..grading import block
from ..grading.answers import describe
from ..grading.feedback import counting_calls
from ..grading.questions import Question
from ..grading.verdicts import Verdict, verdict
from .capture import capture_code, read_answer
from .cells import test_cells
from .execute import NOT_RUN, Budget, GraderFailure, KernelStartError, run_notebook
from .functions import grade_function
from .sandbox import Limits, Sandbox, choose
from .variants import Learner, render_prompts, review_copies

__all__ = ["REGRADE_MARK", "VERDICT_MIME", "Judged", "Result", "Settings", "case_seed", "fail_all", "grade",
           "not_graded"]

VERDICT_MIME = "application/vnd.autograder.verdict+json"
REVIEW = ("For review: this answer cell asks Keras or the reference counter for the count ({calls}). "
          "The exercise is to derive the number yourself.")
REGRADE_MARK = "For review: not graded"  # how a regrade note begins (FlagForReview leaves such answers unscored)
REGRADE = (REGRADE_MARK + ", grade it again: {why}. The grader failed, not the learner's code, "
           "so this answer was not scored.")
NOT_GRADED = ("Not graded: {why}. The grader failed, not your code: this answer is marked to be graded again "
              "(in self-study, grade the notebook again).")
RETRIES = 2  # more tries for a kernel that does not start (a busy host), within the notebook's time


@dataclass(frozen=True)
class Settings:
    """How to grade: limits, whether to sandbox, and the secret that draws function cases."""

    budget: Budget = field(default_factory=Budget)
    limits: Limits = field(default_factory=Limits)
    sandbox: bool = True
    require: str = "landlock"  # the weakest sandbox level accepted (levels.LEVELS: root, userns, landlock)
    level: str = ""  # exactly this sandbox level (benchmarks); default: the strongest that runs
    secret: str = field(default_factory=lambda: secrets.token_hex(16), repr=False)

    def new_sandbox(self) -> Sandbox | None:
        """A fresh sandbox at the strongest level this machine allows (at least ``require``), or None when
        grading runs without one; a SandboxError, saying what is missing and the fix, if none can run."""
        if not self.sandbox:
            return None
        return Sandbox(self.limits, level=choose(self.require, self.level))


@dataclass(frozen=True)
class Result:
    """The trusted verdict on one test cell, with what the cell is worth and what else the grader noted."""

    grade_id: str
    max_points: float
    verdict: Verdict
    review: str | None = None
    answer: str = ""  # the learner's answer as the grader read it (empty for a function question)
    regrade: str | None = None  # why the grader could not judge it (its own failure, not the learner's)

    @property
    def question(self) -> str:
        return self.verdict.question

    @property
    def correct(self) -> bool:
        return self.verdict.correct

    @property
    def feedback(self) -> str:
        return self.verdict.feedback

    @property
    def mistake(self) -> str | None:
        return self.verdict.mistake

    @property
    def points(self) -> float:
        return self.max_points if self.correct else 0.0

    def record(self) -> dict:
        """The verdict as data, kept in the graded notebook (``VERDICT_MIME``) for class reports. Not the
        review note: a graded notebook is the learner's feedback page, the note is for the instructor alone
        (``FlagForReview`` keeps it in :mod:`autograder.review_notes`)."""
        return {"question": self.question, "grade_id": self.grade_id, "correct": self.correct,
                "points": self.points, "max_points": self.max_points, "mistake": self.mistake,
                "answer": self.answer, "regrade": self.regrade is not None}


def case_seed(secret: str, *parts: str) -> str:
    """The seed of a function question's hidden cases: secret, and stable for one submission."""
    return hmac.new(secret.encode(), "/".join(parts).encode(), hashlib.sha256).hexdigest()


def grade(nb, cwd: Path, questions: dict[str, Question], settings: Settings, *, who: str = "",
          learner: Learner | None = None) -> list[Result]:
    """Run and judge a sanitized notebook in place; one :class:`Result` per test cell found.
    ``learner``: whose variant of each question to grade on (default: the book's numbers)."""
    deadline = time.monotonic() + settings.budget.notebook_seconds  # for everything: kernel, retries, runners
    learner = learner or Learner()
    asked = learner.questions(questions)
    tests = {gid: index for gid, index in test_cells(nb).items() if gid in asked}
    sources = {index: nb.cells[index].source for index in tests.values()}
    for grade_id, index in tests.items():
        nb.cells[index].source = capture_code(asked[grade_id].id, asked[grade_id].variable)
    reruns = sum(asked[gid].runs_again for gid in tests)
    budget = settings.budget.notebook_seconds
    kept = min(settings.budget.function_seconds, budget / 2) if reruns else 0  # the cells always get half or more
    try:
        failure = _run(nb, cwd, settings, learner.env(asked), budget - kept)
    finally:
        for index, source in sources.items():
            nb.cells[index].source = source
    _compact_errors(nb)
    render_prompts(nb, asked, learner)
    grader = _Grader(nb, cwd, settings, who, deadline, failure, reruns)
    results = review_copies([_judge(grader, index, asked[gid]) for gid, index in tests.items()], questions, learner)
    for result, index in zip(results, tests.values(), strict=True):
        nb.cells[index].outputs = _outputs(result)
    return results


def _compact_errors(nb) -> None:
    """A learner's own error, in one line (``NotImplementedError: ...``): no traceback, which would
    be wide and would show the kernel's internals; an interrupted cell says it ran out of time."""
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") != "error":
                continue
            if output.get("ename") in ("KeyboardInterrupt", "CellTimeoutError"):
                output.ename = "CellTimeoutError"
                output.evalue = "this cell ran past its time limit and was interrupted"
            line = f"{output.get('ename')}: {output.get('evalue')}"[:500]
            output.traceback = [line]


def fail_all(nb, feedback: str) -> None:
    """Every test cell fails with the same feedback (when the notebook could not be run at all)."""
    for index in test_cells(nb).values():
        nb.cells[index].outputs = _outputs(Result("", 0.0, Verdict.said("", False, feedback)))


def _run(nb, cwd: Path, settings: Settings, env: dict[str, str], seconds: float) -> str | None:
    """Run the notebook in at most ``seconds``, trying a kernel that does not start again (``RETRIES``);
    why the grader failed while it ran (what the learner's code did is in the notebook), or None. A
    kernel that never starts raises :class:`KernelStartError` (:func:`not_graded` marks the answers)."""
    end = time.monotonic() + seconds
    for attempt in range(1 + RETRIES):
        try:
            budget = replace(settings.budget, notebook_seconds=max(1, round(end - time.monotonic())))
            run_notebook(nb, cwd, budget, settings.new_sandbox(), env)
            return None
        except GraderFailure as err:  # the cells that ran keep their outputs; no run again on the learner's time
            return str(err)
        except KernelStartError:
            if attempt == RETRIES or end - time.monotonic() < 1:
                raise
    return None


def not_graded(nb, questions: dict[str, Question], why: str) -> list[Result]:
    """Every test cell marked for regrading, saying ``why`` (the notebook's kernel never started): the
    grader's failure, never the learner's 0."""
    results = []
    for grade_id, index in test_cells(nb).items():
        if grade_id in questions:
            question = questions[grade_id]
            points = float(nb.cells[index].metadata["nbgrader"].get("points", question.points))
            said = Verdict.said(question.id, False, NOT_GRADED.format(why=why))
            results.append(Result(grade_id, points, said, REGRADE.format(why=why), regrade=why))
            nb.cells[index].outputs = _outputs(results[-1])
    return results


class Judged(NamedTuple):
    """How a question kind graded its test cell (:meth:`~autograder.grading.kinds.CountQuestion.grade_trusted`)."""

    verdict: Verdict
    answer: str = ""  # the learner's answer as read, for the class report
    regrade: str | None = None  # the grader's own failure that kept it from judging


@dataclass
class _Grader:
    """Judges one notebook's test cells: each question kind calls back the way it is graded."""

    nb: object
    cwd: Path
    settings: Settings
    who: str
    deadline: float  # the notebook's time runs out (function questions share what is left)
    failure: str | None  # why the grader failed while the notebook ran, if it did
    reruns: int  # function questions still to run again
    index: int = 0  # the test cell being judged

    def reported(self, question: Question) -> Judged:
        """The verdict on the answer the test cell reported; none reported after a failure of the grader's:
        marked for regrading."""
        captured = read_answer(self.nb.cells[self.index].outputs, question.id)
        if captured.found:
            return Judged(verdict(question, captured.value), describe(captured.value))
        if self.failure:
            return Judged(Verdict.said(question.id, False, NOT_GRADED.format(why=self.failure)), "", self.failure)
        return Judged(Verdict.said(question.id, False, f"Not yet: {captured.problem}"))

    def rerun(self, question: Question) -> Judged:
        """The verdict on the learner's function, run again in a fresh process with its share of the time left."""
        seconds, self.reruns = (self.deadline - time.monotonic()) / max(1, self.reruns), self.reruns - 1
        seed = case_seed(self.settings.secret, self.who, question.id)
        return Judged(grade_function(question, _code_before(self.nb, self.index), seed, self.cwd,
                                     self.settings.new_sandbox(), seconds=seconds))


def _judge(grader: _Grader, index: int, question: Question) -> Result:
    cell = grader.nb.cells[index]
    points = float(cell.metadata["nbgrader"].get("points", question.points))
    not_run = next((o for o in cell.outputs if o.get("ename") == NOT_RUN), None)
    if not_run is not None:
        judged = Judged(Verdict.said(question.id, False, f"Not graded: this test cell did not run: {not_run.evalue}"))
    else:
        grader.index = index
        judged = question.grade_trusted(grader)
    review = REGRADE.format(why=judged.regrade) if judged.regrade else _review(grader.nb, question)
    return Result(question.grade_id, points, judged.verdict, review, judged.answer, judged.regrade)


def _code_before(nb, index: int) -> list[str]:
    """The learner's code cells above a test cell (test cells themselves left out)."""
    tests = set(test_cells(nb).values())
    return [cell.source for at, cell in enumerate(nb.cells[:index]) if cell.cell_type == "code" and at not in tests]


def _review(nb, question: Question) -> str | None:
    answer = next((c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == question.answer_cell),
                  None)
    calls = counting_calls(answer.source) if answer is not None else []
    return REVIEW.format(calls=", ".join(calls)) if calls else None


def _outputs(result: Result) -> list:
    """The test cell's outputs, from the verdict alone: the feedback block (and the verdict as data);
    for a wrong answer, one short error line, which is what makes nbgrader score the cell 0. Never the
    review note (learners see these outputs)."""
    shown = block.bundle(result.verdict)
    outputs = [nbformat.v4.new_output("display_data", data={**shown, VERDICT_MIME: result.record()})]
    if not result.correct:
        outputs.append(nbformat.v4.new_output("error", ename="NotYet", evalue=result.feedback,
                                              traceback=["✗ 0 points"]))
    return outputs
