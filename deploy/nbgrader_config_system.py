"""nbgrader for everyone on the machine: the course id and the exchange folder.

Copy it to /etc/jupyter/nbgrader_config.py. The exchange is a folder every user can write to, with the sticky
bit (`mkdir -p /srv/nbgrader/exchange && chmod 1777 /srv/nbgrader/exchange`). Nothing here is secret: learner
code can read this file.
"""

c = get_config()  # noqa: F821 (nbgrader's config loader provides get_config)

c.CourseDirectory.course_id = "keras-params"
c.Exchange.root = "/srv/nbgrader/exchange"
