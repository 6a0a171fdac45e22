"""nbgrader configuration for the course: ``solutions/`` is the source, ``exercises/`` the release.

Run the course from this directory as any nbgrader course::

    nbgrader generate_assignment a01_the_question --force   # or: python -m autograder release
    nbgrader autograde a01_the_question
    nbgrader generate_feedback a01_the_question
    nbgrader export

``autograder.course`` loads this same file, so the tests and ``python -m autograder demo``
grade with exactly these settings.
"""

import os

# nbgrader gives 0 to a test cell that writes anything to stderr: keep TensorFlow's C++ logs quiet.
# Kernels inherit this process's environment.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

c = get_config()  # noqa: F821 -- traitlets injects get_config into config files

c.CourseDirectory.course_id = "keras-params"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"

# Importing TensorFlow alone takes seconds on 2 cores: allow a slow first cell.
c.Execute.timeout = 600
c.Execute.interrupt_on_timeout = True

# The released answer cell keeps the line above the solution (e.g. ``answer = None``) and gets this stub.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
