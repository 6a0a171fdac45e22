"""A JupyterHub for a course, as an instructor would run it on one machine (see /work/shared/HUB.md).

PAM logins for real OS users, LocalProcessSpawner (the Hub runs as root), JupyterLab, nbgrader's exchange in
a folder every user may write, and each learner's key in their kernel (``AUTOGRADER_LEARNER_KEY``).
Everything lives in one run folder (config, exchange, the Hub's database and log), removed afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .machine import free_port

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@dataclass(frozen=True)
class Course:
    """What deploy/jupyterhub_config.py asks of the machine: the venv, course folder, instructor and proxy."""

    venv: Path
    folder: Path
    instructor: str
    proxy: Path


# The repository's one-machine config (deploy/jupyterhub_config.py: PAM, local spawners, each learner's key from
# the course secret), pointed at this machine's folders through its COURSE_* variables; then what a test Hub
# needs on top: free ports on 127.0.0.1, only the test's users, and the exchange and PATH of its run folder.
HUB_CONFIG = '''\
c = get_config()  # noqa: F821
load_subconfig("deploy_jupyterhub_config.py")  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_port}"
c.Authenticator.allow_all = False
c.Authenticator.allowed_users = {users!r}
c.PAMAuthenticator.open_sessions = False
c.Spawner.environment.update({{
    "JUPYTER_CONFIG_PATH": "{jupyter_config}",  # nbgrader's exchange, for every user
    "PATH": "{venv}/bin:/usr/local/bin:/usr/bin:/bin",
    "TF_CPP_MIN_LOG_LEVEL": "3",
}})
'''


@dataclass(frozen=True)
class Hub:
    """A running Hub: its address and run folder."""

    url: str
    folder: Path

    def user_url(self, name: str) -> str:
        return f"{self.url}/user/{name}"


def write_config(folder: Path, venv: Path, users: list[str]) -> int:
    """The Hub's and nbgrader's configuration in ``folder`` (readable by all), and the exchange; the Hub's port."""
    folder.chmod(0o755)
    exchange, jupyter_config = folder / "exchange", folder / "etc" / "jupyter"
    exchange.mkdir()
    exchange.chmod(0o1777)  # every learner writes submissions here (nbgrader's own rule)
    jupyter_config.mkdir(parents=True)
    system = (DEPLOY / "nbgrader_config_system.py").read_text()  # the course id and exchange, for every user
    (jupyter_config / "nbgrader_config.py").write_text(f"{system}\nc.Exchange.root = {str(exchange)!r}\n")
    for path in (folder / "etc", jupyter_config):
        path.chmod(0o755)
    port = free_port()
    shutil.copy(DEPLOY / "jupyterhub_config.py", folder / "deploy_jupyterhub_config.py")
    (folder / "jupyterhub_config.py").write_text(HUB_CONFIG.format(
        port=port, hub_port=free_port(), proxy_port=free_port(), users=set(users), venv=venv,
        jupyter_config=jupyter_config))
    return port


@contextlib.contextmanager
def running(folder: Path, port: int, course: Course, timeout: float = 60) -> Iterator[Hub]:
    """The Hub started as root from ``folder``; stopped afterwards (with the servers it spawned)."""
    venv = course.venv
    env = {"PATH": f"{venv}/bin:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/root",
           "COURSE_VENV": str(venv), "COURSE_DIR": str(course.folder), "COURSE_INSTRUCTOR": course.instructor,
           "COURSE_PROXY": str(course.proxy)}  # deploy/jupyterhub_config.py's settings for this machine
    log = open(folder / "jupyterhub.log", "w")  # noqa: SIM115 -- closed in the finally below
    process = subprocess.Popen([venv / "bin" / "jupyterhub", "-f", folder / "jupyterhub_config.py"], cwd=folder,
                               env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        hub = Hub(f"http://127.0.0.1:{port}", folder)
        _wait_until_up(hub, process, timeout)
        yield hub
    finally:
        _stop(process)
        log.close()


def _wait_until_up(hub: Hub, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Hub exited {process.returncode}:\n{log_tail(hub.folder)}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{hub.url}/hub/api", timeout=5) as answer:
            if answer.status == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"the Hub did not answer in {timeout:.0f} s:\n{log_tail(hub.folder)}")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM (the Hub then stops the servers it spawned and its proxy); its process group killed after."""
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def log_tail(folder: Path, size: int = 4000) -> str:
    path = folder / "jupyterhub.log"
    return path.read_text(errors="replace")[-size:] if path.exists() else ""
