"""The one-machine Hub (jupyterhub_config.py beside this file), with learners arriving from an LMS over LTI 1.3.

jupyterhub-ltiauthenticator 1.6 (`pip install 'jupyterhub-ltiauthenticator>=1.6,<1.7'` in the Hub's venv). Its
default `username_key` is "email" (or the opaque "sub" when the LMS hides e-mails): those Hub names are no OS
user names, so LocalProcessSpawner cannot start a server for them, and on a container spawner they become
nbgrader's student ids. Choose a claim whose value is the learner's OS user name and nbgrader student id: a
custom parameter that the LMS fills with the login name (below, "custom_username", which the LMS tool's
custom field `username=$User.username` provides; Canvas: `username=$Canvas.user.loginId`). It must contain
no "+" (nbgrader splits submission names on it) and, here, name an OS account (useradd). The Hub answers
the LMS's registration at /hub/lti13/config; a login needs the LMS.
"""

import os

c = get_config()  # noqa: F821 (JupyterHub's config loader provides get_config and load_subconfig)
load_subconfig(os.path.join(os.path.dirname(__file__), "jupyterhub_config.py"))  # noqa: F821

c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.auth.LTI13Authenticator"
# The LMS's values, from its developer-key or tool registration page (Canvas's shown here).
c.LTI13Authenticator.issuer = "https://canvas.instructure.com"
c.LTI13Authenticator.authorize_url = "https://sso.canvaslms.com/api/lti/authorize_redirect"
c.LTI13Authenticator.jwks_endpoint = "https://sso.canvaslms.com/api/lti/security/jwks"
c.LTI13Authenticator.client_id = {os.environ.get("COURSE_LTI_CLIENT_ID", "10000000000001")}
# The id that keeps the Hub name, the OS user, nbgrader's student id and the learner key one and the same.
c.LTI13Authenticator.username_key = "custom_username"
