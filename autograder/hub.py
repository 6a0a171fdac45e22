"""JupyterHub glue: each learner's server gets the key of the id nbgrader will submit them as.

A learner's numbers come from ``AUTOGRADER_LEARNER_KEY`` in their kernel; the grader recomputes the key from
the course secret and the nbgrader student id of the submission. The two agree only if the key is made from
the id nbgrader will use, which is not always the Hub's user name: nbgrader's ``get_username()`` is the OS
user running the server, and ``JUPYTERHUB_USER`` only when that OS user is ``jovyan``. So::

    LocalProcessSpawner (and SudoSpawner)   the OS user of that name: the Hub name, checked with pwd
    SimpleLocalProcessSpawner               the Hub's own OS user, for everyone (testing only)
    KubeSpawner, DockerSpawner (jovyan)     the Hub user name (JUPYTERHUB_USER)

In ``jupyterhub_config.py`` (``deploy/jupyterhub_config.py`` is a complete one)::

    from autograder.hub import LearnerKeys
    keys = LearnerKeys.from_course("/home/instructor/course")  # or LearnerKeys.from_file(secret_path)
    c.Spawner.environment = keys.spawner_environment()         # or: c.Spawner.pre_spawn_hook = keys.pre_spawn_hook

``python -m autograder doctor`` checks, in a learner's (or the instructor's) server, that the key there is
the one the grader will compute. Standard library only: the Hub imports this without nbgrader.
"""

from __future__ import annotations

import os
import pwd
from collections.abc import Callable
from pathlib import Path

from .errors import ConfigError
from .grading.variants import learner_key
from .secret import SECRET_FILE

__all__ = ["ENV_KEY", "LearnerKeys", "nbgrader_student_id", "student_id"]

ENV_KEY = "AUTOGRADER_LEARNER_KEY"
CONTAINER_USER = "jovyan"  # the OS user for which nbgrader takes JUPYTERHUB_USER instead


def _classes(spawner) -> set[str]:
    return {cls.__name__ for cls in type(spawner).__mro__}


def student_id(spawner) -> str:
    """The nbgrader student id of the learner this spawner starts a server for (see the module docstring)."""
    classes = _classes(spawner)
    if "SimpleLocalProcessSpawner" in classes:
        return nbgrader_student_id(pwd.getpwuid(os.getuid()).pw_name, spawner.user.name)
    if "LocalProcessSpawner" in classes:
        try:
            return nbgrader_student_id(pwd.getpwnam(spawner.user.name).pw_name, spawner.user.name)
        except KeyError:
            raise ConfigError(f"JupyterHub user {spawner.user.name!r} has no OS account, so LocalProcessSpawner "
                              "cannot start their server; create it (useradd) or choose an authenticator "
                              "whose user names are OS user names") from None
    return spawner.user.name  # a container spawner: the OS user is jovyan, nbgrader takes JUPYTERHUB_USER


def nbgrader_student_id(os_user: str, hub_user: str | None) -> str:
    """The id nbgrader's ``get_username()`` gives a process of ``os_user`` with ``JUPYTERHUB_USER=hub_user``."""
    return (hub_user or CONTAINER_USER) if os_user == CONTAINER_USER else os_user


class LearnerKeys:
    """Each learner's key, made from the course secret at spawn time (the Hub must be able to read it)."""

    def __init__(self, secret: str, student: Callable[[object], str] = student_id):
        if not secret.strip():
            raise ConfigError("the course secret is empty; use the course's own .autograder_secret")
        self._secret = secret.strip()
        self._student = student

    @classmethod
    def from_file(cls, path: str | Path, **kwargs) -> LearnerKeys:
        """The keys of the course whose secret is the file ``path`` (e.g. a Kubernetes Secret mounted in the Hub)."""
        path = Path(path)
        if not path.is_file():
            raise ConfigError(f"no course secret at {path}: run `python -m autograder keys ANY_ID` in the course "
                              f"directory once (it makes {SECRET_FILE}), then point the Hub at that file")
        return cls(path.read_text(), **kwargs)

    @classmethod
    def from_course(cls, course: str | Path, **kwargs) -> LearnerKeys:
        """The keys of the nbgrader course directory ``course`` (its ``.autograder_secret``; never made here:
        a secret the Hub made would not be the one the grader reads)."""
        return cls.from_file(Path(course) / SECRET_FILE, **kwargs)

    def key(self, spawner) -> str:
        """The learner key for this spawner's server (a value of ``c.Spawner.environment``)."""
        return learner_key(self._secret, self._student(spawner))

    def spawner_environment(self) -> dict[str, Callable]:
        """``c.Spawner.environment``: JupyterHub calls the value with each spawner at spawn time."""
        return {ENV_KEY: self.key}

    def pre_spawn_hook(self, spawner) -> None:
        """``c.Spawner.pre_spawn_hook``: the same, for a Hub whose environment is set elsewhere too."""
        spawner.environment = {**spawner.environment, ENV_KEY: self.key(spawner)}
