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


def build_book() -> Build:
    """Run the strict build into ROOT/_build, exactly as `make book` does; keep the whole log in LOG.

    One build at a time: the build and browser tests share this one (xdist group "kernels")."""
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", ".", "-W", "-n", "--keep-going"]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "KERAS_BACKEND": "tensorflow"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=BUILD_TIMEOUT, check=False)
    build = Build(done.returncode, done.stdout + done.stderr)
    LOG.parent.mkdir(exist_ok=True)
    LOG.write_text(build.output)
    return build


def published_pages() -> list[str]:
    """Every page of the book, relative to HTML. Not pages: the theme's template fragments under _static/, the
    JupyterLite app under lite/ (a program built beside the book by lite/extension.py), and index.html, only a
    redirect to the preface, which is a page itself."""
    pages = (p.relative_to(HTML).as_posix() for p in HTML.rglob("*.html"))
    return sorted(p for p in pages if not p.startswith(("_static/", "_sources/", "lite/")) and p != "index.html")
