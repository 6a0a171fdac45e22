"""Building the book with the strict command of `make book`, and what the build printed.

`make book` runs this module (``python -m tests.book.building``), so the book tests and `make book` run one
command. Each build records its exit code, its output and a fingerprint of its sources (every file git does
not ignore, and the Python that built it) in ``_build/book-build.json``; the tests reuse a successful build
whose fingerprint still matches (CI runs `make book`, then `make test`), and build again otherwise.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
LOG = ROOT / "test-artifacts" / "book-build.log"
RECORD = ROOT / "_build" / "book-build.json"
COMMAND = ["build", ".", "-W", "-n", "--keep-going"]  # after the venv's jupyter-book
BUILD_TIMEOUT = 3600  # seconds: a clean build executes every chapter, TensorFlow included

# ipykernel 7 logs this on every kernel start when the kernel runs over TCP (as nbclient starts it).
# It is the kernel's own log line, not a warning about the book.
KERNEL_TRANSPORT_LINE = "Kernel is running over TCP without encryption"


@dataclass(frozen=True)
class Build:
    """The outcome of one `jupyter-book build`: its exit code and everything it printed."""

    returncode: int
    output: str

    def warnings(self) -> list[str]:
        """Every printed line that mentions a warning, except the kernel's transport notice."""
        return [line for line in self.output.splitlines()
                if "WARNING" in line and KERNEL_TRANSPORT_LINE not in line]

    def excerpt(self, chars: int = 4000) -> str:
        """Where the build went wrong: from its first traceback or error line, then the end; full log in LOG."""
        lines = self.output.splitlines()
        first = next((i for i, line in enumerate(lines) if "Traceback" in line or "ERROR" in line), None)
        head = "\n".join(lines[first:first + 40]) if first is not None else ""
        return f"(full log: {LOG})\n{head}\n[...]\n{self.output[-chars:]}"


def build_book(reuse: bool = True, echo: bool = False) -> Build:
    """The strict build into ROOT/_build, exactly as `make book` runs it; the whole log is kept in LOG.
    ``reuse``: a recorded successful build of these very sources instead, if there is one; ``echo``: show
    the output as it comes (`make book`).

    One build at a time: the build and browser tests share this one (xdist group "kernels")."""
    fingerprint = sources_fingerprint()
    recorded = _recorded(fingerprint) if reuse else None
    if recorded:
        return recorded
    build = _run([str(Path(sys.executable).with_name("jupyter-book")), *COMMAND], echo)
    LOG.parent.mkdir(exist_ok=True)
    LOG.write_text(build.output)
    if fingerprint and HTML.is_dir():
        RECORD.write_text(json.dumps({"fingerprint": fingerprint, **asdict(build)}))
    return build


def _run(command: list[str], echo: bool) -> Build:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "KERAS_BACKEND": "tensorflow"}
    if echo:
        print(" ".join(command[:1] + COMMAND), flush=True)
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as process:
        timer = threading.Timer(BUILD_TIMEOUT, process.kill)  # a hung build ends, and says so below
        timer.start()
        lines = []
        for line in process.stdout:
            lines.append(line)
            if echo:
                print(line, end="", flush=True)
        returncode = process.wait()
        timer.cancel()
    if returncode == -9:
        lines.append(f"\nthe build was stopped after {BUILD_TIMEOUT} s\n")
    return Build(returncode, "".join(lines))


def _recorded(fingerprint: str | None) -> Build | None:
    """The recorded build, if it succeeded, is of these sources and its site is still there."""
    if not (fingerprint and RECORD.is_file() and (HTML / "index.html").is_file()):
        return None
    record = json.loads(RECORD.read_text())
    if record.get("fingerprint") != fingerprint or record.get("returncode") != 0:
        return None
    return Build(record["returncode"], record["output"])


def sources_fingerprint() -> str | None:
    """A hash of every file git does not ignore (tracked or new, by content) and of the venv and Python running;
    None outside a git checkout (then the book is always built)."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                cwd=ROOT, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if listed.returncode != 0:
        return None
    digest = hashlib.sha256(f"{sys.prefix} {sys.version}".encode())  # the venv, whichever of its pythons runs
    for name in sorted(set(listed.stdout.decode().split("\0")) - {""}):
        path = ROOT / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"-") + b"\0")
    return digest.hexdigest()


def published_pages() -> list[str]:
    """Every page of the book, relative to HTML. Not pages: the theme's template fragments under _static/, the
    JupyterLite app under lite/ (a program built beside the book by lite/extension.py), and index.html, only a
    redirect to the preface, which is a page itself."""
    pages = (p.relative_to(HTML).as_posix() for p in HTML.rglob("*.html"))
    return sorted(p for p in pages if not p.startswith(("_static/", "_sources/", "lite/")) and p != "index.html")


if __name__ == "__main__":  # `make book`
    done = build_book(reuse=False, echo=True)
    if done.returncode:
        sys.exit(f"The book's build failed (exit {done.returncode}); the whole log is in {LOG}")
