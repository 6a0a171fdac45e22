"""The sandbox learner code is graded in, at every level this user can run (no kernel here).

As root the ``root`` and ``userns`` levels are tested; as an ordinary user ``userns`` and ``landlock`` (the
level of a pod without user namespaces). CI runs the suite both ways, so every level is tested. A level this
user should have and does not is a failure, never a skip: these tests are the sandbox's guarantee.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from autograder.course import ROOT
from autograder.errors import SandboxError
from autograder.trusted import cgroups, pipeline, sandbox, view
from autograder.trusted.cgroups import memory_group, remove_group
from autograder.trusted.sandbox import KERNEL_SIDE, Limits, Sandbox

AS_ROOT = os.geteuid() == 0
# Landlock as root switches to a uid of its own, which cannot run a Python kept under /root (pyenv's): as root
# the landlock level is tested by the ordinary user's run of this file.
HERE = ("root", "userns") if AS_ROOT else ("userns", "landlock")
levels = pytest.mark.parametrize("level", HERE)
pytestmark = pytest.mark.guarantee  # a skip here fails the run: the sandbox's guarantees are never left untested

PROBE = textwrap.dedent("""
    import json, os, socket, pathlib, autograder
    def can(action):
        try:
            action()
            return True
        except Exception:
            return False
    root = pathlib.Path(os.environ.get("ROOT_TO_PROBE", "/"))
    tmp = os.environ.get("TMPDIR", "/tmp")
    print(json.dumps({
        "uid": os.getuid(),
        "package": sorted(os.listdir(os.path.dirname(autograder.__file__))),
        "sees_config": can(lambda: (root / "nbgrader_config.py").read_text()),
        "sees_solutions": can(lambda: os.listdir(root / "solutions")),
        "etc_jupyter": can(lambda: os.listdir("/etc/jupyter")),
        "writes_package": can(lambda: open(os.path.join(os.path.dirname(autograder.__file__), "x.py"), "w")),
        "tcp": can(lambda: socket.create_connection(("127.0.0.1", 22), timeout=1)),
        "udp": can(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)),
        "home": os.environ.get("HOME"),
        "env_keys": sorted(os.environ),
        "writes_cwd": can(lambda: open("scratch.txt", "w").write("x")),
        "reads_cwd": can(lambda: open("data.csv").read()),
        "writes_tmp": can(lambda: open(os.path.join(tmp, "scratch.txt"), "w").write("x")),
    }))
""")


def _box(level: str, **kw) -> Sandbox:
    return Sandbox(level=sandbox.by_name(level), **kw)


def _inside(box: Sandbox, code: str, env_root: str = str(ROOT), timeout: float = 60) -> subprocess.CompletedProcess:
    command = box.wrap([sys.executable, "-c", f"import os; os.environ['ROOT_TO_PROBE'] = {env_root!r}\n{code}"])
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


@levels
def test_every_level_this_user_should_have_runs_here(level):
    """Does each level this user is meant to have (root: root and userns; others: userns and landlock) run
    here? If not, the run fails with the reason: the guarantee would go untested."""
    level_ = sandbox.by_name(level)
    problem = level_.problem() or sandbox._probe(level_)
    assert problem is None, f"sandbox level {level} cannot run here, so its guarantees go untested: {problem}"


def test_the_strongest_level_is_chosen():
    """Is the level chosen the strongest this user can run (root as root, userns otherwise)?"""
    assert sandbox.choose().name == HERE[0]


@levels
def test_learner_code_sees_no_course_files_no_network_and_a_stub_package(tmp_path, level):
    """Inside, is the course unreadable, the package a read-only stub, /etc/jupyter hidden, the network gone, the
    submission's own folder readable but not writable (writes go to the small private /tmp)? (Without namespaces,
    Landlock lets a process stat a path it cannot open: names and sizes are not secret, contents are.)"""
    (tmp_path / "data.csv").write_text("1,2\n")
    box = _box(level, workdir=tmp_path)
    try:
        done = _inside(box, PROBE)
        seen = json.loads(done.stdout or "{}")
    finally:
        box.cleanup()
    assert seen, done.stderr
    assert seen["package"] == ["__init__.py", "_capture.py", "_runner.py"]
    assert not (seen["sees_config"] or seen["sees_solutions"] or seen["writes_package"] or seen["tcp"])
    assert not seen["etc_jupyter"]
    assert seen["reads_cwd"] and seen["writes_tmp"] and not seen["writes_cwd"]  # its own files, read-only
    assert not any(k.startswith(("AUTOGRADER", "JPY")) for k in seen["env_keys"])
    if level == "landlock":  # no network namespace: no socket but Unix ones at all
        assert not seen["udp"] and seen["uid"] == os.getuid()
    else:
        assert seen["home"] == "/tmp" and seen["uid"] >= 200_000


FIND_KEYS = textwrap.dedent("""
    import hashlib, json, os, sys
    wanted = json.loads(sys.argv[1])  # size -> [sha256]
    found = []
    for top in ("/usr", "/etc", "/opt", "/home", "/root", "/srv", "/work", "/var", "/tmp", os.getcwd(),
                *json.loads(sys.argv[2])):
        for root, dirs, files in os.walk(top):
            for name in files:
                path = os.path.join(root, name)
                try:
                    size = os.path.getsize(path)
                    if str(size) in wanted and hashlib.sha256(open(path, "rb").read()).hexdigest() in wanted[str(size)]:
                        found.append(path)
                except OSError:
                    pass
    print(json.dumps(sorted(set(found))))
