"""A course on a running JupyterHub: users, the Hub's venv with this checkout's wheel, the course, the Hub."""

from __future__ import annotations

import contextlib
import pwd
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import hub, machine
from .course import build_wheel, make_course

ROLES = {"instructor": "kpc-instructor", "alice": "kpc-alice", "bob": "kpc-bob"}


@dataclass(frozen=True)
class Classroom:
    """The course on a running Hub: its address, who is who (role → (user, password)), the course folder."""

    hub: hub.Hub
    users: dict[str, tuple[str, str]]
    course: Path
    venv: Path

    def name(self, role: str) -> str:
        return self.users[role][0]

    def server(self, role: str) -> str:
        """The address of ``role``'s own Jupyter server."""
        return f"{self.hub.url}/user/{self.name(role)}"

    def run_as(self, role: str, argv: list, timeout: float = 300) -> subprocess.CompletedProcess:
        """``argv`` run as ``role`` (not root) in the course folder, with the environment their server has."""
        entry = pwd.getpwnam(self.name(role))
        env = {"HOME": entry.pw_dir, "USER": entry.pw_name, "LANG": "C.UTF-8", "TF_CPP_MIN_LOG_LEVEL": "3",
               "PATH": f"{self.venv}/bin:/usr/local/bin:/usr/bin:/bin",
               "JUPYTER_CONFIG_PATH": str(self.hub.folder / "etc" / "jupyter")}
        return subprocess.run([str(a) for a in argv], cwd=self.course, env=env, user=entry.pw_uid,
                              group=entry.pw_gid, extra_groups=[], capture_output=True, text=True,
                              timeout=timeout, check=False)


@contextlib.contextmanager
def course_on_hub(assignment: str, secret: str) -> Iterator[Classroom]:
    """Everything set up and the Hub running; all removed afterwards, even on failure (the cached venv and
    proxy in /opt stay, keyed by what they hold)."""
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kpc-hub-")))
        folder.chmod(0o755)  # the users reach the run folder inside it
        venv = machine.hub_venv(build_wheel(folder / "wheel"))
        users = {role: _user(stack, name) for role, name in ROLES.items()}
        entry = pwd.getpwnam(ROLES["instructor"])
        course = make_course(Path(entry.pw_dir), entry.pw_uid, entry.pw_gid, assignment, secret)
        run = folder / "run"
        run.mkdir()
        port = hub.write_config(run, venv, list(ROLES.values()))
        setting = hub.Course(venv, course, entry.pw_name, machine.proxy_command())
        yield Classroom(stack.enter_context(hub.running(run, port, setting)), users, course, venv)


def _user(stack: contextlib.ExitStack, name: str) -> tuple[str, str]:
    entry, password = stack.enter_context(machine.os_user(name))
    return entry.pw_name, password
