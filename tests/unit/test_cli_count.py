"""`python -m autograder count`: tables, JSON, and one clear line for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.cli import main

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "models" / "seed.json"


def test_json_output_has_exactly_the_documented_shape(capsys):
    """Does --json print total, trainable, non_trainable and one entry per top-level layer?"""
    assert main(["count", str(SEED), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"total", "trainable", "non_trainable", "layers"}
    assert out["total"] == 539
    assert [set(layer) for layer in out["layers"]] == [
        {"name", "class_name", "output_shape", "total", "trainable", "non_trainable", "formula"}] * 4
    assert out["layers"][1]["formula"] == "2 × (256 + 1) = 514"


def test_table_output_shows_derivations_and_totals(capsys):
    """Does the default table show each derivation and summary()'s three totals?"""
    assert main(["count", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "2 × (256 + 1) = 514" in out and "Total params: 539" in out and "Non-trainable params: 0" in out


def test_a_keras_archive_is_read(tmp_path, capsys):
    """Is a .keras archive (a zip with config.json) counted like its JSON?"""
    archive = tmp_path / "model.keras"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("config.json", SEED.read_text())
    assert main(["count", str(archive), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 539


@pytest.mark.parametrize(("content", "expected"), [
    (None, "no such file"),
    ("not json at all", "not valid JSON"),
    ("[1, 2]", "not a model config"),
    ('{"hello": 1}', "not a Keras model config"),
    ('{"class_name": "Sequential", "config": {"layers": [{"class_name": "InputLayer", "config": '
     '{"batch_shape": [null, 3]}}, {"class_name": "Frobnicate", "config": {"name": "f"}}]}}',
     "does not know the layer class 'Frobnicate'"),
])
def test_bad_input_is_one_clear_line_and_exit_2(tmp_path, content, expected):
    """Does bad input give exit code 2 and one line on stderr, with no traceback?"""
    path = tmp_path / "model.json"
    if content is not None:
        path.write_text(content)
    proc = subprocess.run([sys.executable, "-m", "autograder", "count", str(path)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_stdin_is_read_with_a_dash(monkeypatch, capsys):
    """Does `count -` read the config from standard input?"""
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO(SEED.read_text()))
    assert main(["count", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 539


def test_live_unavailable_keeps_the_reference_count(capsys, monkeypatch):
    """When Keras cannot rebuild the model, does --live keep the reference result, say `live: unavailable` with
    one line of why, and exit 3?"""
    from autograder import live
    from autograder.errors import LiveKerasError

    def cannot(config, custom_objects=None):
        raise LiveKerasError("Keras could not build the model from its config: TypeError: Could not locate x")

    monkeypatch.setattr(live, "count", cannot)
    assert main(["count", str(SEED), "--live", "--json"]) == 3
    out = json.loads(capsys.readouterr().out)
    assert out["live"]["available"] is False and "\n" not in out["live"]["why"] and out["total"] > 0
    assert main(["count", str(SEED), "--live"]) == 3
    assert "live: unavailable (Keras could not build" in capsys.readouterr().out


def test_a_long_keras_error_becomes_one_line():
    """Is a multi-line Keras error cut to its first line, at most 200 characters?"""
    from autograder.live import _first_line

    assert _first_line(ValueError("first line\n" + "config dump\n" * 50)) == "first line"
    assert len(_first_line(ValueError("x" * 1000))) == 200


def test_a_closed_pipe_ends_quietly():
    """Piped into a reader that stops early (`| head`), does the command end with no traceback?"""
    command = f"{sys.executable} -m autograder questions --json | head -c 100 > /dev/null"
    done = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.stderr == "" and done.returncode == 0
