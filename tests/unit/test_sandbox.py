"""The sandbox learner code is graded in: what it can see, reach and use (bubblewrap, no kernel)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import nbformat
import pytest

from autograder.course import ROOT
from autograder.errors import SandboxError
from autograder.trusted import cgroups, pipeline, sandbox
from autograder.trusted.cgroups import memory_group, remove_group
from autograder.trusted.sandbox import Limits, Sandbox

needs_sandbox = pytest.mark.skipif(sandbox.available() is not None, reason=f"no sandbox: {sandbox.available()}")

PROBE = textwrap.dedent("""
    import json, os, socket, pathlib, autograder
    def can(action):
        try:
            action()
            return True
        except Exception:
            return False
    root = pathlib.Path(os.environ.get("ROOT_TO_PROBE", "/"))
    print(json.dumps({
        "uid": os.getuid(),
        "package": sorted(os.listdir(os.path.dirname(autograder.__file__))),
        "sees_config": (root / "nbgrader_config.py").exists(),
        "sees_solutions": (root / "solutions").exists(),
        "writes_package": can(lambda: open(os.path.join(os.path.dirname(autograder.__file__), "x.py"), "w")),
        "network": can(lambda: socket.create_connection(("127.0.0.1", 22), timeout=1)),
        "home": os.environ.get("HOME"),
        "env_keys": sorted(os.environ),
        "writes_cwd": can(lambda: open("scratch.txt", "w").write("x")),
        "reads_cwd": can(lambda: open("data.csv").read()),
        "writes_tmp": can(lambda: open("/tmp/scratch.txt", "w").write("x")),
    }))
""")


def _inside(box: Sandbox, code: str, env_root: str = str(ROOT)) -> subprocess.CompletedProcess:
    command = box.wrap([sys.executable, "-c", f"import os; os.environ['ROOT_TO_PROBE'] = {env_root!r}\n{code}"])
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_ci_has_the_sandbox():
    """On CI (CI=true), is the sandbox available, so that no sandbox test is skipped there?"""
    if os.environ.get("CI") == "true":
        assert sandbox.available() is None


@needs_sandbox
def test_learner_code_sees_no_course_files_no_network_and_a_stub_package(tmp_path):
    """Inside, is the user unprivileged, the course invisible, the package a read-only stub, the network gone,
    the submission's own folder readable but not writable (writes go to the small private /tmp)?"""
    (tmp_path / "data.csv").write_text("1,2\n")
    box = Sandbox(workdir=tmp_path)
    try:
        seen = json.loads(_inside(box, PROBE).stdout)
    finally:
        box.cleanup()
    assert seen["uid"] >= 200_000 and seen["package"] == ["__init__.py", "_capture.py", "_runner.py"]
    assert not (seen["sees_config"] or seen["sees_solutions"] or seen["writes_package"] or seen["network"])
    assert seen["reads_cwd"] and seen["writes_tmp"] and not seen["writes_cwd"]  # its own files, read-only
    assert seen["home"] == "/tmp" and not any(k.startswith(("AUTOGRADER", "JPY")) for k in seen["env_keys"])


@needs_sandbox
def test_limits_hold_inside():
    """Are processes, memory and file size limited for learner code?"""
    box = Sandbox(Limits(memory_bytes=512 * 2**20, processes=40, file_bytes=2**20))
    code = textwrap.dedent("""
        import os, resource
        print(resource.getrlimit(resource.RLIMIT_NPROC)[0], resource.getrlimit(resource.RLIMIT_AS)[0])
        try:
            bytearray(1024 * 2**20)
            print("allocated")
        except MemoryError:
            print("memory refused")
        try:
            open("/tmp/big", "wb").write(b"x" * (2 * 2**20))
            print("wrote")
        except OSError:
            print("file refused")
    """)
    try:
        out = _inside(box, code).stdout.split("\n")
    finally:
        box.cleanup()
    assert out[:3] == [f"40 {512 * 2**20}", "memory refused", "file refused"]


@needs_sandbox
def test_nothing_outlives_the_sandbox(tmp_path):
    """Does a daemon started inside (new session, double fork) die when the sandboxed process ends, and is the
    sandbox's control group removed with it (none pile up over a class)?"""
    box = Sandbox(workdir=tmp_path)
    code = textwrap.dedent("""
        import subprocess
        subprocess.Popen(["sleep", "300"], start_new_session=True)
        print("started")
    """)
    assert _inside(box, code).stdout.strip() == "started"
    group = box._group
    box.cleanup()
    sleepers = subprocess.run(["pgrep", "-u", str(box.uid)], capture_output=True, text=True, check=False)
    assert sleepers.stdout.strip() == ""
    assert group is None or not group.exists()


