"""The deployment files in deploy/: each JupyterHub and nbgrader config loads as its program loads it (traitlets'
own loader, with get_config and load_subconfig), the Helm values parse and run their Hub configuration, and
learner keys come out of them for the id nbgrader will use.

The Zero to JupyterHub chart's values.schema.json is not on PyPI (the chart is a Helm package), so CI cannot
fetch it: the schema test runs when Z2JH_CHART names an unpacked chart folder (values.yaml and
values.schema.json or .yaml, e.g. `helm pull jupyterhub/jupyterhub --version 4.4.0 --untar`), and is skipped
otherwise.
"""

from __future__ import annotations

import json
import os
import pwd
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from autograder.grading.variants import learner_key
from autograder.hub import ENV_KEY
from autograder.secret import course_secret

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
VALUES = yaml.safe_load((DEPLOY / "z2jh-values.yaml").read_text())
ME = pwd.getpwuid(os.getuid()).pw_name


class Spawner:
    """A stand-in for a JupyterHub spawner of one user (the glue knows spawners by class name)."""

    def __init__(self, name: str):
        self.user = SimpleNamespace(name=name)


class LocalProcessSpawner(Spawner):
    pass


class KubeSpawner(Spawner):
    pass


def _load(name: str) -> Config:
    return PyFileConfigLoader(name, path=str(DEPLOY)).load_config()


@pytest.fixture
def course(tmp_path, monkeypatch) -> str:
    """A course directory with its secret, named to the hub config through COURSE_DIR; the secret."""
    monkeypatch.setenv("COURSE_DIR", str(tmp_path))
    return course_secret(tmp_path)


def test_the_one_machine_hub_config_loads_and_keys_the_os_user(course):
    """Does deploy/jupyterhub_config.py load, choose PAM and LocalProcessSpawner, and hand each server the key of
    its OS user (nbgrader's student id there)?"""
    config = _load("jupyterhub_config.py")
    assert (config.JupyterHub.authenticator_class, config.JupyterHub.spawner_class) == ("pam", "localprocess")
    assert config.Spawner.cmd[0].endswith("/bin/jupyterhub-singleuser")
    key = config.Spawner.environment[ENV_KEY]
    assert key(LocalProcessSpawner(ME)) == learner_key(course, ME)


def test_the_hub_config_refuses_a_course_without_a_secret(tmp_path, monkeypatch):
    """Does the Hub stop at start-up, naming the fix, when the course directory has no secret (rather than make
    one the grader would not read)?"""
    monkeypatch.setenv("COURSE_DIR", str(tmp_path))
    with pytest.raises(Exception, match="no course secret"):
        _load("jupyterhub_config.py")


def test_the_lti13_config_builds_on_the_one_machine_config(course):
    """Does the LTI 1.3 config load the one-machine config, switch to LTI13Authenticator, and pick a username
    claim other than the default e-mail or sub?"""
    config = _load("jupyterhub_config_lti13.py")
    assert config.JupyterHub.authenticator_class == "ltiauthenticator.lti13.auth.LTI13Authenticator"
    assert config.JupyterHub.spawner_class == "localprocess"
    assert config.LTI13Authenticator.username_key.startswith("custom_")
    assert ENV_KEY in config.Spawner.environment


@pytest.mark.parametrize("name", ["nbgrader_config_system.py", "nbgrader_config_instructor.py"])
def test_the_nbgrader_configs_load(name):
    """Does each nbgrader config load and set what its place needs (the exchange, or the course directory)?"""
    config = _load(name)
    assert config.Exchange.root or config.CourseDirectory.root


def test_the_course_declares_the_keys_the_hub_hands_out(course):
    """Since the Hub hands out learner keys, does the instructor's nbgrader config turn per-learner numbers on
    for keys from JupyterHub (without it every learner would get the book's numbers)?"""
    assert ENV_KEY in _load("jupyterhub_config.py").Spawner.environment
    assert _load("nbgrader_config_instructor.py").Variants["keys"] == "jupyterhub"  # .keys is dict.keys


def test_the_system_nbgrader_config_matches_the_kubernetes_one():
    """Do the pods get the same course id and exchange as the one machine?"""
    text = VALUES["singleuser"]["extraFiles"]["nbgrader-config"]["stringData"]
    namespace = {"get_config": Config}
    exec(compile(text, "nbgrader_config.py", "exec"), namespace)  # the repository's own file
    system = _load("nbgrader_config_system.py")
    assert namespace["c"].Exchange.root == system.Exchange.root
    assert namespace["c"].CourseDirectory.course_id == system.CourseDirectory.course_id


def test_the_helm_values_run_their_hub_config(tmp_path, monkeypatch):
    """Does each hub.extraConfig snippet run, key a pod's learner by the Hub name (the OS user is jovyan), and
    raise the sandbox level for the instructors' group only?"""
    secret = tmp_path / "secret"
    secret.write_text("k" * 64)
    c = Config()
    for name in sorted(VALUES["hub"]["extraConfig"]):
        code = VALUES["hub"]["extraConfig"][name].replace("/srv/autograder/secret", str(secret))
        exec(compile(code, name, "exec"), {"c": c})  # the repository's own file
    assert c.KubeSpawner.environment[ENV_KEY](KubeSpawner("alice@uni.example")) == learner_key(
        "k" * 64, "alice@uni.example")
    (override,) = c.KubeSpawner.group_overrides.values()
    assert override["groups"] == ["instructors"]
    assert VALUES["hub"]["config"]["JupyterHub"]["load_groups"]["instructors"]["users"] == ["instructor"]


def _merged(defaults: dict, values: dict) -> dict:
    """Helm's merge of a chart's values.yaml with the user's: maps are merged key by key, the rest replaced."""
    out = dict(defaults)
    for key, value in values.items():
        both = isinstance(value, dict) and isinstance(defaults.get(key), dict)
        out[key] = _merged(defaults[key], value) if both else value
    return out


def _chart() -> Path:
    chart = os.environ.get("Z2JH_CHART")
    if not chart:
        pytest.skip("the Zero to JupyterHub chart is not on PyPI: set Z2JH_CHART to an unpacked chart folder")
    return Path(chart)


def test_the_helm_values_validate_against_the_charts_schema():
    """Do the values, merged onto the chart's defaults as Helm merges them, satisfy the chart's schema, and does
    the schema refuse a wrong type (so this test can fail)?"""
    jsonschema = pytest.importorskip("jsonschema")
    chart = _chart()
    schema_file = next(p for p in (chart / "values.schema.json", chart / "values.schema.yaml") if p.is_file())
    schema = json.loads(schema_file.read_text()) if schema_file.suffix == ".json" else yaml.safe_load(
        schema_file.read_text())
    defaults = yaml.safe_load((chart / "values.yaml").read_text())
    validator = jsonschema.Draft7Validator(schema)
    assert [error.message for error in validator.iter_errors(_merged(defaults, VALUES))] == []
    wrong = _merged(VALUES, {"singleuser": {"uid": "jovyan"}})
    assert list(validator.iter_errors(_merged(defaults, wrong)))
