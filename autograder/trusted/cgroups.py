"""A memory limit for a whole sandbox (every process in it together), where Linux control groups allow.

Per-process limits (``prlimit``) do not bound a sandbox that starts many processes, each under its own
limit. A control group does: :func:`memory_group` makes one under the memory controller (cgroup v2, or
v1's ``memory`` hierarchy), sets its limit, and returns the ``cgroup.procs`` file a process writes its
own pid into to join it (the sandbox's launcher does, before it starts bubblewrap). Where no writable
memory controller exists, there is no group, and the per-process limits stand alone.

A group is named for the grading process that made it (:func:`group_name`), which removes it when its
sandbox is done; a grader killed with SIGKILL cannot, so each process, before its first group, removes
the empty groups of graders that are no longer running.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

__all__ = ["group_name", "memory_group", "remove_group"]

V2 = Path("/sys/fs/cgroup")
V1 = Path("/sys/fs/cgroup/memory")
PREFIX = "autograder-"
_swept: set[Path] = set()


def group_name(uid: int) -> str:
    """The name of a sandbox's group: the pid of the process that makes it, and the sandbox's uid."""
    return f"{PREFIX}{os.getpid()}-{uid}"


def memory_group(name: str, limit_bytes: int) -> Path | None:
    """A new control group capped at ``limit_bytes`` of memory; its folder, or None where none can be made."""
    for root, setting in ((V2, "memory.max"), (V1, "memory.limit_in_bytes")):
        if not _usable(root, setting):
            continue
        _sweep(root)
        group = root / name
        try:
            group.mkdir(exist_ok=True)
            (group / setting).write_text(str(limit_bytes))
        except OSError:
            remove_group(group)
            continue
        return group
    return None


def _sweep(root: Path) -> None:
    """Once per process: remove the groups that graders no longer running left behind (an empty group
    goes; one that still holds a process stays, as rmdir refuses it)."""
    if root in _swept:
        return
    _swept.add(root)
    for group in root.glob(f"{PREFIX}*-*"):
        pid = group.name.removeprefix(PREFIX).split("-")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            with contextlib.suppress(OSError):
                group.rmdir()


def _usable(root: Path, setting: str) -> bool:
    if setting == "memory.max":
        controllers = root / "cgroup.subtree_control"
        return controllers.exists() and "memory" in controllers.read_text().split()
    return (root / setting).exists() and os.access(root, os.W_OK)


def remove_group(group: Path | None, wait_seconds: float = 5.0) -> None:
    """Kill what is left in the group, wait for it to be gone (a group with processes cannot be removed,
    and processes take a moment to exit), and remove the group."""
    if group is None or not group.exists():
        return
    deadline = time.monotonic() + wait_seconds
    while True:
        with contextlib.suppress(OSError, ValueError):
            for pid in (group / "cgroup.procs").read_text().split():
                os.kill(int(pid), 9)
        with contextlib.suppress(OSError):
            group.rmdir()
            return
        if time.monotonic() > deadline:
            return
        time.sleep(0.05)
