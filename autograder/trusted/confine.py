"""Run a command confined without namespaces: the sandbox where user namespaces are blocked (a pod).

Started as ``python -I -S confine.py SPEC -- COMMAND...`` (standard library only; it never imports the
package, whose files learner code must not read). SPEC is JSON: ``read`` and ``write`` paths, ``env``,
``cwd``, ``rlimits`` (name -> value), ``uid`` (switched to when started as root), ``watch`` (folders whose
total size is capped) and ``watch_bytes``.

Three processes:

- the launcher (this process, the one the grader started and may kill) waits for the keeper and exits
  with its status;
- the keeper leaves the launcher's process group, becomes the subreaper of everything below it (a
  learner's daemon that forks twice still ends up its child), kills the whole tree when the command
  exits, when the launcher dies, or when the watched folders outgrow their cap;
- the command runs with rlimits, no_new_privs, Landlock (files, TCP, signals to the outside) and a
  seccomp filter (no sockets but Unix ones), as the user it was started as (or ``uid`` under root).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # lsm.py beside this file, not the package
import lsm

_SUBREAPER, _PDEATHSIG = 36, 1
WATCH_SECONDS = 0.2
OVER_CAP = 125  # the keeper's exit status when the watched folders grew past their cap
_libc = ctypes.CDLL(None, use_errno=True)


def main(argv: list[str]) -> int:
    spec, command = json.loads(argv[1]), argv[3:]
    launcher = os.getpid()
    keeper = os.fork()
    if keeper == 0:
        os._exit(_keep(spec, command, launcher))
    while True:
        try:
            _, status = os.waitpid(keeper, 0)
            return os.waitstatus_to_exitcode(status) & 0xFF
        except InterruptedError:
            continue


def _keep(spec: dict, command: list[str], launcher: int) -> int:
    """The keeper: start the command, watch, and leave nothing behind."""
    os.setsid()
    _libc.prctl(_SUBREAPER, 1, 0, 0, 0)
    _libc.prctl(_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    signal.signal(signal.SIGTERM, lambda *_: (_kill_tree(), os._exit(143)))
    if os.getppid() != launcher:  # the launcher died before the signal was armed
        return 143
    child = os.fork()
    if child == 0:
        _run(spec, command)
    status = _watch(spec, child)
    _kill_tree()
    return status


def _run(spec: dict, command: list[str]) -> None:
    """In the command's process: confine, then become the command (never returns)."""
    try:
        for name, value in spec.get("rlimits", {}).items():
            limit = getattr(resource, f"RLIMIT_{name.upper()}")
            resource.setrlimit(limit, (value, value))
        if os.geteuid() == 0 and spec.get("uid"):
            os.setgroups([])
            os.setresgid(spec["uid"], spec["uid"], spec["uid"])
            os.setresuid(spec["uid"], spec["uid"], spec["uid"])
        _libc.prctl(_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # after the uid changes, which clear it
        os.chdir(spec.get("cwd") or "/")
        lsm.restrict_paths(spec["read"], spec["write"])
        lsm.deny_network_sockets()
        os.execvpe(command[0], command, spec.get("env", {}))
    except BaseException as err:  # nothing unconfined may run: report and stop
        os.write(2, f"sandbox: could not confine the command: {err}\n".encode())
    os._exit(126)


def _watch(spec: dict, child: int) -> int:
    """Reap children until ``child`` exits; its exit status, or OVER_CAP if the watched folders outgrew
    their cap first."""
    folders, cap = [Path(p) for p in spec.get("watch", [])], spec.get("watch_bytes", 0)
    while True:
        time.sleep(WATCH_SECONDS)
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return 0
            if pid == 0:
                break
            if pid == child:
                return os.waitstatus_to_exitcode(status) & 0xFF
        if cap and _size(folders) > cap:
            os.write(2, f"sandbox: the private folders grew past {cap:,} bytes; stopped\n".encode())
            return OVER_CAP


def _size(folders: list[Path]) -> int:
    """Bytes on disk (and one block per entry) under ``folders``."""
    total = 0
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            for name in files + dirs:
                try:
                    total += max(os.lstat(os.path.join(root, name)).st_blocks * 512, 4096)
                except OSError:
                    continue
    return total


def _descendants() -> list[int]:
    """Every process below this one (the keeper is their subreaper, so none escapes the tree)."""
    parent = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [os.getpid()]
    while frontier:
        kids = [pid for pid, ppid in parent.items() if ppid in frontier]
        found += kids
        frontier = kids
    return found


def _kill_tree() -> None:
    """SIGKILL everything below, again and again until no child is left (forks race the kill)."""
    for _ in range(200):
        for pid in _descendants():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            return
        time.sleep(0.01)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
