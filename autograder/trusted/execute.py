"""Run a learner's notebook with limits, so that a run always finishes.

:class:`BoundedClient` is nbclient's ``NotebookClient`` with four limits: a time limit per cell
(the kernel is interrupted and the next cell runs), a time budget for the whole notebook (cells
after it is spent are not run), a cap on output bytes, and a kernel that dies or ignores the
interrupt costs only the cells after it. Whatever happens, :func:`run_notebook` returns the
notebook with every cell it could not run marked by an error output saying why.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from ..errors import GraderFailure, KernelStartError
from . import messages
from .capture import MIME
from .kernel import SandboxedKernelManager
from .sandbox import Sandbox

__all__ = ["NOT_RUN", "BoundedClient", "Budget", "GraderFailure", "KernelStartError", "not_run", "run_notebook"]

NOT_RUN = "CellNotRun"
CAPTURES_PER_CELL = 4  # answer reports kept in one cell even past the output cap (a real test cell makes one)
CAPTURE_BYTES = 2_000  # one answer report at most (a real one is a few hundred bytes) ...
CAPTURES_BYTES = 100_000  # ... and all of a notebook's together; past these, reports count as output

TIMEOUT = {"ename": "CellTimeoutError", "evalue": "the cell ran past its time limit and was interrupted",
           "traceback": ["CellTimeoutError: the cell ran past its time limit and was interrupted"]}


@dataclass(frozen=True)
class Budget:
    """Limits of one notebook run. Once a cell has run past its limit, later cells get
    ``after_timeout_seconds`` each: a notebook that stalls once is not given the full time again."""

    cell_seconds: float = 20
    notebook_seconds: float = 120
    output_bytes: int = 1_000_000
    grace_seconds: float = 5  # how long an interrupted kernel may take to become responsive
    after_timeout_seconds: float = 10
    function_seconds: float = 30  # of notebook_seconds, kept for running function questions again (pipeline)


def not_run(reason: str):
    """The error output of a cell that was not run."""
    return nbformat.v4.new_output("error", ename=NOT_RUN, evalue=reason, traceback=[f"Not run: {reason}"])


class BoundedClient(NotebookClient):
    """nbclient with a notebook budget, an output cap and no exception for a dead kernel."""

    def __init__(self, nb, budget: Budget, sandbox: Sandbox | None = None, **kw):
        # Once the last cell has run, its outputs are all in: the kernel (in a sandbox thrown away after) is killed
        # at once. A graceful shutdown (interrupt, shutdown request, then polling every 0.1 s for the exit) spent
        # 0.24-0.67 s a notebook waiting: a third of a short notebook's grading.
        super().__init__(nb, timeout=int(budget.cell_seconds), interrupt_on_timeout=True,
                         error_on_timeout=TIMEOUT, allow_errors=True, shutdown_kernel="immediate", **kw)
        self.budget = budget
        self.sandbox = sandbox
        self.stop_reason: str | None = None
        self._deadline = time.monotonic() + budget.notebook_seconds
        self._output_left = budget.output_bytes
        self._captures_left = CAPTURES_BYTES
        self.kernel_ready = False
        self._timed_out = self._any_timeout = False

    def create_kernel_manager(self):
        self.km = SandboxedKernelManager(kernel_name=self.kernel_name or "python3", config=self.config,
                                         **self._transport())
        self.km.sandbox = self.sandbox
        return self.km

    def _transport(self) -> dict:
        return {} if self.sandbox is None else self.sandbox.kernel_transport()

    def _get_timeout(self, cell):
        left = self._deadline - time.monotonic()
        limit = self.budget.after_timeout_seconds if self._any_timeout else self.budget.cell_seconds
        return max(1, int(min(limit, left) + 0.999))

    async def _async_handle_timeout(self, timeout, cell=None):
        self._timed_out = self._any_timeout = True
        return await super()._async_handle_timeout(timeout, cell)

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell
        if self.stop_reason is None and time.monotonic() >= self._deadline:
            self.stop_reason = (f"the notebook's time budget ({self.budget.notebook_seconds:g} s) was used up "
                                "by the cells before")
        if self.stop_reason is not None:
            cell.outputs = [not_run(self.stop_reason)]
            return cell
        self._timed_out = False
        try:
            await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except (DeadKernelError, CellTimeoutError, asyncio.CancelledError) as err:
            self.stop_reason = _death(err)
            cell.outputs.append(not_run(self.stop_reason))
            return cell
        if self._timed_out and not any(o.get("output_type") == "error" for o in cell.outputs):
            cell.outputs.append(nbformat.v4.new_output("error", **TIMEOUT))
        if self._timed_out and not await self._responsive():
            self.stop_reason = "the kernel did not stop when this cell was interrupted, so it was shut down"
            await self._kill()
        return cell

    async def _responsive(self) -> bool:
        """After an interrupt: does the kernel answer a trivial request within the grace time?"""
        msg_id = self.kc.execute("", silent=True, store_history=False)
        end = time.monotonic() + self.budget.grace_seconds
        while (left := end - time.monotonic()) > 0:
            try:
                msg = await self.kc.shell_channel.get_msg(timeout=left)
            except Exception:
                return False
            if msg["parent_header"].get("msg_id") == msg_id:
                return True
        return False

    async def _kill(self) -> None:
        with contextlib.suppress(Exception):
            await self.km.shutdown_kernel(now=True)

    async def async_start_new_kernel_client(self):
        """nbclient's kernel client, with bounded sockets and checked decoding (:mod:`.messages`)."""
        make = self.km.client
        self.km.client = lambda **kw: messages.bound(make(**kw), self.budget.output_bytes)
        try:
            kc = await super().async_start_new_kernel_client()
        finally:
            del self.km.client
        self.kernel_ready = True
        # Only iopub (where outputs, and so huge messages, come), and only while the kernel lives: ZMQ aborts the
        # whole process (fq.cpp `!_more`) if a pipe is disconnected while a multipart message is half read, as it
        # can be when a dying kernel's sockets all drop at once.
        process = getattr(self.km.provisioner, "process", None)
        alive = (lambda: process.poll() is None) if process is not None else (lambda: False)
        self._reconnecting = asyncio.ensure_future(messages.reconnect([kc.iopub_channel.socket], alive))
        return kc

    async def _async_cleanup_kernel(self) -> None:
        if getattr(self, "_reconnecting", None) is not None:  # before the sockets it watches are closed
            self._reconnecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnecting
            self._reconnecting = None
        await super()._async_cleanup_kernel()

    def process_message(self, msg, cell, cell_index):
        if msg.get("msg_type") not in ("status", "execute_input") and not self._admit(msg, cell.outputs):
            return None
        try:
            return super().process_message(msg, cell, cell_index)
        except messages.UNREADABLE:  # a forged message of a known type with the wrong content
            _note(cell.outputs, "[an output the grader could not read was left out]")
            return None

    def _admit(self, msg: dict, outs: list) -> bool:
        """Keep this message's output? Answer reports within their own allowance, the rest within the output
        cap; nothing nested too deep to write out (every kind of output counts: displays, updates, widgets)."""
        content, capture = msg.get("content"), _is_capture(msg)
        if self._output_left < 0 and not capture:
            return False
        if messages.too_deep(content):
            _note(outs, f"[an output nested more than {messages.DEPTH} levels deep was left out]")
            return False
        size = messages.size(content)
        if capture and self._capture_fits(outs, size):
            self._captures_left -= size
            return True
        if size > self._output_left:
            if self._output_left >= 0:
                self._output_left = -1
                outs.append(nbformat.v4.new_output(
                    "stream", name="stdout", text=f"\n[output cut: more than {self.budget.output_bytes:,} bytes]\n"))
            return False
        self._output_left -= size
        return True

    def _capture_fits(self, outs: list, size: int) -> bool:
        kept = sum(1 for o in outs if MIME in o.get("data", {}))
        return size <= min(CAPTURE_BYTES, self._captures_left) and kept < CAPTURES_PER_CELL

    def cleanup(self) -> None:
        if self.sandbox is not None:
            self.sandbox.cleanup()


