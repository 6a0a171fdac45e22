"""JupyterHub glue (autograder.hub) and `python -m autograder doctor`: the learner key is made from the id nbgrader
will submit as, and a mismatch is reported before the first submission. Spawners are fakes named like
JupyterHub's own (the glue recognises them by class name, so the Hub need not be installed here)."""

from __future__ import annotations

import os
import pwd
from types import SimpleNamespace

import pytest

from autograder.cli import main
from autograder.commands.doctor import diagnose
from autograder.errors import ConfigError
from autograder.grading.variants import learner_key
from autograder.hub import ENV_KEY, LearnerKeys, nbgrader_student_id, student_id
from autograder.secret import SECRET_FILE, course_secret

SECRET = "s" * 64
ME = pwd.getpwuid(os.getuid()).pw_name  # an OS user that exists here


class Spawner:
    """A spawner as JupyterHub hands it to a hook: a user with a name, an environment."""

    def __init__(self, name: str):
        self.user = SimpleNamespace(name=name)
        self.environment = {"OTHER": "kept"}


class LocalProcessSpawner(Spawner):
    pass


class SudoSpawner(LocalProcessSpawner):
    pass


class SimpleLocalProcessSpawner(LocalProcessSpawner):
    pass


class KubeSpawner(Spawner):
    pass


def test_a_local_spawner_keys_the_os_user_of_that_name():
    """Does LocalProcessSpawner (and a subclass) give the key of the OS user the server runs as?"""
    for cls in (LocalProcessSpawner, SudoSpawner):
        assert student_id(cls(ME)) == ME
        assert LearnerKeys(SECRET).key(cls(ME)) == learner_key(SECRET, ME)


def test_a_local_spawner_without_an_os_account_is_refused_in_one_sentence():
    """Does a Hub user with no OS account (an LTI e-mail, say) get a clear error, not a key for a phantom id?"""
    with pytest.raises(ConfigError, match=r"no OS account.*useradd"):
        student_id(LocalProcessSpawner("alice@uni.example"))


def test_a_container_spawner_keys_the_hub_user_name():
    """In a container (OS user jovyan) nbgrader submits as JUPYTERHUB_USER: is the key the Hub name's?"""
    assert LearnerKeys(SECRET).key(KubeSpawner("alice@uni.example")) == learner_key(SECRET, "alice@uni.example")


def test_simple_local_process_spawner_keys_the_hubs_own_user():
    """SimpleLocalProcessSpawner runs every server as the Hub's OS user: is that the id keyed (nbgrader's)?"""
    assert student_id(SimpleLocalProcessSpawner("alice")) == nbgrader_student_id(ME, "alice")


def test_nbgrader_ids_follow_get_username():
    """Is the id the OS user, and JUPYTERHUB_USER only for jovyan (nbgrader.utils.get_username)?"""
    assert nbgrader_student_id("alice", "someone-else") == "alice"
    assert nbgrader_student_id("jovyan", "alice") == "alice"
    assert nbgrader_student_id("jovyan", None) == "jovyan"


def test_the_environment_and_the_hook_hand_out_the_same_key():
    """Do c.Spawner.environment's callable and the pre_spawn_hook give the same key, keeping other variables?"""
    keys = LearnerKeys(SECRET)
    spawner = KubeSpawner("bob")
    value = keys.spawner_environment()[ENV_KEY]
    keys.pre_spawn_hook(spawner)
    assert spawner.environment == {"OTHER": "kept", ENV_KEY: value(spawner)} and value(spawner).startswith("bob:")


def test_keys_come_from_the_course_secret_and_never_make_one(tmp_path):
    """Does from_course read the grader's secret, and refuse (not create) a missing one?"""
    with pytest.raises(ConfigError, match="no course secret"):
        LearnerKeys.from_course(tmp_path)
    assert not (tmp_path / SECRET_FILE).exists()
    secret = course_secret(tmp_path)
    assert LearnerKeys.from_course(tmp_path).key(KubeSpawner("bob")) == learner_key(secret, "bob")


def test_doctor_finds_a_key_for_another_id():
    """Is a key made from the Hub name (an e-mail) while nbgrader submits as the OS user one clear problem?"""
    problems = diagnose(learner_key(SECRET, "alice@uni.example"), "alice", SECRET)
    assert len(problems) == 1 and "for 'alice@uni.example'" in problems[0] and "as 'alice'" in problems[0]
    assert "Fix:" in problems[0]


def test_doctor_finds_a_missing_a_malformed_and_a_foreign_key():
    """Are no key, a key that is not one, and a key from another secret each reported with a fix?"""
    assert "not set" in diagnose(None, "alice", None)[0]
    assert "not a learner key" in diagnose("alice", "alice", None)[0]
    assert "not made from this course's secret" in diagnose(learner_key("other", "alice"), "alice", SECRET)[0]
    assert diagnose(learner_key(SECRET, "alice"), "alice", SECRET) == []
    assert diagnose(learner_key("other", "alice"), "alice", None) == []  # no secret at hand: the id is all it checks


def test_doctor_command_exit_codes(tmp_path, monkeypatch, capsys):
    """Does `doctor` exit 0 on a matching key and 1 on a mismatch, reading the environment and the course?"""
    secret = course_secret(tmp_path)
    monkeypatch.setenv(ENV_KEY, learner_key(secret, "alice"))
    assert main(["doctor", "--course", str(tmp_path), "--student", "alice"]) == 0
    assert "ok:" in capsys.readouterr().out
    assert main(["doctor", "--course", str(tmp_path), "--student", "bob"]) == 1
    assert "will submit this work as 'bob'" in capsys.readouterr().out
    assert main(["doctor", "--course", str(tmp_path / "nowhere"), "--student", "bob"]) == 2


def test_jupyterhubs_own_spawners_hand_out_the_key(tmp_path):
    """With JupyterHub installed, do its real LocalProcessSpawner and SimpleLocalProcessSpawner put the key of the OS
    user their server runs as into the server's environment (get_env), through c.Spawner.environment?"""
    spawners = pytest.importorskip("jupyterhub.spawner")
    from traitlets.config import Config

    secret = course_secret(tmp_path)
    config = Config()
    config.Spawner.environment = LearnerKeys.from_course(tmp_path).spawner_environment()
    hub = SimpleNamespace(api_url="http://127.0.0.1:8081/hub/api", url="/hub/", base_url="/hub/", public_host="")
    for cls, name in ((spawners.LocalProcessSpawner, ME), (spawners.SimpleLocalProcessSpawner, "alice")):
        user = SimpleNamespace(name=name, url=f"/user/{name}/", escaped_name=name, server=None, id=1, groups=[])
        env = cls(user=user, config=config, hub=hub, api_token="token").get_env()
        assert env[ENV_KEY] == learner_key(secret, ME), cls.__name__  # both run the server as this OS user
