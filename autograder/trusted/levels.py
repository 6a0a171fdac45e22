"""The isolation levels the sandbox can run at, strongest first. Each level is one class.

========  ==========================================================  ============================
level     how                                                         where
========  ==========================================================  ============================
root      bubblewrap (namespaces), then ``setpriv`` to a uid of its    the grader runs as root
          own; a memory control group for the whole sandbox
userns    bubblewrap in an unprivileged user namespace: the grader's   an ordinary user, where user
          uid is mapped to the sandbox's; nested namespaces disabled   namespaces are allowed
landlock  no namespaces: Landlock (files, TCP, signals), seccomp (no   a container (Kubernetes pod)
          sockets but Unix ones), rlimits, a keeper process that       that blocks user namespaces
          kills the whole tree and caps the private folders' size
========  ==========================================================  ============================

Every level gives learner code the same view (:mod:`.view`): the stub package, no course directory,
no other copy of the package, a private ``/tmp`` and a read-only copy of the submission; no network;
nothing it starts outlives it; limits on memory, processes, CPU time and file size. What differs is
how strongly the kernel enforces it; the level used is logged with every submission.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SandboxError
from . import lsm

if TYPE_CHECKING:
    from .sandbox import Sandbox

__all__ = ["CONNECTION", "LEVELS", "Level", "by_name"]

CONFINE = Path(__file__).with_name("confine.py")
CONNECTION = "/run/kernel/kernel.json"  # where the kernel reads its connection file inside bubblewrap
BWRAP_FIX = "install bubblewrap (`sudo apt-get install bubblewrap`)"


class Level:
    """One way of sandboxing. ``problem()`` is None where what it needs is here (the sandbox then
    tries it: :func:`.sandbox.choose`)."""

    name = ""
    rank = 0
    about = ""
    memory_group = False  # does it put the sandbox in a memory control group (only root can make one)

    def problem(self) -> str | None:
        raise NotImplementedError

    def wrap(self, box: Sandbox, argv: list[str]) -> list[str]:
        """``argv`` as run inside ``box`` at this level."""
        raise NotImplementedError

    def kernel_ip(self, box: Sandbox) -> str:
        """The path prefix of the kernel's Unix sockets, as the kernel sees it."""
        raise NotImplementedError

    def reach(self, box: Sandbox, path: str, pid: int) -> str:
        """``path`` inside the sandbox as the grader reaches it, once process ``pid`` has started it."""
        return path

    def connection_file(self, host_path: str) -> str:
        """Where the kernel reads the connection file the grader wrote at ``host_path``."""
        return host_path

    def __repr__(self) -> str:
        return f"<sandbox level {self.name}>"


class _Bubblewrap(Level):
    """Levels built on bubblewrap: a private mount namespace, sockets in the sandbox's own /tmp."""

    def kernel_ip(self, box: Sandbox) -> str:
        return "/tmp/kernel-ipc"

    def reach(self, box: Sandbox, path: str, pid: int) -> str:
        return f"/proc/{_namespace_child(pid)}/root{path}"

    def connection_file(self, host_path: str) -> str:
        return CONNECTION  # bound there read-only (Sandbox.bubblewrap_args)

    def problem(self) -> str | None:
        if not sys.platform.startswith("linux"):
            return f"the sandbox needs Linux; this is {sys.platform}"
        if not shutil.which("bwrap"):
            return f"bubblewrap is not installed: {BWRAP_FIX}"
        return None


class Root(_Bubblewrap):
    name, rank, memory_group = "root", 3, True
    about = "bubblewrap as root, learner code under a uid of its own, a memory group"

    def problem(self) -> str | None:
        if os.geteuid() != 0:
            return "the grader does not run as root"
        if not shutil.which("setpriv"):
            return "setpriv is missing: install util-linux"
        return super().problem()

    def wrap(self, box: Sandbox, argv: list[str]) -> list[str]:
        uid = str(box.uid)
        return ["bwrap", *box.bubblewrap_args(), "--", "setpriv", f"--reuid={uid}", f"--regid={uid}",
                "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs",
                "prlimit", *box.prlimit_args(), "--", *argv]


class UserNamespace(_Bubblewrap):
    name, rank = "userns", 2
    about = "bubblewrap in an unprivileged user namespace, nested namespaces disabled"

    def wrap(self, box: Sandbox, argv: list[str]) -> list[str]:
        uid = str(box.uid)
        return ["bwrap", "--unshare-user", "--uid", uid, "--gid", uid, "--disable-userns", "--cap-drop", "ALL",
                *box.bubblewrap_args(), "--", "prlimit", *box.prlimit_args(), "--", *argv]


class Landlock(Level):
    name, rank = "landlock", 1
    about = "Landlock, seccomp and rlimits, without namespaces"

    def problem(self) -> str | None:
        if not sys.platform.startswith("linux"):
            return f"the sandbox needs Linux; this is {sys.platform}"
        abi = lsm.landlock_abi()
        if abi < lsm.MINIMUM_ABI:
            return (f"this kernel's Landlock is {'missing or disabled' if not abi else f'ABI {abi}'}; the "
                    f"no-namespace level needs ABI {lsm.MINIMUM_ABI} (Linux 6.12 or later, with landlock in the "
                    "kernel's lsm= list)")
        if not lsm.seccomp_available():
            return "libseccomp is missing: install it (`sudo apt-get install libseccomp2`)"
        return None

    def wrap(self, box: Sandbox, argv: list[str]) -> list[str]:
        return [sys.executable, "-I", "-S", str(CONFINE), box.landlock_spec(), "--", *argv]

    def kernel_ip(self, box: Sandbox) -> str:
        return str(box.private_tmp() / "kernel-ipc")


LEVELS = (Root(), UserNamespace(), Landlock())


def by_name(name: str) -> Level:
    """The level called ``name``; a clear error for any other word."""
    for level in LEVELS:
        if level.name == name:
            return level
    raise SandboxError(f"unknown sandbox level {name!r}: c.SandboxedExecute.require takes one of "
                       f"{', '.join(repr(x.name) for x in LEVELS)} (strongest first)")


def _namespace_child(pid: int, seconds: float = 10.0) -> int:
    """The first child of bubblewrap process ``pid``: the process whose root is the sandbox's."""
    deadline = time.monotonic() + seconds
    path = Path(f"/proc/{pid}/task/{pid}/children")
    while time.monotonic() < deadline:
        try:
            children = path.read_text().split()
        except OSError:
            children = []
        if children:
            return int(children[0])
        time.sleep(0.01)
    raise SandboxError(f"the sandbox (process {pid}) did not start its namespace within {seconds:g} s")
