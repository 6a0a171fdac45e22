"""The top-level package: its public names, and grading code loaded only when it is used."""

from __future__ import annotations

import subprocess
import sys

import autograder

GRADING_LOADED = "print(any(m.startswith('autograder.grading') for m in sys.modules))"


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_importing_the_package_does_not_load_the_grading_code():
    """Does `import autograder` (or autograder.reference) leave autograder.grading unimported until
    `from autograder import check` asks for it?"""
    assert _run(f"import autograder, sys; {GRADING_LOADED}") == "False"
    assert _run(f"import autograder.reference, sys; {GRADING_LOADED}") == "False"
    assert _run(f"import sys; from autograder import check; {GRADING_LOADED}") == "True"


def test_the_public_names_are_what_the_package_exports():
    """Is autograder.__all__ the errors and the six grading names, each listed once and importable?"""
    assert autograder.__all__ == ["AutograderError", "ConfigError", "LiveKerasError", "QuestionError", "ShapeError",
                                  "UnknownLayerError", "Verdict", "check", "practice", "show", "used_keras_to_count",
                                  "verdict"]
    assert all(getattr(autograder, name) is not None for name in autograder.__all__)
    assert set(autograder.__all__) <= set(dir(autograder))


def test_an_unknown_name_is_an_attribute_error():
    """Does asking the package for a name it does not have raise AttributeError (so hasattr works)?"""
    assert not hasattr(autograder, "no_such_name")