def test_grading_stops_when_the_sandbox_is_required_but_missing(monkeypatch):
    """Without bubblewrap, does course grading refuse with a clear error instead of running unsandboxed?"""
    monkeypatch.setattr(pipeline, "available", lambda: "bubblewrap is not installed")
    with pytest.raises(SandboxError, match=r"bubblewrap is not installed.*sandbox = False"):
        pipeline.Settings(sandbox=True).new_sandbox()
    assert pipeline.Settings(sandbox=False).new_sandbox() is None


@needs_sandbox
@pytest.mark.skipif(memory_group("autograder-probe", 2**30) is None, reason="no writable memory control group")
def test_many_processes_share_one_memory_limit():
    """When a sandbox forks processes that each stay under the per-process limit, does the sandbox's
    memory limit for all of them together stop them?"""
    remove_group(memory_group("autograder-probe", 2**30))
    box = Sandbox(Limits(memory_bytes=2**30, total_memory_bytes=300 * 2**20))
    code = textwrap.dedent("""
        import os, time
        children = []
        for _ in range(3):
            pid = os.fork()
            if pid == 0:
                block = bytearray(150 * 2**20)  # 150 MB each, under the 1 GB per-process limit
                time.sleep(3)
                os._exit(0)
            children.append(pid)
        print(sorted(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children))
    """)
    try:
        done = _inside(box, code)
    finally:
        box.cleanup()
    assert -9 in json.loads(done.stdout), (done.stdout, done.stderr)


def test_course_grading_stops_the_run_when_the_sandbox_cannot_start(monkeypatch):
    """In nbgrader, does a missing sandbox stop the whole run with the reason (not fail each learner)?"""
    from autograder.nbgrader_plugins import SandboxedExecute

    monkeypatch.setattr(pipeline, "available", lambda: "bubblewrap is not installed")
    resources = {"nbgrader": {"assignment": "a02_dense", "student": "s", "notebook": "a02_dense", "db_url": ""}}
    with pytest.raises(SystemExit, match="stopped: learner code cannot be sandboxed"):
        SandboxedExecute(secret="x").preprocess(nbformat.v4.new_notebook(), resources)


def test_each_course_setting_reaches_its_limit():
    """Does every SandboxedExecute setting in nbgrader_config.py land on the limit of the same meaning?"""
    from autograder.nbgrader_plugins import SandboxedExecute

    settings = SandboxedExecute(secret="x", cell_timeout=7, notebook_timeout=9, after_timeout=3, output_limit=11,
                                memory_limit=13, total_memory_limit=17, process_limit=19, cpu_limit=23,
                                sandbox=False)._settings()
    assert (settings.budget.cell_seconds, settings.budget.notebook_seconds, settings.budget.after_timeout_seconds,
            settings.budget.output_bytes) == (7, 9, 3, 11)
    assert (settings.limits.memory_bytes, settings.limits.total_memory_bytes, settings.limits.processes,
            settings.limits.cpu_seconds) == (13, 17, 19, 23)
    assert settings.sandbox is False and settings.secret == "x"


@pytest.mark.skipif(memory_group("autograder-probe", 2**30) is None, reason="no writable memory control group")
def test_groups_left_by_a_grader_that_is_gone_are_removed_and_a_running_graders_are_kept(monkeypatch):
    """A grader killed with SIGKILL leaves its empty group behind: does the next process's first group remove
    the empty groups of graders no longer running, and keep those of running ones (its own included)?"""
    probe = memory_group("autograder-probe", 2**30)
    root = probe.parent
    remove_group(probe)
    finished = subprocess.Popen(["true"])
    finished.wait()  # its pid now names no process
    left, alive = root / f"autograder-{finished.pid}-7", root / f"autograder-{os.getpid()}-8"
    left.mkdir(exist_ok=True)
    alive.mkdir(exist_ok=True)
    monkeypatch.setattr(cgroups, "_swept", set())
    group = None
    try:
        group = memory_group(cgroups.group_name(9), 2**30)
        assert group == root / f"autograder-{os.getpid()}-9"
        assert not left.exists() and alive.exists()
    finally:
        for path in (left, alive, group):
            remove_group(path)
