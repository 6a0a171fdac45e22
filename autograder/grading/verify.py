"""Verifying an answer key against live Keras, once per model, cached by content.

The key for a model is the reference counter's count; :func:`disagreement` compares it with
the live count of the same config (``count_params()`` and each layer's weights). Live
counts are looked up, in order, in

1. ``bank/verified.json``: committed with the bank, written by ``questions --refresh``;
2. the user cache, ``$AUTOGRADER_CACHE`` or ``~/.cache/autograder/keys.json``;
3. Keras itself (imported only then), and the result is added to the user cache.

Entries are keyed by the sha256 of the canonical config JSON, so an edited model is
re-verified. Writes take a lock file and replace the cache atomically, so several
processes can grade at once. ``AUTOGRADER_VERIFY=0`` skips verification (self-study speed).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

from ..errors import AutograderError
from ..reference import ModelCount

__all__ = ["COMMITTED", "cache_path", "disagreement", "fingerprint", "live_record", "record_of"]

COMMITTED = Path(__file__).parent / "bank" / "verified.json"


def fingerprint(config: dict) -> str:
    """The sha256 of a config's canonical JSON: the cache key."""
    text = json.dumps(config, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def cache_path() -> Path:
    """Where live counts are cached: ``$AUTOGRADER_CACHE`` or ``~/.cache/autograder/keys.json``."""
    env = os.environ.get("AUTOGRADER_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "autograder" / "keys.json"


def enabled() -> bool:
    """False when ``AUTOGRADER_VERIFY=0`` (or ``false``/``no``/``off``)."""
    return os.environ.get("AUTOGRADER_VERIFY", "1").strip().lower() not in ("0", "false", "no", "off")


def record_of(counted: ModelCount) -> dict:
    """What is compared and cached: the split and each top-level layer's split."""
    return {"trainable": counted.trainable, "non_trainable": counted.non_trainable,
            "layers": {layer.name: [layer.params.trainable, layer.params.non_trainable]
                       for layer in counted.layers}}


def disagreement(config: dict, ours: ModelCount) -> str | None:
    """None when live Keras agrees with the reference count (or verification is off), else
    a message describing the grader bug."""
    if not enabled():
        return None
    try:
        live = live_record(config)
    except ModuleNotFoundError:  # Keras is not installed: the bank was verified by the tests
        return None
    except AutograderError as err:
        return f"Keras could not build this question's model ({err})"
    mine = record_of(ours)
    if live == mine:
        return None
    return f"the reference counter gives {_summary(mine)} but Keras gives {_summary(live)}"


def _summary(record: dict) -> str:
    return f"{record['trainable']:,} trainable + {record['non_trainable']:,} non-trainable"


def live_record(config: dict) -> dict:
    """The live record of a config: from the committed file, the cache, or Keras."""
    key = fingerprint(config)
    for path in (COMMITTED, cache_path()):
        record = _read(path).get(key)
        if record is not None:
            return record
    record = _measure(config)
    _store(key, record)
    return record


def _measure(config: dict) -> dict:
    with _quiet_stderr():
        from .. import live

        return record_of(live.count(config))


_READ: dict[Path, tuple[float, dict]] = {}  # path -> (mtime, content): one parse per change


def _read(path: Path) -> dict:
    try:
        mtime = path.stat().st_mtime
        if path in _READ and _READ[path][0] == mtime:
            return _READ[path][1]
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    data = data if isinstance(data, dict) else {}
    _READ[path] = (mtime, data)
    return data


def _store(key: str, record: dict) -> None:
    path = cache_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(path):
            _READ.pop(path, None)  # re-read under the lock: another process may have written
            data = dict(_read(path))
            data[key] = record
            _write_atomic(path, data)
    except OSError:  # a read-only home must not stop grading; the next run verifies again
        pass


def _write_atomic(path: Path, data: dict) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".keys-", suffix=".json")
    with os.fdopen(fd, "w") as out:
        json.dump(data, out, indent=1, sort_keys=True)
    os.replace(tmp, path)


@contextlib.contextmanager
def _locked(path: Path):
    """An exclusive lock beside the cache file (POSIX); elsewhere just the atomic replace."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextlib.contextmanager
def _quiet_stderr():
    """TensorFlow writes to file descriptor 2 when imported; nbgrader scores a test cell that
    writes to stderr as failed, so descriptor 2 goes to /dev/null while Keras counts."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 2)
        try:
            with contextlib.redirect_stderr(null):
                yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
