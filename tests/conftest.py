"""Shared pytest set-up: the --slow switch, quiet TensorFlow for every test, and two rules for tests that
matter to security.

- ``needs_root``: a test that can only run as root (its name says ``root``). As another user it is deselected,
  and the summary says how many and how to run them (`make test-root`, as root; CI does).
- ``guarantee``: a test of a security guarantee. It never skips quietly: a skip (the guarantee cannot be
  tested here) fails the run, with the skip's reason.
"""

from __future__ import annotations

import os

import pytest

SLOW_SKIP = "slow: run with --slow (make test and CI do)"
ROOT_ONLY = pytest.StashKey[int]()  # how many needs_root tests this user did not run

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", help="also run tests marked slow (CI does)")


@pytest.hookimpl(tryfirst=True)  # before `-m` selects: as another user, needs_root tests are never run
def pytest_collection_modifyitems(config, items):
    _check_root_names(items)
    if os.geteuid() != 0:
        _deselect_root_tests(config, items)
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason=SLOW_SKIP)
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def _check_root_names(items) -> None:
    """A test marked needs_root says so in its name, so that a reader of any report sees why it needs root."""
    unnamed = [item.nodeid for item in items if item.get_closest_marker("needs_root") and "root" not in item.name]
    if unnamed:
        raise pytest.UsageError("tests marked needs_root must have 'root' in their name: " + ", ".join(unnamed))


def _deselect_root_tests(config, items) -> None:
    root_only = [item for item in items if item.get_closest_marker("needs_root")]
    if root_only:
        items[:] = [item for item in items if not item.get_closest_marker("needs_root")]
        config.hook.pytest_deselected(items=root_only)
    config.stash[ROOT_ONLY] = len(root_only)
    if hasattr(config, "workeroutput"):  # a pytest-xdist worker: tell the controller, which prints the summary
        config.workeroutput["needs_root_deselected"] = len(root_only)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """(pytest-xdist, on the controller) what a worker deselected for needing root."""
    count = getattr(node, "workeroutput", {}).get("needs_root_deselected", 0)
    node.config.stash[ROOT_ONLY] = max(node.config.stash.get(ROOT_ONLY, 0), count)



def pytest_terminal_summary(terminalreporter, config):
    count = config.stash.get(ROOT_ONLY, 0)
    if count:
        terminalreporter.write_line(f"{count} test(s) need root and were not run by this user "
                                    f"(uid {os.geteuid()}): run `make test-root` as root (CI does)", yellow=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A skipped test of a security guarantee fails instead, saying why it could not run."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and item.get_closest_marker("guarantee") and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        if reason != SLOW_SKIP:
            report.outcome = "failed"
            report.longrepr = (f"a security guarantee went untested here, so the run fails: {reason}\n"
                               f"(tests marked `guarantee` never skip; make the guarantee testable on this machine)")
