"""Autograde a whole class in parallel on Dask: ``python -m autograder autograde ASSIGNMENT``.

Each submission is graded by nbgrader's own ``Autograde`` converter, with the course's config,
preprocessors and sandbox, on a Dask worker, in a private copy of the course with a private gradebook;
only the coordinating process writes the real gradebook and ``autograded/``. The pieces::

    plan         which submissions to grade (nbgrader's own rules: new, updated, --force)
    tasks        what travels: Task (course files, gradebook data) out, Outcome (files, grades) back
    gradebook    the gradebook data: structure and snapshot out, seed on the worker, record at home
    cluster      Dask: LocalCluster or an existing scheduler; one retry per submission
    worker       the Dask task; each worker grades through one long-lived grading process
    server       that grading process (python -m autograder.parallel.server)
    private      nbgrader Autograde of one submission in a private course
    coordinator  plans the run, sends the tasks, and hands the outcomes as they arrive to
    writer       the one writer: a batch's grades in one gradebook transaction, then each one's review
                 notes, sandbox level and autograded folder (one rename, last: it marks it graded)
    progress     the live progress bar and the summary (rich)
"""

from .cluster import ParallelError
from .coordinator import Options, Record, Run, autograde, prepare

__all__ = ["Options", "ParallelError", "Record", "Run", "autograde", "prepare"]
