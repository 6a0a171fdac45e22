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
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..grading import block
from ..grading.answers import describe
from ..grading.feedback import counting_calls
from ..grading.questions import Question
from ..grading.verdicts import Verdict, verdict
from .capture import capture_code, read_answer
from .cells import test_cells
from .execute import NOT_RUN, Budget, run_notebook
from .functions import grade_function
from .sandbox import Limits, Sandbox, choose
from .variants import Learner, render_prompts, review_copies

__all__ = ["VERDICT_MIME", "Result", "Settings", "case_seed", "fail_all", "grade"]

VERDICT_MIME = "application/vnd.autograder.verdict+json"
REVIEW = ("For review: this answer cell asks Keras or the reference counter for the count ({calls}). "
          "The exercise is to derive the number yourself.")


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
                "answer": self.answer}


def case_seed(secret: str, *parts: str) -> str:
    """The seed of a function question's hidden cases: secret, and stable for one submission."""
    return hmac.new(secret.encode(), "/".join(parts).encode(), hashlib.sha256).hexdigest()


def grade(nb, cwd: Path, questions: dict[str, Question], settings: Settings, *, who: str = "",
          learner: Learner | None = None) -> list[Result]:
    """Run and judge a sanitized notebook in place; one :class:`Result` per test cell found.
    ``learner``: whose variant of each question to grade on (default: the book's numbers)."""
    learner = learner or Learner()
    asked = learner.questions(questions)
    tests = {gid: index for gid, index in test_cells(nb).items() if gid in asked}
    sources = {index: nb.cells[index].source for index in tests.values()}
    for grade_id, index in tests.items():
        question = asked[grade_id]
        nb.cells[index].source = ("pass" if question.kind == "function"
                                  else capture_code(question.id, question.variable))
    run_notebook(nb, cwd, settings.budget, settings.new_sandbox(), learner.env(asked))
    for index, source in sources.items():
        nb.cells[index].source = source
    _compact_errors(nb)
    render_prompts(nb, asked, learner)
    results = review_copies([_judge(nb, index, asked[gid], cwd=cwd, settings=settings, who=who)
                             for gid, index in tests.items()], questions, learner)
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


def _judge(nb, index: int, question: Question, *, cwd: Path, settings: Settings, who: str) -> Result:
    cell = nb.cells[index]
    points = float(cell.metadata["nbgrader"].get("points", question.points))
    not_run = next((o for o in cell.outputs if o.get("ename") == NOT_RUN), None)
    answer, review = "", _review(nb, question)
    if not_run is not None:
        found = Verdict.said(question.id, False, f"Not graded: this test cell did not run: {not_run.evalue}")
    elif question.kind == "function":
        found = grade_function(question, _code_before(nb, index), case_seed(settings.secret, who, question.id),
                               cwd, settings.new_sandbox())
    else:
        captured = read_answer(cell.outputs, question.id)
        found = (verdict(question, captured.value) if captured.found
                 else Verdict.said(question.id, False, f"Not yet: {captured.problem}"))
        answer = describe(captured.value) if captured.found else ""
    return Result(question.grade_id, points, found, review, answer)


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
