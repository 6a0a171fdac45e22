"""Channels from learner code to the grader are bounded while they are read: the function runner's reply
pipe, and kernel messages as they are decoded (tests/notebooks/test_grader_failures.py runs kernels)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from jupyter_client.session import Session

from autograder.grading.questions import all_questions
from autograder.trusted import messages
from autograder.trusted.functions import REPLY_BYTES, grade_function
from tests.fixtures.hostile.build import DOS, src

CEILING_MB = 300  # what the grader may hold above its baseline, whatever a notebook writes
RIGHT = "def dense_params(inputs, units, use_bias=True):\n    return units * inputs + (units if use_bias else 0)"
FLOOD = src(DOS["runner_flood"])  # the hostile suite's runner flood: it floods outside IPython, as here


def _status(field: str) -> int:
    """A memory figure of this process, in MB (VmRSS now, VmHWM the peak since :func:`_reset_peak`)."""
    return int(re.search(rf"{field}:\s+(\d+)", Path("/proc/self/status").read_text()).group(1)) // 1024


def _reset_peak() -> int:
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM starts again from the resident size now
    return _status("VmRSS")


def _function_question():
    return next(q for q in all_questions("a02_dense") if q.runs_again)


def test_a_runner_that_floods_every_channel_costs_the_grader_no_memory(tmp_path):
    """Does a function runner writing 640 MB to stdout and to its reply pipe leave the grader's peak memory
    under the ceiling, with the learner told why the function was not graded?"""
    base = _reset_peak()
    found = grade_function(_function_question(), [FLOOD, RIGHT], "seed", tmp_path, None)
    assert _status("VmHWM") - base < CEILING_MB
    assert not found.correct and f"more than {REPLY_BYTES:,} bytes" in found.feedback


def test_the_runner_gets_only_the_time_it_is_given(tmp_path):
    """Is a runner whose definitions take long stopped at the seconds it was given (not its own 60 s)?"""
    slow = "import time\n_wait = time.sleep(8)\n" + RIGHT
    start = time.monotonic()
    found = grade_function(_function_question(), [slow], "seed", tmp_path, None, seconds=2)
    assert time.monotonic() - start < 5
    assert not found.correct and "the 2 s left for it" in found.feedback


def test_an_honest_runner_still_answers_on_its_pipe(tmp_path):
    """With stdout sent nowhere, does a right function that prints still get full marks?"""
    printing = RIGHT.replace("    return", "    print('working')\n    return")
    assert grade_function(_function_question(), [printing], "seed", tmp_path, None).correct


def _wire(session: Session, content: bytes) -> list[bytes]:
    """A message as the kernel would send it, with ``content`` already serialized (as learner code can)."""
    return session.serialize(session.msg("display_data", content=content, parent={"msg_id": "m"}))[1:]


class _Client:
    """What :func:`messages.bound` needs of a kernel client: a ZMQ context and a session."""

    def __init__(self):
        import zmq

        self.context = zmq.Context()
        self.session = Session(key=b"k")


@pytest.mark.parametrize(("content", "kept"), [
    (b'{"data": {"text/plain": "hi"}, "metadata": {}}', True),
    (b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b', "metadata": {}}', False),
    (b"[1, 2, 3]", False),
    (b"not json", False),
])
def test_messages_that_cannot_be_decoded_are_dropped_not_raised(content, kept):
    """Is a message nested too deep for the JSON parser, or not a dict, dropped as it is decoded (no
    RecursionError reaches the grader), while an ordinary one comes through?"""
    client = messages.bound(_Client(), 1_000_000)
    msg = client.session.deserialize(_wire(client.session, content))
    assert (msg["msg_type"] != messages.DROPPED) is kept
    client.context.term()


def test_the_client_sockets_refuse_messages_past_the_cap():
    """Do the sockets made for a bounded client carry a maximum message size and a short queue?"""
    import zmq

    client = messages.bound(_Client(), 1_000_000)
    socket = client.context.socket(zmq.SUB)
    assert socket.getsockopt(zmq.MAXMSGSIZE) == messages.message_bytes(1_000_000)
    assert socket.getsockopt(zmq.RCVHWM) * messages.message_bytes(1_000_000) <= messages.QUEUE_BYTES
    socket.close()
    client.context.term()


def test_depth_is_measured_without_recursion():
    """Is an output nested 100,000 levels deep recognised as too deep (no RecursionError), and a shallow
    one not?"""
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert messages.too_deep({"data": deep})
    assert not messages.too_deep({"data": {"application/json": json.loads('{"a": [1, {"b": 2}]}')}})


def test_the_exporter_reads_no_more_than_its_cap():
    """Is a submission larger than the cap graded as empty, saying why, after reading only the cap (the
    grader never holds the whole file)?"""
    import io

    import nbformat

    from autograder.nbgrader_plugins import SUBMISSION_CHARACTERS, LenientExporter

    asked = []

    class Counting(io.StringIO):
        def read(self, size=-1):
            asked.append(size)
            return super().read(size)

    big = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x" * (SUBMISSION_CHARACTERS + 10))])
    stream = Counting(nbformat.writes(big))
    read, _ = LenientExporter().from_file(stream)
    assert "larger than" in nbformat.reads(read, as_version=4).cells[0].source
    assert asked == [SUBMISSION_CHARACTERS + 1]
