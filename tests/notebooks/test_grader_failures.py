"""The learner's fault and the grader's, told apart; the grader's memory and time bounded whatever a notebook does.

Each test grades a02_dense notebooks from tests/fixtures/hostile (right answers, plus an attack) in this
process, without the sandbox (what is tested is the grader's side of the channels), or runs a small
notebook through :func:`~autograder.trusted.execute.run_notebook`.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from textwrap import dedent

import nbformat
import pytest

from autograder import selfstudy
from autograder.grading.questions import all_questions
from autograder.trusted import execute, messages, pipeline
from autograder.trusted.execute import Budget, run_notebook
from tests.fixtures.hostile import build

# nbgrader 0.9.6's own gradebook code triggers SQLAlchemy autoflush warnings; they are not ours to fix.
pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")]

CEILING_MB = 300  # what the grader may hold above its baseline, whatever a notebook writes
LAST = "dense-budget-hidden"


def _grade(tmp_path: Path, *edits) -> dict:
    """Self-study grading (the trusted pipeline, no sandbox) of a02_dense with right answers and ``edits``."""
    path = tmp_path / "a02_dense.ipynb"
    nbformat.write(build.notebook(build.Spec("t", "dos", 8.0, "", build.RIGHT, edits)), path)
    return selfstudy.grade_file(path, settings=pipeline.Settings(sandbox=False), assignment="a02_dense")


def _notebook(tmp_path: Path, *edits):
    """a02_dense with right answers and ``edits``, as the pipeline gets it."""
    path = tmp_path / "a02_dense.ipynb"
    nbformat.write(build.notebook(build.Spec("t", "dos", 8.0, "", build.RIGHT, edits)), path)
    return selfstudy.read_notebook(path)


def _mb(field: str) -> int:
    return int(re.search(rf"{field}:\s+(\d+)", Path("/proc/self/status").read_text()).group(1)) // 1024


@pytest.mark.parametrize("attack", ["deep_display", "deep_wire"])
def test_outputs_nested_too_deep_cost_no_captured_answer(tmp_path, attack):
    """After every answer was captured, does a cell whose output nests JSON deeper than the grader's stack
    (displayed, or written pre-serialized straight to the kernel's socket) leave the score at full marks,
    not 0 ("the Jupyter kernel could not start (maximum recursion depth ...)")?"""
    graded = _grade(tmp_path, build.after(LAST, build.code(build.DOS[attack])))
    assert graded["score"] == build.FULL_MARKS


def test_a_kernel_that_fails_to_start_once_is_started_again(tmp_path, monkeypatch):
    """Is a kernel start that fails (a busy host) tried again, so that the notebook gets its full marks?"""
    start, tries = execute.BoundedClient.async_start_new_kernel, []

    async def flaky(self, **kw):
        tries.append(1)
        if len(tries) == 1:
            raise RuntimeError("Kernel didn't respond in 60 seconds")
        return await start(self, **kw)

    monkeypatch.setattr(execute.BoundedClient, "async_start_new_kernel", flaky)
    assert _grade(tmp_path)["score"] == build.FULL_MARKS and len(tries) == 2


def test_a_kernel_that_never_starts_marks_answers_for_regrade_not_zero(tmp_path, monkeypatch):
    """When the kernel never starts (every retry fails), does grading say so (self-study prints it as one
    line) with the test cells as they were, and are the answers then marked for regrade with the reason
    (for the instructor), not scored 0?"""
    tries = []

    async def broken(self, **kw):
        tries.append(1)
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(execute.BoundedClient, "async_start_new_kernel", broken)
    questions, nb = {q.grade_id: q for q in all_questions("a02_dense")}, _notebook(tmp_path)
    sources = [cell.source for cell in nb.cells]
    with pytest.raises(execute.KernelStartError, match="could not start"):
        pipeline.grade(nb, tmp_path, questions, pipeline.Settings(sandbox=False))
    assert len(tries) == 1 + pipeline.RETRIES and [cell.source for cell in nb.cells] == sources
    results = pipeline.not_graded(nb, questions, "the Jupyter kernel could not start (a test)")
    assert len(results) == len(questions) and not any(r.correct for r in results)
    assert all(r.regrade and r.review.startswith(pipeline.REGRADE_MARK) and r.record()["regrade"] for r in results)
    assert all("graded again" in r.feedback for r in results)


def test_the_notebook_budget_includes_the_function_runner(tmp_path):
    """With a 30 s notebook budget, does grading a notebook whose definitions make the function runner
    run to its limit end within the budget (the runner gets what the cells left, not 60 s more)?"""
    slow = build.after("dense-fn-dense_params-answer", build.code(build.DOS["runner_slow"]))
    questions = {q.grade_id: q for q in all_questions("a02_dense")}
    nb, settings = _notebook(tmp_path, slow), pipeline.Settings(Budget(notebook_seconds=30, function_seconds=10),
                                                                 sandbox=False)
    start = time.monotonic()
    results = {r.grade_id: r for r in pipeline.grade(nb, tmp_path, questions, settings)}
    assert time.monotonic() - start < 30 + 3
    function = results.pop("dense-fn-dense_params")
    assert not function.correct and "left for it" in function.feedback
    assert all(r.correct for r in results.values())


def test_floods_of_captures_updates_and_huge_outputs_are_bounded(tmp_path):
    """Do eight cells publishing answer reports of 1 MB each, one updating 300 displays to 1.5 MB each and
    one displaying 300 MB at once leave the grader's peak memory under the ceiling and the notebook small?"""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(build.DOS[name]) for name in
                                         (*["capture_flood"] * 8, "update_flood", "huge_output")])
    base = _mb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")
    run_notebook(nb, tmp_path, Budget(cell_seconds=60, notebook_seconds=150), None)
    assert _mb("VmHWM") - base < CEILING_MB
    assert len(nbformat.writes(nb)) < 3 * Budget().output_bytes


