"""A parallel worker's two grading processes (autograder/parallel/worker.py, server.py), the throw-away private
gradebooks (private.py) and the timing the benchmark reads (timing.py). No kernels, no cluster: seconds.
"""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import pytest

from autograder.parallel import server, timing, worker
from autograder.parallel.tasks import Outcome


class FakeProcess:
    """A grading process that says the learner's code has run when told, then returns an outcome."""

    def __init__(self, log: list[str]):
        self.log, self.release = log, threading.Event()

    def grade(self, task, cells_done) -> Outcome:
        self.log.append(f"sent {task}")
        self.release.wait(10)
        self.log.append(f"cells done {task}")
        cells_done()
        time.sleep(0.2)  # the tail of the grading: the next submission may start meanwhile
        self.log.append(f"outcome {task}")
        return Outcome(task, ok=True)


class FakeTask(str):
    student = property(str.__str__)


def test_a_worker_sends_the_next_submission_only_once_the_last_ones_learner_code_has_run(monkeypatch):
    """With two tasks at once on one worker, is the second sent to its grading process only after the first
    one's learner code has run, and does it then start before the first one's outcome is back?"""
    log: list[str] = []
    processes = [FakeProcess(log), FakeProcess(log)]
    monkeypatch.setattr(worker, "_process", lambda pool, slot: processes[slot])
    threads = [threading.Thread(target=worker.grade, args=(FakeTask(name),)) for name in ("a", "b")]
    threads[0].start()
    time.sleep(0.2)
    threads[1].start()
    time.sleep(0.3)
    assert log == ["sent a"], "the second submission was sent while the first one's learner code could still run"
    processes[0].release.set()
    processes[1].release.set()
    for thread in threads:
        thread.join(10)
    assert log.index("sent b") > log.index("cells done a") and log.index("sent b") < log.index("outcome a"), log


def test_the_learner_done_frame_is_skipped_on_the_way_to_the_outcome():
    """Does a grading process's LEARNER_DONE frame call back and leave the outcome that follows it intact?"""
    frames = io.BytesIO()
    server.send(frames, server.LEARNER_DONE)
    server.send(frames, Outcome("ann", ok=True, files={"x": (0o444, b"y")}))
    code = f"import sys; sys.stdout.buffer.write({frames.getvalue()!r}); sys.stdout.flush(); sys.stdin.read()"
    process = worker.GradingProcess.__new__(worker.GradingProcess)
    process.stderr = io.BytesIO()
    process.proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    start_new_session=True)
    called = []
    try:
        outcome = process.grade(SimpleNamespace(timeout=30), lambda: called.append(True))
    finally:
        process.kill()
    assert called == [True] and outcome == Outcome("ann", ok=True, files={"x": (0o444, b"y")})


def test_the_grading_process_announces_when_the_learners_code_has_run(monkeypatch):
    """Is the trusted step the grading process wraps still there, and does it send LEARNER_DONE once per
    notebook, also when grading raises?"""
    from autograder.trusted import pipeline

    def grade(nb, *args, **kw):
        if nb == "broken":
            raise RuntimeError("no kernel")
        return ["a result"]

    monkeypatch.setattr(pipeline, "grade", grade)
    channel = io.BytesIO()
    server._announce_learner_done(channel)
    assert pipeline.grade("nb") == ["a result"]
    with pytest.raises(RuntimeError):
        pipeline.grade("broken")
    channel.seek(0)
    assert [server.receive(channel), server.receive(channel), server.receive(channel)] == [
        server.LEARNER_DONE, server.LEARNER_DONE, None]


def test_private_gradebooks_do_not_wait_for_the_disk(tmp_path):
    """Once a grading process calls throwaway_gradebooks, does an SQLite database opened through SQLAlchemy
    commit without syncing (and keep its journal in memory)?"""
    from sqlalchemy import create_engine, event, text
    from sqlalchemy.engine import Engine

    from autograder.parallel import private

    private.throwaway_gradebooks()
    try:
        engine = create_engine(f"sqlite:///{tmp_path / 'private.db'}")
        with engine.connect() as connection:
            pragmas = [connection.execute(text(f"PRAGMA {name}")).scalar() for name in ("synchronous", "journal_mode")]
        engine.dispose()
    finally:  # only grading processes skip the disk wait: not the other tests of this process
        event.remove(Engine, "connect", private._unsynced)
    assert pragmas == [0, "memory"]
    assert sqlite3.connect(":memory:").execute("PRAGMA synchronous").fetchone() == (2,), "plain sqlite3 changed"


def test_timing_writes_nothing_unless_asked_and_one_line_per_step_when_asked(tmp_path, monkeypatch):
    """Without AUTOGRADER_TIMING is nothing written; with it, does each step append one JSON line with its
    times and CPU seconds?"""
    monkeypatch.delenv(timing.ENV, raising=False)
    with timing.span("quiet"):
        pass
    assert not list(tmp_path.iterdir())
    path = tmp_path / "timing.jsonl"
    monkeypatch.setenv(timing.ENV, str(path))
    with timing.span("step", student="ann"):
        time.sleep(0.01)
    (line,) = [json.loads(x) for x in path.read_text().splitlines()]
    assert line["event"] == "step" and line["student"] == "ann" and line["end"] - line["start"] >= 0.01
    assert line["cpu"] >= line["cpu0"] >= 0


@pytest.fixture(autouse=True)
def _fresh_pool(monkeypatch):
    """Each test gets its own pool of two grading processes per worker (AUTOGRADER_OVERLAP=2): its gate and free
    slots (the module keeps one for the process's life)."""
    monkeypatch.setattr(worker, "OVERLAP", 2)
    monkeypatch.setattr(worker, "_POOL", worker._Pool())
