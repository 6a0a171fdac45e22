"""What `make` says to an ordinary user when Debian packages are missing: one message, at once.

`make` runs with a PATH that holds only ``make`` and ``id`` (so chromium, npm and bwrap are "missing" and nothing
else can start) and with ``ROOT=`` (the Makefile's "am I root" variable, empty as for any other user), so that
even a root test run takes the ordinary user's path and never calls apt-get.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _make(tmp_path: Path, target: str, *present: str, python: str = "") -> subprocess.CompletedProcess:
    """``make target`` as a user without root, where only the commands ``present`` are installed; with
    ``python``, a new venv is to be made with that Python."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for command in ("make", "id", *present):
        (tools / command).symlink_to(shutil.which(command) or f"/usr/bin/{command}")
    fresh = [f"VENV={tmp_path / 'venv'}", f"PYTHON={python}"] if python else []
    return subprocess.run([str(tools / "make"), "--no-print-directory", "-C", str(ROOT), "ROOT=", *fresh, target],
                          env={"PATH": str(tools), "HOME": str(tmp_path)}, capture_output=True, text=True,
                          timeout=60, check=False)


@pytest.mark.parametrize(("target", "present", "missing"), [
    ("test", (), "chromium npm bubblewrap"),
    ("test", ("npm",), "chromium bubblewrap"),
    ("book", (), "npm"),
])
def test_missing_packages_stop_make_with_one_message(tmp_path, target, present, missing):
    """Does `make book` / `make test` stop before anything else, naming exactly the missing packages, the
    administrator's command for them, and which target needs which package?"""
    done = _make(tmp_path, target, *present)
    assert done.returncode != 0
    assert f"make {target} needs Debian packages that are not installed: {missing}." in done.stdout
    assert f"An administrator installs them with:  sudo apt-get install {missing}\n" in done.stdout
    assert "make book needs only npm" in done.stdout and "make test needs all three" in done.stdout
    assert "-m venv" not in done.stdout + done.stderr, "make went on after the message"


def test_a_python_without_venv_is_named_in_the_same_message(tmp_path):
    """Before .venv exists, is a Python that cannot make a venv (Debian's without python3.11-venv) named with the
    missing packages, in the one message?"""
    done = _make(tmp_path, "test", python=str(tmp_path / "no-venv" / "python3.11"))
    assert done.returncode != 0
    assert "sudo apt-get install python3.11-venv chromium npm bubblewrap\n" in done.stdout
    assert not (tmp_path / "venv").exists()


def test_root_targets_refuse_an_ordinary_user(tmp_path):
    """Do `make system` and `make test-root` tell an ordinary user they need root, and how to run them?"""
    system = _make(tmp_path, "system")
    assert system.returncode != 0 and "sudo apt-get install chromium npm bubblewrap" in system.stdout
    (tmp_path / "bin").rename(tmp_path / "used")
    root_tests = _make(tmp_path, "test-root")
    assert root_tests.returncode != 0 and "run it as root (sudo make test-root)" in root_tests.stdout