def _is_capture(msg: dict) -> bool:
    data = msg.get("content", {}).get("data")
    return msg.get("msg_type") == "display_data" and isinstance(data, dict) and MIME in data


def _note(outs: list, text: str) -> None:
    """Tell the learner, once per cell, that some output was left out."""
    if not any(o.get("text") == text for o in outs):
        outs.append(nbformat.v4.new_output("stream", name="stdout", text=text))


def _death(err: BaseException) -> str:
    if isinstance(err, CellTimeoutError):
        return "the kernel stopped sending output (it was flooded or stuck), so it was shut down"
    return ("the kernel stopped while running this cell (exit(), os._exit(), a crash, or a limit on "
            "memory, processes or CPU time)")


def run_notebook(nb, cwd: Path, budget: Budget, sandbox: Sandbox | None,
                 env: dict[str, str] | None = None) -> tuple[object, str | None]:
    """Execute ``nb`` in place; the notebook and why it stopped early (None: it ran to the end).
    ``env``: variables the kernel gets on top of the usual ones. A failure that is not the learner's
    code's raises: :class:`KernelStartError` before any cell ran, :class:`GraderFailure` after (the
    cells that ran keep their outputs)."""
    env = env or {}
    if sandbox is not None:
        sandbox.workdir = Path(cwd).resolve()
        sandbox.env = dict(env)
    client = BoundedClient(nb, budget, sandbox, kernel_name="python3",
                           resources={"metadata": {"path": str(cwd)}}, iopub_timeout=budget.grace_seconds)
    try:
        client.execute(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,  # the kernel's own log lines
                       env={**os.environ, **env})
    except DeadKernelError as err:
        client.stop_reason = client.stop_reason or _death(err)
    except Exception as err:  # not the learner's code: the kernel never started, or the grader's side failed
        atexit.unregister(client._cleanup_kernel)  # nbclient leaves it registered, to fail at exit
        words = f"{type(err).__name__}: {str(err)[:200]}"
        if not client.kernel_ready:
            raise KernelStartError(f"the Jupyter kernel could not start ({words})") from err
        raise GraderFailure(f"the grader failed while running the notebook ({words})") from err
    finally:
        client.cleanup()
    return nb, client.stop_reason
