"""One comparison used by every live test: the reference counter against Keras's own weights."""

from __future__ import annotations

import json

from autograder import live, reference


def assert_matches_keras(model, check_shapes: bool = True) -> reference.ModelCount:
    """Assert that the reference counter, reading only ``model.to_json()``, gives exactly
    Keras's totals and each top-level layer's trainable / non-trainable split and output shape."""
    config = json.loads(model.to_json())
    ours = reference.count(config)
    theirs = live.count_model(model)
    assert ours.params == theirs.params, f"model totals: reference {ours.params} != Keras {theirs.params}"
    assert model.count_params() == ours.total
    assert [layer.name for layer in ours.layers] == [layer.name for layer in theirs.layers]
    for mine, real in zip(ours.layers, theirs.layers, strict=True):
        assert mine.params == real.params, (
            f"layer {mine.name} ({mine.class_name}): reference {mine.params} [{mine.formula}] "
            f"!= Keras {real.params}")
        if check_shapes and real.output_shape is not None:
            assert _plain(mine.output_shape) == _plain(real.output_shape), (
                f"layer {mine.name}: reference shape {mine.output_shape} != Keras {real.output_shape}")
    _assert_without_build_config(config, ours)
    return ours


def _assert_without_build_config(config: dict, expected: reference.ModelCount) -> None:
    """Configs stripped of every build_config (and inbound tensor shapes) give the same answer."""
    stripped = _strip(json.loads(json.dumps(config)))
    assert reference.count(stripped).to_dict() == expected.to_dict()


def _strip(value):
    if isinstance(value, dict):
        value.pop("build_config", None)
        if value.get("class_name") == "__keras_tensor__":
            value["config"].pop("shape", None)
        for v in value.values():
            _strip(v)
    elif isinstance(value, list):
        for v in value:
            _strip(v)
    return value


def _plain(shape):
    if isinstance(shape, (list, tuple)):
        return [_plain(s) for s in shape]
    return shape
