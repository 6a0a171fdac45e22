"""Reading a model config from whatever the user has: JSON text, a dict, a file, a model."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

from ..errors import ConfigError

__all__ = ["load_config", "load_text"]

_EXPECTED = ("expected the JSON of model.to_json(), a .keras archive, "
             "or a Keras model (Sequential or Functional)")


def load_config(source: Any) -> dict:
    """Return the serialized model dict (``{"class_name": ..., "config": {...}}``)."""
    if isinstance(source, dict):
        return _as_model(source, "the dict")
    if isinstance(source, (str, os.PathLike)):
        text = str(source).lstrip()
        if isinstance(source, str) and text.startswith("{"):
            return _as_model(_parse(text, "the JSON text"), "the JSON text")
        return _as_model(_read_file(Path(source)), str(source))
    if hasattr(source, "to_json"):  # a live Keras model, read through its config
        return _as_model(_parse(source.to_json(), "model.to_json()"), "the model")
    raise ConfigError(f"cannot read a model config from {type(source).__name__}; {_EXPECTED}")


def load_text(text: str, where: str) -> dict:
    """Parse JSON text that must be a model config; ``where`` names it in errors."""
    return _as_model(_parse(text, where), where)


def _read_file(path: Path) -> dict:
    if not path.exists():
        raise ConfigError(f"no such file: {path}; {_EXPECTED}")
    if path.is_dir():
        raise ConfigError(f"{path} is a folder; {_EXPECTED}")
    if zipfile.is_zipfile(path):
        return _read_archive(path)
    if path.suffix in (".h5", ".hdf5"):
        raise ConfigError(f"{path} is a legacy HDF5 file; load it in Keras and save it with "
                          "model.save('model.keras'), or write model.to_json() to a file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not a text file; {_EXPECTED}") from None
    return _parse(text, str(path))


def _read_archive(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        if "config.json" not in archive.namelist():
            raise ConfigError(f"{path} is a zip file without config.json, so not a .keras archive; "
                              f"{_EXPECTED}")
        return _parse(archive.read("config.json").decode("utf-8"), f"{path}:config.json")


def _parse(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ConfigError(f"{where} is not valid JSON ({err.msg} at line {err.lineno}, "
                          f"column {err.colno}); {_EXPECTED}") from None


def _as_model(data: Any, where: str) -> dict:
    if not isinstance(data, dict):
        raise ConfigError(f"{where} holds a JSON {type(data).__name__}, not a model config; {_EXPECTED}")
    if "class_name" in data and isinstance(data.get("config"), dict):
        return data
    if isinstance(data.get("layers"), list):  # model.get_config(): the inner config alone
        kind = "Functional" if "input_layers" in data else "Sequential"
        return {"class_name": kind, "config": data}
    raise ConfigError(f"{where} is JSON but not a Keras model config (no 'class_name' and "
                      f"'config'); {_EXPECTED}")
