"""The reference counter is standard library only: counting never imports TensorFlow or Keras."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import autograder.reference

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "models"

PROBE = """
import json, sys
import autograder.reference as reference
result = reference.count(sys.argv[1])
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras", "numpy"))
print(json.dumps({"total": result.total, "layers": len(result.layers), "heavy": heavy}))
"""


def _probe(path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_counting_a_real_config_imports_neither_tensorflow_nor_keras():
    """Does counting a Keras-written config in a fresh process leave TensorFlow, Keras and NumPy unimported?"""
    for name in ("seed.json", "siamese.json"):
        result = _probe(FIXTURES / name)
        assert result["total"] > 0 and result["layers"] > 0
        assert result["heavy"] == [], f"counting {name} imported {result['heavy'][:5]}"


def test_public_names_exist():
    """Does every name in autograder.reference.__all__ exist in the package?"""
    missing = [name for name in autograder.reference.__all__
               if not hasattr(autograder.reference, name)]
    assert missing == []


def test_public_names_are_listed_once():
    """Does __all__ list each public name exactly once?"""
    names = autograder.reference.__all__
    assert len(names) == len(set(names))