""")


def _key_files() -> dict[str, list[str]]:
    """Every file of the package that could compute an answer key (all but the stub's), by size."""
    stub = {p.resolve() for p in KERNEL_SIDE.values()}
    out: dict[str, list[str]] = {}
    for path in view.PACKAGE.rglob("*"):
        if path.is_file() and path.suffix in (".py", ".json") and path.resolve() not in stub \
                and path.stat().st_size > 512:  # not an empty __init__.py, which every package has
            out.setdefault(str(path.stat().st_size), []).append(hashlib.sha256(path.read_bytes()).hexdigest())
    return out


@levels
def test_no_file_that_can_compute_an_answer_key_is_readable_inside(tmp_path, level, monkeypatch):
    """The rule the README states: from inside, is no file of the package that can compute a key readable,
    the grader's own copy or another one installed where the sandbox's folders come from?"""
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    shutil.copytree(view.PACKAGE, site / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    roots = (*view.python_roots(), tmp_path / "venv")
    monkeypatch.setattr(view, "python_roots", lambda: roots)
    monkeypatch.setattr(view, "hidden_copies", lambda: view.find_copies(roots))
    box = _box(level, workdir=tmp_path / "work")
    (tmp_path / "work").mkdir()
    command = box.wrap([sys.executable, "-c", FIND_KEYS, json.dumps(_key_files()), json.dumps([str(r) for r in roots])])
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    finally:
        box.cleanup()
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [], "files that can compute answer keys are readable inside"


WRITABLE = textwrap.dedent("""
    import json, os, sys
    allowed = sys.argv[1]
    wrote = []
    for top in ("/",):
        for root, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if os.path.join(root, d) not in ("/proc", "/sys", allowed)]
            if not os.access(root, os.W_OK):
                continue
            try:
                with open(os.path.join(root, ".sandbox-probe"), "x"):
                    wrote.append(root)
                os.unlink(os.path.join(root, ".sandbox-probe"))
            except OSError:
                pass
    print(json.dumps(wrote))
""")


@levels
def test_nothing_of_the_host_is_writable_inside(tmp_path, level):
    """Can learner code create a file anywhere but its own private /tmp (not the kernel's connection folder,
    not the package, not the submission, not /dev or /dev/shm)?"""
    box = _box(level, workdir=tmp_path)
    Path(box.kernel_transport()["connection_file"]).write_text("{}")  # as the kernel manager writes it
    box.connection_inside()  # the connection file is bound in, read-only
    allowed = "/tmp" if level != "landlock" else str(box.private_tmp())
    try:
        done = _inside(box, f"import sys; sys.argv[1:] = [{allowed!r}]\n{WRITABLE}", timeout=300)
    finally:
        box.cleanup()
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


@levels
def test_the_private_folders_are_capped_in_total(level):
    """Do many files, each under the file-size limit, stop at the private folders' total cap?"""
    box = _box(level, limits=Limits(tmp_bytes=24 * 2**20, file_bytes=4 * 2**20))
    code = textwrap.dedent("""
        import os, time
        tmp = os.environ.get("TMPDIR", "/tmp")
        written = 0
        try:
            for i in range(40):
                with open(os.path.join(tmp, f"f{i}"), "wb") as f:
                    f.write(b"x" * (2 * 2**20 - 4096))
                written += 2
                time.sleep(0.05)
        except OSError:
            pass
        print(written, flush=True)
    """)
    try:
        done = _inside(box, code)
    finally:
        box.cleanup()
    written = int(done.stdout.strip() or 0)
    assert written < 40 * 2 and written <= 26, (written, done.returncode, done.stderr[-500:])


@levels
def test_limits_hold_inside(level):
    """Are processes, memory and file size limited for learner code?"""
    box = _box(level, limits=Limits(memory_bytes=512 * 2**20, processes=40, file_bytes=2**20))
    code = textwrap.dedent("""
        import os, resource
        print(resource.getrlimit(resource.RLIMIT_AS)[0])
        try:
            bytearray(1024 * 2**20)
            print("allocated")
        except MemoryError:
            print("memory refused")
        try:
            open(os.path.join(os.environ.get("TMPDIR", "/tmp"), "big"), "wb").write(b"x" * (2 * 2**20))
            print("wrote")
        except OSError:
            print("file refused")
    """)
    try:
        out = _inside(box, code).stdout.split("\n")
    finally:
        box.cleanup()
    assert out[:3] == [f"{512 * 2**20}", "memory refused", "file refused"]


@levels
def test_nothing_outlives_the_sandbox(tmp_path, level):
    """Does a daemon started inside (new session, double fork) die when the sandboxed process ends, and is the
    sandbox's control group removed with it (none pile up over a class)?"""
    box = _box(level, workdir=tmp_path)
    marker = f"{317 + len(level)}.{os.getpid()}"
    code = textwrap.dedent(f"""
        import subprocess
        subprocess.Popen(["sleep", "{marker}"], start_new_session=True)
        print("started")
    """)
    assert _inside(box, code).stdout.strip() == "started"
    group = box._group
    box.cleanup()
    sleepers = subprocess.run(["pgrep", "-f", f"sleep {marker}"], capture_output=True, text=True, check=False)
    assert sleepers.stdout.strip() == ""
    assert group is None or not group.exists()


@levels
def test_learner_code_cannot_signal_the_grader(level):
    """Can learner code kill the grading process (at the landlock level it runs as the grader's own user)?"""
    box = _box(level)
    code = (f"import os, signal\ntry:\n    os.kill({os.getpid()}, signal.SIGCONT)\n    print('sent')\n"
            "except OSError as e:\n    print(type(e).__name__)")
    try:
        out = _inside(box, code).stdout.strip()
    finally:
        box.cleanup()
    assert out in ("PermissionError", "ProcessLookupError")


def test_an_unknown_required_level_is_refused_with_the_choices():
    """Does a misspelt c.SandboxedExecute.require name the levels there are?"""
    with pytest.raises(SandboxError, match=r"unknown sandbox level 'namespace'.*'root', 'userns', 'landlock'"):
        sandbox.choose("namespace")


def test_a_level_the_machine_cannot_meet_stops_grading_naming_what_is_missing(monkeypatch):
    """When the course requires a level this machine cannot give, does grading stop with one sentence naming
    what each level lacks and the fix, never 'install bubblewrap' when it is installed?"""
    monkeypatch.setattr(sandbox, "_probe", lambda level: "it could not start: setpriv: setresuid failed")
    sandbox.choose.cache_clear()
    try:
        with pytest.raises(SandboxError) as err:
            pipeline.Settings(sandbox=True, require="root").new_sandbox()
    finally:
        sandbox.choose.cache_clear()
    message = str(err.value)
    assert "level 'root'" in message and "c.SandboxedExecute.require" in message
    assert "setresuid" in message if AS_ROOT else "does not run as root" in message
    if shutil.which("bwrap"):
        assert "not installed" not in message
    assert pipeline.Settings(sandbox=False).new_sandbox() is None


def test_course_grading_stops_the_run_when_the_sandbox_cannot_start(monkeypatch):
    """In nbgrader, does a missing sandbox stop the whole run with the reason (not fail each learner)?"""
    from autograder.nbgrader_plugins import SandboxedExecute

    def missing(*_):
        raise SandboxError("learner code cannot be sandboxed at level 'landlock' or above here (…)")

    monkeypatch.setattr(pipeline, "choose", missing)
    resources = {"nbgrader": {"assignment": "a02_dense", "student": "s", "notebook": "a02_dense", "db_url": ""}}
    with pytest.raises(SystemExit, match="stopped: learner code cannot be sandboxed"):
        SandboxedExecute(secret="x").preprocess(nbformat.v4.new_notebook(), resources)


def test_each_course_setting_reaches_its_limit():
    """Does every SandboxedExecute setting in nbgrader_config.py land on the limit of the same meaning?"""
    from autograder.nbgrader_plugins import SandboxedExecute

    settings = SandboxedExecute(secret="x", cell_timeout=7, notebook_timeout=9, after_timeout=3, output_limit=11,
                                memory_limit=13, total_memory_limit=17, process_limit=19, cpu_limit=23,
                                sandbox=False, require="userns")._settings()
    assert (settings.budget.cell_seconds, settings.budget.notebook_seconds, settings.budget.after_timeout_seconds,
            settings.budget.output_bytes) == (7, 9, 3, 11)
    assert (settings.limits.memory_bytes, settings.limits.total_memory_bytes, settings.limits.processes,
            settings.limits.cpu_seconds) == (13, 17, 19, 23)
    assert settings.sandbox is False and settings.secret == "x" and settings.require == "userns"


@pytest.mark.needs_root
def test_many_processes_share_one_memory_limit_as_root():
    """When a sandbox forks processes that each stay under the per-process limit, does the sandbox's
    memory limit for all of them together stop them?"""
    probe = memory_group("autograder-probe", 2**30)
    assert probe is not None, "as root, a memory control group must be possible here"
    remove_group(probe)
    box = _box("root", limits=Limits(memory_bytes=2**30, total_memory_bytes=300 * 2**20))
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


@pytest.mark.needs_root
def test_groups_left_by_a_grader_that_is_gone_are_removed_as_root(monkeypatch):
    """A grader killed with SIGKILL leaves its empty group behind: does the next process's first group remove
    the empty groups of graders no longer running, and keep those of running ones (its own included)?"""
    probe = memory_group("autograder-probe", 2**30)
    assert probe is not None
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