def test_nbgrader_leaves_a_regrade_unscored_and_flagged(monkeypatch):
    """Through ``nbgrader autograde``, when the kernel never starts: is every autograded cell of the submission
    left without a score (not 0), marked needs-manual-grade, with the reason in the instructor's review notes?"""
    from nbgrader.api import Gradebook

    from autograder import course, review_notes

    async def broken(self, **kw):
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(execute.BoundedClient, "async_start_new_kernel", broken)
    with course.temp_course(variants=False) as grader:
        grader.generate("a02_dense")
        grader.submit("unlucky", "a02_dense", build.HERE / "a02_dense" / "honest_plain.ipynb")
        grader.autograde("a02_dense", "unlucky")
        with Gradebook(grader.config.CourseDirectory.db_url) as gradebook:
            grades = {g.name: g for g in gradebook.find_submission_notebook("a02_dense", "a02_dense", "unlucky").grades}
            autograded = [g for name, g in grades.items() if name in build.POINTS]
            assert autograded and all(g.auto_score is None and g.needs_manual_grade for g in autograded)
        notes = review_notes.read(grader.root, "a02_dense", "unlucky")["a02_dense"]
        assert set(notes) == set(build.POINTS) and all(n.startswith(pipeline.REGRADE_MARK) for n in notes.values())


def test_an_output_past_the_message_cap_loses_only_itself(tmp_path):
    """Is a 300 MB display refused by the grader's sockets with only that output (and what follows within the
    reconnect's settling time) lost: do the lines printed after it, in its cell and in the next, still arrive
    (ZMQ drops the connection; the grader makes it again once it sees the kernel alive)?"""
    settle = messages.SETTLE_SECONDS * 3
    huge = dedent(build.DOS["huge_output"]) + f"\nimport time\ntime.sleep({settle})\nprint('same cell')"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(huge), nbformat.v4.new_code_cell("print('next')")])
    run_notebook(nb, tmp_path, Budget(cell_seconds=60), None)
    assert [[o.get("text") for o in cell.outputs] for cell in nb.cells] == [["same cell\n"], ["next\n"]]


def test_a_failure_of_the_grader_mid_run_keeps_the_answers_captured_before_it(tmp_path, monkeypatch):
    """When the grader's own side fails while the notebook runs (here: on a line printed after Q2), do the
    answers captured before keep their verdicts, the function question (run in its own process) its own,
    and the rest get marked for regrade rather than scored 0?"""
    admit = execute.BoundedClient._admit

    def failing(self, msg, outs):
        if "trigger" in str(msg.get("content", {}).get("text", "")):
            raise RuntimeError("a bug of the grader's")
        return admit(self, msg, outs)

    monkeypatch.setattr(execute.BoundedClient, "_admit", failing)
    nb = _notebook(tmp_path, build.after("dense-mlp-total", build.code("print('trigger')")))
    questions = {q.grade_id: q for q in all_questions("a02_dense")}
    results = {r.grade_id: r for r in pipeline.grade(nb, tmp_path, questions, pipeline.Settings(sandbox=False))}
    assert results.pop("dense-mlp-hidden").correct and results.pop("dense-mlp-total").correct
    assert results.pop("dense-fn-dense_params").correct
    assert results and all(r.regrade and "the grader failed" in r.regrade and not r.correct for r in results.values())
