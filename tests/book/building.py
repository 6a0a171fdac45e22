"""Building the book with the same strict command as `make book`, and what the build printed."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
LOG = ROOT / "test-artifacts" / "book-build.log"
BUILD_TIMEOUT = 3600  # seconds: a clean build executes every chapter, TensorFlow included

# ipykernel 7 logs this on every kernel start when the kernel runs over TCP (as nbclient starts it).
# It is the kernel's own log line, not a warning about the book.
KERNEL_TRANSPORT_LINE = "Kernel is running over TCP without encryption"

# A kernel that dies before it answers kernel_info never ran a cell: a start-up race (two processes
# picking the same free port while the other test worker starts kernels too), not a fault in a chapter.
# jupyter_client/nbclient issues know it; one more build, which re-executes only what failed, settles it.
KERNEL_START_FAILURE = "Kernel died before replying to kernel_info"


@dataclass(frozen=True)
class Build:
    """The outcome of one `jupyter-book build`: its exit code and everything it printed."""

    returncode: int
    output: str
    attempts: int = 1

    def warnings(self) -> list[str]:
        """Every printed line that mentions a warning, except the kernel's transport notice."""
        return [line for line in self.output.splitlines()
                if "WARNING" in line and KERNEL_TRANSPORT_LINE not in line]

    def excerpt(self, chars: int = 4000) -> str:
        """Where the build went wrong: from its first traceback or error line, then the end; full log in LOG."""
        lines = self.output.splitlines()
        first = next((i for i, line in enumerate(lines) if "Traceback" in line or "ERROR" in line), None)
        head = "\n".join(lines[first:first + 40]) if first is not None else ""
        return f"(attempts: {self.attempts}; full log: {LOG})\n{head}\n[...]\n{self.output[-chars:]}"


def _build_once() -> Build:
    """One strict build into ROOT/_build, exactly as `make book` runs it."""
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", ".", "-W", "-n", "--keep-going"]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "KERAS_BACKEND": "tensorflow"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=BUILD_TIMEOUT, check=False)
    return Build(done.returncode, done.stdout + done.stderr)


def build_book() -> Build:
    """Build the book; once more only if a kernel died at start-up. The whole log is kept in LOG."""
    build = _build_once()
    if build.returncode != 0 and KERNEL_START_FAILURE in build.output:
        retry = _build_once()
        both = f"{build.output}\n--- a kernel died at start-up; built again ---\n{retry.output}"
        build = Build(retry.returncode, retry.output if retry.returncode == 0 else both, attempts=2)
    LOG.parent.mkdir(exist_ok=True)
    LOG.write_text(build.output)
    return build
