"""The sandbox learner code runs in while it is graded, at the strongest level the machine allows.

Inside, a process sees the view of :mod:`.view` (the system's programs, a few files of ``/etc``, the
Python it runs on and its packages, read-only), the learner's own submission folder (a read-only
copy) and a small private ``/tmp``. It has no network, nothing it starts outlives it, it runs as
another user than the grader's (or, without namespaces, as the grader's user confined by Landlock),
and it has limits on memory, processes, CPU time and file size. It cannot see the course directory:
not the gradebook, the sources, the release, other learners' work or the configuration. The package
``autograder`` is replaced by three files (:data:`KERNEL_SIDE`): a stub ``__init__``, and the
modules that report answers (``_capture``) and run a learner's function (``_runner``); it holds no
answer keys, questions or solutions. Nothing the grader's machine keeps is writable from inside.

:func:`choose` picks the level (:mod:`.levels`): ``root``, ``userns`` or ``landlock``;
:func:`available` tells whether any level at or above a minimum runs here; :meth:`Sandbox.wrap`
turns a command into its sandboxed form.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..errors import SandboxError
from . import view
from .cgroups import group_name, memory_group, remove_group
from .levels import CONNECTION, LEVELS, Level, by_name

__all__ = ["KERNEL_SIDE", "Limits", "Sandbox", "SandboxError", "available", "choose"]

PACKAGE = view.PACKAGE
# The package as learner code sees it inside: the stub __init__ and the two modules that report to the grader.
KERNEL_SIDE = {"__init__.py": Path(__file__).with_name("kernel_init.py"),
               "_capture.py": PACKAGE / "_capture.py", "_runner.py": PACKAGE / "_runner.py"}
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
    tmp_bytes: int = 256 * 2**20  # everything learner code can write, together


@cache
def choose(require: str = "landlock", exactly: str = "") -> Level:
    """The strongest level that runs here, if it is at least ``require`` (``exactly``: that level, or none);
    else a SandboxError whose one sentence names what each level lacks and how to fix it."""
    floor, tried = by_name(exactly or require), []
    for level in LEVELS:
        if level.rank < floor.rank:
            break
        if exactly and level is not floor:
            continue
        problem = level.problem() or _probe(level)
        if problem is None:
            return level
        tried.append(f"{level.name}: {problem}")
    raise SandboxError(f"learner code cannot be sandboxed at level {require!r} or above here ("
                       + "; ".join(tried) + "). Fix one of these, lower c.SandboxedExecute.require, or grade "
                       "without a sandbox (c.SandboxedExecute.sandbox = False: learner code could then read "
                       "and change the course directory)")


def available(require: str = "landlock") -> str | None:
    """None when a level at or above ``require`` runs here, else why not (one sentence)."""
    try:
        choose(require)
    except SandboxError as err:
        return str(err)
    return None


def _probe(level: Level) -> str | None:
    """Run this Python at ``level`` (it runs every kernel): None when it ran, else what went wrong (as root
    without namespaces, a Python under a folder only root may enter cannot run as the sandbox's uid)."""
    box = Sandbox(level=level)
    try:
        done = subprocess.run(box.wrap([sys.executable, "-S", "-c", "pass"]), capture_output=True, text=True,
                              timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"it could not start ({err})"
    finally:
        box.cleanup()
    if done.returncode:
        return f"it could not start: {' '.join(done.stderr.split())[:240] or f'exit {done.returncode}'}"
    return None


@dataclass
class Sandbox:
    """One sandboxed process tree: its level, limits, working folder and private folders."""

    limits: Limits = field(default_factory=Limits)
    workdir: Path | None = None
    env: dict[str, str] = field(default_factory=dict)  # more variables for the sandboxed process
    level: Level = field(default_factory=choose)
    uid: int = field(default_factory=lambda: 200_000 + (os.getpid() * 64 + next(_uids)) % 500_000)
    _private: list[Path] = field(default_factory=list, repr=False)
    _copy: Path | None = field(default=None, repr=False)
    _tmp: Path | None = field(default=None, repr=False)
    _connection: Path | None = field(default=None, repr=False)
    _group: Path | None = field(default=None, repr=False)

    def wrap(self, argv: list[str]) -> list[str]:
        """``argv`` as run inside the sandbox, at its level; as root, in a control group that caps the
        memory of all its processes together where the machine allows one."""
        command = self.level.wrap(self, argv)
        if not self.level.memory_group:
            return command
        self._group = self._group or memory_group(group_name(self.uid), self.limits.total_memory_bytes)
        if self._group is None:
            return command
        join = 'echo $$ > "$0" && exec "$@"'  # the launcher joins the group, then becomes bubblewrap
        return ["sh", "-c", join, str(self._group / "cgroup.procs"), *command]

    def kernel_transport(self) -> dict:
        """How a kernel inside is reached: Unix sockets whose files the kernel makes in its own private
        folder, and a connection file the grader writes in a folder of its own (read-only inside)."""
        folder = self._mkdtemp("kernel-", 0o711)
        self._connection = folder / "kernel.json"
        return {"transport": "ipc", "connection_file": str(self._connection), "ip": self.level.kernel_ip(self)}

    def connection_inside(self) -> str:
        """The connection file's path as the kernel sees it (readable by the sandbox's user)."""
        self._connection.chmod(0o644)
        return self.level.connection_file(str(self._connection))

    def reach(self, path: str, pid: int) -> str:
        """A path inside the sandbox as the grader reaches it, once process ``pid`` runs the sandbox."""
        return self.level.reach(self, path, pid)

    def bubblewrap_args(self) -> list[str]:
        """bubblewrap's options: the view, a private /tmp, namespaces and environment."""
        args = ["--perms", "0755", "--dir", "/etc"]
        for path in view.SYSTEM:
            args += ["--ro-bind", path, path]
        for path, target in view.system_links():
            args += ["--symlink", target, path] if target else ["--ro-bind", path, path]
        for name in view.ETC:
            if os.path.lexists(f"/etc/{name}"):
                args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
        args += ["--proc", "/proc", "--dev", "/dev",
                 "--size", str(self.limits.tmp_bytes), "--perms", "1777", "--tmpfs", "/tmp"]
        for path in view.python_roots():
            args += [*_parents(path), "--ro-bind", str(path), str(path)]
        for path in view.hidden_copies():
            args += [*_parents(path), "--perms", "0755", "--tmpfs", str(path)]
        for name, path in KERNEL_SIDE.items():
            args += ["--ro-bind", str(path), str(PACKAGE / name)]
        args += [arg for path in view.hidden_copies() for arg in ("--remount-ro", str(path))]
        if self._connection is not None:
            args += [*_parents(Path(CONNECTION)), "--ro-bind", str(self._connection), CONNECTION]
        if self.workdir is not None:
            args += [*_parents(self.workdir), "--ro-bind", str(self._private_copy()), str(self.workdir),
                     "--chdir", str(self.workdir)]
        # Only /tmp stays writable: bubblewrap's own root (the folders it made) and its /dev are tmpfs without a
        # cap, writable by the sandbox's user in a user namespace (devices stay usable: /dev/null takes writes).
        return [*args, "--remount-ro", "/dev", "--remount-ro", "/", *_NAMESPACES, *self._environment(home="/tmp")]

    def prlimit_args(self) -> list[str]:
        return [f"--{name}={value}" for name, value in self._rlimits().items()]

    def landlock_spec(self) -> str:
        """The JSON that :mod:`.confine` confines a command by (the level without namespaces)."""
        tmp, stub = self.private_tmp(), self._stub()
        read = [*view.SYSTEM, *(p for p, _ in view.system_links()), *(f"/etc/{n}" for n in view.ETC),
                "/proc", "/dev/urandom", "/dev/random", "/dev/zero", str(stub)]
        for root in view.python_roots():
            read += view.readable_except(root, view.hidden_copies())
        if self._connection is not None:
            read.append(str(self._connection.parent))
        cwd = None
        if self.workdir is not None:
            cwd = str(self._private_copy())
            read.append(cwd)
        env = dict(self._environment_pairs(home=str(tmp)), TMPDIR=str(tmp), PYTHONPATH=str(stub))
        rlimits = self._rlimits()
        rlimits["nproc"] = self.limits.processes + _processes_of_this_user()  # NPROC counts the whole uid
        return json.dumps({"read": read, "write": [str(tmp), "/dev/null"], "env": env, "cwd": cwd,
                           "rlimits": rlimits, "uid": self.uid, "watch": [str(tmp)],
                           "watch_bytes": self.limits.tmp_bytes})

    def private_tmp(self) -> Path:
        """The sandbox's private, writable folder where it has no tmpfs of its own (landlock level)."""
        if self._tmp is None:
            self._tmp = self._mkdtemp("sandbox-tmp-", 0o700)
            if os.geteuid() == 0:
                os.chown(self._tmp, self.uid, self.uid)
        return self._tmp

    def _stub(self) -> Path:
        """A folder holding the stub package, first on the path of learner code (landlock level)."""
        folder = self._mkdtemp("sandbox-stub-", 0o755)
        (folder / "autograder").mkdir(mode=0o755)
        for name, path in KERNEL_SIDE.items():
            shutil.copyfile(path, folder / "autograder" / name)
        return folder

    def _private_copy(self) -> Path:
        """A read-only copy of the working folder, readable by the sandbox's user: learner code reads its
        own files there and writes only to its small private /tmp (nothing fills the grader's disk)."""
        if self._copy is None:
            self._copy = self._mkdtemp("sandbox-work-", 0o755)
            shutil.copytree(self.workdir, self._copy, dirs_exist_ok=True, symlinks=True)
            for path in [self._copy, *self._copy.rglob("*")]:
                if not path.is_symlink():
                    path.chmod(0o755 if path.is_dir() else 0o644)
        return self._copy

    def _mkdtemp(self, prefix: str, mode: int) -> Path:
        folder = Path(tempfile.mkdtemp(prefix=prefix))
        folder.chmod(mode)
        self._private.append(folder)
        return folder

    def cleanup(self) -> None:
        """Remove the private folders and the control group made for this sandbox (its processes are
        gone by then; any left in the group are killed)."""
        remove_group(self._group)
        for path in self._private:
            shutil.rmtree(path, ignore_errors=True)
        self._private.clear()
        self._copy = self._tmp = self._connection = self._group = None

    def _environment_pairs(self, home: str) -> dict[str, str]:
        pairs = {"HOME": home, "MPLCONFIGDIR": home}
        pairs.update({key: os.environ[key] for key in PASSED_ENV if key in os.environ})
        return pairs | self.env

    def _environment(self, home: str) -> list[str]:
        args = ["--clearenv"]
        for key, value in self._environment_pairs(home).items():
            args += ["--setenv", key, value]
        return args

    def _rlimits(self) -> dict[str, int]:
        limits = self.limits
        return {"as": limits.memory_bytes, "nproc": limits.processes, "cpu": limits.cpu_seconds,
                "fsize": limits.file_bytes, "core": 0}


_NAMESPACES = ("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
               "--die-with-parent", "--hostname", "sandbox")


def _processes_of_this_user() -> int:
    """How many processes (threads included) this user runs now: RLIMIT_NPROC counts them all."""
    uid, count = os.getuid(), 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry}/task"))
            except OSError:
                continue
    return count


def _parents(path: Path) -> list[str]:
    """Create the folders above a bind point readable for everyone (bwrap's own are 0700)."""
    args = []
    for parent in reversed(Path(path).parents):
        if str(parent) not in ("/", "/tmp"):
            args += ["--perms", "0755", "--dir", str(parent)]
    return args

