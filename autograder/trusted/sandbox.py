"""The sandbox learner code runs in while it is graded: Debian's ``bubblewrap`` (``bwrap``).

Inside, a process sees a read-only system (``/usr``, ``/etc``), the Python it runs on and its
packages (read-only), the learner's own submission folder (read-only) and a small private
``/tmp``. It has no network, its own process tree (everything in it dies with it), another user
id than the grader's, and limits on memory, processes, CPU time and file size. It cannot see the
course directory: not the gradebook, the sources, the release, other learners' work or the
configuration. The package ``autograder`` is replaced by three files (:data:`KERNEL_SIDE`): a stub
``__init__``, and the modules that report answers (``_capture``) and run a learner's function
(``_runner``); it holds no answer keys, questions or solutions.

:func:`available` tells whether the sandbox can run here; :meth:`Sandbox.wrap` turns a command
into its sandboxed form.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..errors import SandboxError
from .cgroups import group_name, memory_group, remove_group

__all__ = ["KERNEL_SIDE", "Limits", "Sandbox", "SandboxError", "available"]

PACKAGE = Path(__file__).resolve().parents[1]
# The package as learner code sees it inside: the stub __init__ and the two modules that report to the grader.
KERNEL_SIDE = {"__init__.py": Path(__file__).with_name("kernel_init.py"),
               "_capture.py": PACKAGE / "_capture.py", "_runner.py": PACKAGE / "_runner.py"}
SYSTEM = ("/usr", "/etc", "/opt")
PASSED_ENV = ("PATH", "LANG", "LC_ALL", "TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "KERAS_BACKEND",
              "PYTHONHASHSEED", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "MPLBACKEND")
_uids = itertools.count()


@dataclass(frozen=True)
class Limits:
    """What one sandboxed process tree may use."""

    memory_bytes: int = 6 * 2**30  # address space per process: TensorFlow maps about 3 GB at import
    total_memory_bytes: int = 4 * 2**30  # every process of the sandbox together (a control group, where possible)
    processes: int = 512  # threads count too; TensorFlow starts dozens
    cpu_seconds: int = 600
    file_bytes: int = 64 * 2**20
    tmp_bytes: int = 256 * 2**20


@cache
def available() -> str | None:
    """None when the sandbox works here, else why not (one sentence)."""
    if not sys.platform.startswith("linux"):
        return f"the sandbox needs Linux (bubblewrap); this is {sys.platform}"
    if not shutil.which("bwrap") or not shutil.which("setpriv"):
        return ("bubblewrap is not installed (`apt-get install bubblewrap`; setpriv comes with util-linux)")
    box = Sandbox()
    try:
        done = subprocess.run(box.wrap(["/bin/true"]), capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"bubblewrap could not start ({err})"
    finally:
        box.cleanup()
    if done.returncode:
        return f"bubblewrap could not start: {done.stderr.strip()[:300] or done.returncode}"
    return None


@dataclass
class Sandbox:
    """A bubblewrap command line: read-only system and Python, a private /tmp, no network."""

    limits: Limits = field(default_factory=Limits)
    workdir: Path | None = None
    shared: list[Path] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)  # more variables for the sandboxed process
    uid: int = field(default_factory=lambda: 200_000 + (os.getpid() * 64 + next(_uids)) % 500_000)
    _copy: Path | None = field(default=None, repr=False)
    _group: Path | None = field(default=None, repr=False)

    def wrap(self, argv: list[str]) -> list[str]:
        """``argv`` as run inside the sandbox, as an unprivileged user of its own (``uid``), in a control
        group that caps the memory of all its processes together where the machine allows one."""
        uid = str(self.uid)
        command = ["bwrap", *self._filesystem(), *self._namespaces(), *self._environment(),
                   "--", "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                   "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs",
                   "prlimit", *self._rlimits(), "--", *argv]
        self._group = self._group or memory_group(group_name(self.uid), self.limits.total_memory_bytes)
        if self._group is None:
            return command
        join = 'echo $$ > "$0" && exec "$@"'  # the launcher joins the group, then becomes bubblewrap
        return ["sh", "-c", join, str(self._group / "cgroup.procs"), *command]

    def _filesystem(self) -> list[str]:
        args = []
        for path in SYSTEM:
            if Path(path).exists():
                args += ["--ro-bind", path, path]
        for name in ("bin", "lib", "lib64", "sbin"):
            target = Path("/") / name
            if target.is_symlink():
                args += ["--symlink", os.readlink(target), str(target)]
            elif target.exists():
                args += ["--ro-bind", str(target), str(target)]
        args += ["--proc", "/proc", "--dev", "/dev",
                 "--size", str(self.limits.tmp_bytes), "--perms", "1777", "--tmpfs", "/tmp"]
        for path in _python_roots():
            args += [*_parents(path), "--ro-bind", str(path), str(path)]
        args += [*_parents(PACKAGE), "--perms", "0755", "--tmpfs", str(PACKAGE)]
        for name, path in KERNEL_SIDE.items():
            args += ["--ro-bind", str(path), str(PACKAGE / name)]
        for path in self.shared:
            args += [*_parents(path), "--bind", str(path), str(path)]
        if self.workdir is not None:
            args += [*_parents(self.workdir), "--ro-bind", str(self._private_copy()), str(self.workdir),
                     "--chdir", str(self.workdir)]
        return args

    def _private_copy(self) -> Path:
        """A read-only copy of the working folder, readable by the sandbox's user: learner code reads its
        own files there and writes only to the small private /tmp (nothing fills the grader's disk)."""
        if self._copy is None:
            self._copy = Path(tempfile.mkdtemp(prefix="sandbox-work-"))
            shutil.copytree(self.workdir, self._copy, dirs_exist_ok=True, symlinks=True)
            for path in [self._copy, *self._copy.rglob("*")]:
                if not path.is_symlink():
                    path.chmod(0o755 if path.is_dir() else 0o644)
        return self._copy

    def cleanup(self) -> None:
        """Remove the private folders and the control group made for this sandbox (its processes are
        gone by then; any left in the group are killed)."""
        remove_group(self._group)
        for path in [*self.shared, *([self._copy] if self._copy else [])]:
            shutil.rmtree(path, ignore_errors=True)
        self.shared.clear()
        self._copy = self._group = None

    @staticmethod
    def _namespaces() -> list[str]:
        return ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                "--die-with-parent", "--hostname", "sandbox"]

    def _environment(self) -> list[str]:
        args = ["--clearenv", "--setenv", "HOME", "/tmp", "--setenv", "MPLCONFIGDIR", "/tmp"]
        for key in PASSED_ENV:
            if key in os.environ:
                args += ["--setenv", key, os.environ[key]]
        for key, value in self.env.items():
            args += ["--setenv", key, value]
        return args

    def _rlimits(self) -> list[str]:
        limits = self.limits
        return [f"--as={limits.memory_bytes}", f"--nproc={limits.processes}", f"--cpu={limits.cpu_seconds}",
                f"--fsize={limits.file_bytes}", "--core=0"]


@cache
def _python_roots() -> tuple[Path, ...]:
    """The folders this Python and its packages live in (read-only inside)."""
    roots = {Path(sys.prefix), Path(sys.base_prefix), Path(os.path.realpath(sys.executable)).parent.parent}
    system = tuple(Path(p) for p in SYSTEM)
    kept = [r for r in roots if not any(r == s or s in r.parents for s in system)]
    return tuple(sorted(r for r in kept if not any(o in r.parents for o in kept)))


def _parents(path: Path) -> list[str]:
    """Create the folders above a bind point readable for everyone (bwrap's own are 0700)."""
    args = []
    for parent in reversed(Path(path).parents):
        if str(parent) not in ("/", "/tmp"):
            args += ["--perms", "0755", "--dir", str(parent)]
    return args
