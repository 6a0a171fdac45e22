"""Run a learner's counting function on given arguments, in a fresh process, and report the results.

The grader starts ``python -m autograder._runner`` inside the sandbox and sends, on standard
input, JSON: the learner's code cells (``cells``), the function's ``name``, the argument sets
(``calls``), a time limit for all the calls (``seconds``) and the pipe to answer on (``reply_fd``;
default: the original standard output). Only the definitions in the cells run (imports, ``def``,
``class`` and assignments), each with a time limit, so a slow or endless scratch cell does not stop
the function being graded. The answer, on that pipe: ``{"problem": ...}`` or ``{"results": [...]}``,
each result described as the capture module describes an answer, or ``{"raised": ..., "text": ...}``,
or ``{"timeout": true}``. The learner's code can write there too: the grader reads a bounded amount.
Standard library only; the grader, not this process, decides what the results are worth.
"""

import ast
import json
import os
import signal
import sys

from autograder._capture import describe

KEPT = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign,
        ast.AnnAssign)
STATEMENT_SECONDS = 10


class _TimeUp(BaseException):
    """Raised inside the learner's code when its time is up (their ``except Exception`` cannot catch it)."""


def _alarm(signum, frame):
    raise _TimeUp


def definitions(source):
    """The top-level definitions of one cell (magics and shell lines dropped); [] if it does not parse."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except (SyntaxError, ValueError):
        return []
    return [ast.Module(body=[node], type_ignores=[]) for node in tree.body if isinstance(node, KEPT)]


def define(cells, namespace, seconds=STATEMENT_SECONDS):
    """Run every definition, each with its own time limit; failures are the learner's to see, not ours."""
    for source in cells:
        for module in definitions(source):
            signal.setitimer(signal.ITIMER_REAL, seconds)
            try:
                exec(compile(module, "<answer>", "exec"), namespace)
            except BaseException:
                pass
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)


def call_all(function, calls, seconds):
    """Call ``function`` on each argument set until the shared time limit runs out."""
    results = []
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        for kwargs in calls:
            results.append(_one(function, kwargs))
            if results[-1].get("timeout"):
                break
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return results


def _one(function, kwargs):
    try:
        return describe(function(**kwargs))
    except _TimeUp:
        return {"timeout": True}
    except BaseException as err:
        return {"raised": type(err).__name__[:60], "text": str(err)[:200]}


def _answer_channel(fd):
    """Where the answer goes: the grader's reply pipe (``reply_fd``), else a copy of standard output.
    Either way not inherited by processes the learner's code starts."""
    fd = fd if isinstance(fd, int) and fd > 2 else os.dup(1)
    os.set_inheritable(fd, False)
    return os.fdopen(fd, "w")


def main():
    request = json.loads(sys.stdin.read())
    sys.path.append(os.getcwd())  # the learner's own modules, after the package (run with -I)
    answer = _answer_channel(request.get("reply_fd"))
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    signal.signal(signal.SIGALRM, _alarm)
    namespace = {"__name__": "__main__"}
    define(request["cells"], namespace, request.get("statement_seconds", STATEMENT_SECONDS))
    function = namespace.get(request["name"])
    if not callable(function) or isinstance(function, type):
        reply = {"problem": "missing" if function is None else describe(function)}
    else:
        reply = {"results": call_all(function, request["calls"], request["seconds"])}
    answer.write(json.dumps(reply))
    answer.flush()
    os._exit(0)  # no atexit handlers or threads of the learner's may run after the answer


if __name__ == "__main__":
    main()
