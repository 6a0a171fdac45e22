"""JupyterHub for this course on one machine: PAM logins, LocalProcessSpawner, nbgrader's exchange folder.

Copy it to /etc/jupyterhub/jupyterhub_config.py and start the Hub as root (LocalProcessSpawner switches to each
learner's OS user): `jupyterhub -f /etc/jupyterhub/jupyterhub_config.py`. The book's "Deploying the course" page
(book/deploying.md) gives every step; tests/unit/test_deploy_configs.py loads this file. The COURSE_* variables
exist so that the test can point it elsewhere; set the paths here for your machine.
"""

import os

from autograder.hub import LearnerKeys

c = get_config()  # noqa: F821 (JupyterHub's config loader provides get_config)

# One venv that every user can execute (not under /root): jupyterhub, jupyterlab, nbgrader and the course.
VENV = os.environ.get("COURSE_VENV", "/opt/course")
# The instructor's nbgrader course directory: the Hub reads its .autograder_secret to hand out learner keys.
COURSE = os.environ.get("COURSE_DIR", "/home/instructor/course")
INSTRUCTOR = os.environ.get("COURSE_INSTRUCTOR", "instructor")
# `npm install configurable-http-proxy` in this folder (Debian's node 20 runs it).
PROXY = os.environ.get("COURSE_PROXY", "/opt/course-proxy/node_modules/.bin/configurable-http-proxy")

c.JupyterHub.bind_url = "http://:8000"
c.JupyterHub.authenticator_class = "pam"  # OS accounts and passwords (useradd -m, chpasswd)
c.JupyterHub.spawner_class = "localprocess"  # each server runs as its learner's OS user
c.ConfigurableHTTPProxy.command = [PROXY]
c.Authenticator.allow_all = True  # every OS user who can log in; or list them: c.Authenticator.allowed_users
c.Authenticator.admin_users = {INSTRUCTOR}

c.Spawner.cmd = [f"{VENV}/bin/jupyterhub-singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = c.Spawner.start_timeout = 180  # a first start on a busy machine takes a while

# Per-learner numbers: each server gets the key of the id nbgrader will submit as (here the OS user, which
# LocalProcessSpawner takes from the Hub name). Check it in a learner's terminal: python -m autograder doctor
c.Spawner.environment = LearnerKeys.from_course(COURSE).spawner_environment()
