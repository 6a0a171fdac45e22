"""Trusted grading: the learner's kernel only produces data; the grade is decided here.

- :mod:`.cells`: which cells are graded, from a trusted list (the gradebook, or the package);
- :mod:`.sandbox` and :mod:`.kernel`: learner code in bubblewrap, its kernel reached over Unix sockets;
- :mod:`.execute`: a notebook run that always finishes (time per cell and per notebook, output cap);
- :mod:`.capture`: each test cell reports the answer as data, checked here;
- :mod:`.functions`: function questions run again in a fresh sandboxed process on secret cases;
- :mod:`.pipeline`: all of it for one notebook, with each test cell's outputs rewritten from the verdict.

Used by ``nbgrader autograde`` through :mod:`autograder.nbgrader_plugins` and by
``python -m autograder grade`` (:mod:`autograder.selfstudy`): one code path for both.
"""
