"""What a JupyterHub needs on this machine, made by the test as root: the Hub's own Python, the proxy, OS users.

- :func:`hub_venv`: a venv made with the system's ``/usr/bin/python3.11`` (users cannot run root's own Python
  under ``/root``), holding JupyterHub, JupyterLab, nbgrader and this checkout's wheel with the instructor's
  extras. It is kept in ``/opt/kpc-hub-<hash>``, keyed by what it holds, so a second run only reinstalls the
  wheel (seconds); the first takes about 90 s (TensorFlow).
- :func:`proxy_command`: configurable-http-proxy from npm, kept in ``/opt/kpc-chp-<version>``.
- :func:`os_user`: an OS user with a home and a password, removed with every process it still has.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

PYTHON = Path("/usr/bin/python3.11")
OPT = Path("/opt")
HUB_REQUIREMENTS = ("jupyterhub>=6,<7", "jupyterlab>=4,<5", "nbgrader==0.9.6")
EXTRAS = "[course,keras]"  # the README's instructor install
PROXY = "configurable-http-proxy@5"


def run(argv: list, timeout: float = 900, **kwargs) -> subprocess.CompletedProcess:
    """``argv`` run to completion; its output in the error when it fails."""
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=timeout, check=False,
                          umask=0o022, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} exited {done.returncode}:\n{done.stdout[-3000:]}"
                           f"\n{done.stderr[-3000:]}")
    return done


@contextlib.contextmanager
def _locked(name: str) -> Iterator[None]:
    """One run at a time makes the cached folder ``name`` (two runs of the suite may start together)."""
    with open(OPT / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def hub_venv(wheel: Path) -> Path:
    """The Hub's venv with ``wheel`` and its instructor extras installed; the venv's folder. It is made anew
    only when what it holds would change: the Hub's requirements or the wheel's own (its Requires-Dist)."""
    digest = hashlib.sha256("\n".join([*HUB_REQUIREMENTS, EXTRAS, str(PYTHON), *_requires(wheel)])
                            .encode()).hexdigest()[:12]
    venv = OPT / f"kpc-hub-{digest}"
    with _locked("kpc-hub"):
        if not (venv / ".complete").exists():
            _make_venv(venv, wheel)
        run([venv / "bin" / "pip", "install", "-q", "--no-deps", "--force-reinstall", wheel])
    return venv


def _requires(wheel: Path) -> list[str]:
    """What installing the wheel with ``EXTRAS`` brings: its METADATA's Requires-Dist lines of no extra or of
    those extras (a change to another extra, e.g. dev, keeps the venv)."""
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        lines = archive.read(metadata).decode().splitlines()
    wanted = set(EXTRAS.strip("[]").split(","))
    return sorted(line for line in lines if line.startswith("Requires-Dist:")
                  and set(re.findall(r'extra == "([^"]+)"', line)) <= wanted)


def _make_venv(venv: Path, wheel: Path) -> None:
    """A fresh venv in ``venv`` (any older Hub venvs of this test removed: each holds TensorFlow)."""
    if subprocess.run([PYTHON, "-c", "import ensurepip"], capture_output=True, check=False).returncode != 0:
        raise RuntimeError(f"the Hub's venv is made with {PYTHON} (every user can run it), which cannot make a venv "
                           f"here: apt-get install {PYTHON.name}-venv")
    for old in OPT.glob("kpc-hub-*"):
        if old.is_dir():
            shutil.rmtree(old)
    run([PYTHON, "-m", "venv", venv])
    run([venv / "bin" / "pip", "install", "-q", "--upgrade", "pip"])
    run([venv / "bin" / "pip", "install", "-q", *HUB_REQUIREMENTS, f"{wheel}{EXTRAS}"], timeout=1800)
    (venv / ".complete").touch()


def proxy_command() -> Path:
    """The configurable-http-proxy executable, installed from npm on first use."""
    folder = OPT / f"kpc-chp-{PROXY.rpartition('@')[2]}"
    command = folder / "node_modules" / ".bin" / "configurable-http-proxy"
    with _locked("kpc-chp"):
        if not command.exists():
            folder.mkdir(parents=True, exist_ok=True)
            run(["npm", "install", "--no-save", "--no-package-lock", "--prefix", folder, PROXY], timeout=600)
    return command


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def os_user(name: str) -> Iterator[tuple[pwd.struct_passwd, str]]:
    """A new OS user ``name`` (one left by an earlier, killed run is removed first) with a home and a
    random password: (its passwd entry, the password). Removed afterwards with its processes and home."""
    remove_user(name)
    run(["useradd", "--create-home", "--shell", "/bin/bash", name])
    password = secrets.token_urlsafe(12)
    try:
        run(["chpasswd"], input=f"{name}:{password}\n")
        yield pwd.getpwnam(name), password
    finally:
        remove_user(name)


def remove_user(name: str) -> None:
    """``name``'s processes killed, then the user and its home removed (nothing if there is no such user)."""
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    for _ in range(50):
        pids = processes_of(uid)
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.1)
    run(["userdel", "--remove", name])


def processes_of(uid: int) -> list[int]:
    """The ids of the processes running as ``uid``."""
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            line = next(x for x in status.read_text().splitlines() if x.startswith("Uid:"))
            if int(line.split()[1]) == uid:
                pids.append(int(status.parent.name))
    return pids
