"""nbgrader for the instructor: where the course directory is.

Copy it to the instructor's ~/.jupyter/nbgrader_config.py. nbgrader then also loads the course's own
nbgrader_config.py from that folder (the repository's, with the trusted grading steps and the sandbox level
it requires), so the formgrader's Autograde button grades the way `nbgrader autograde` does in the folder.
"""

c = get_config()  # noqa: F821 (nbgrader's config loader provides get_config)

c.CourseDirectory.root = "/home/instructor/course"
# The hub hands each learner their key (jupyterhub_config.py: LearnerKeys), so the course uses per-learner numbers:
c.Variants.keys = "jupyterhub"
