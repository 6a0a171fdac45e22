"""Rescaling a model config: count a model too large to build from a small one that Keras built.

Build a small model whose sizes are distinctive numbers (d_model 24, 3 heads …),
take ``model.to_json()``, and map each size to the large one::

    big = rescale(config, {24: 12288, 3: 96, 8: 128, 96: 49152, 101: 50257, 37: 2048})
    reference.count(big).total   # GPT-3 scale, counted in milliseconds

Only integers under size-like keys are mapped (never axes, seeds or graph indices).
Standard library only.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SIZE_KEYS", "rescale"]

SIZE_KEYS = frozenset({
    "units", "filters", "input_dim", "output_dim", "key_dim", "value_dim", "num_heads", "head_dim",
    "num_query_heads", "num_key_value_heads", "batch_shape", "shape", "input_shape", "target_shape",
    "output_shape", "n", "lora_rank", "depth_multiplier", "num_tokens", "query_shape", "key_shape",
    "value_shape",
})


def rescale(config: Any, sizes: dict[int, int]) -> Any:
    """A copy of ``config`` with every integer under a size key mapped through ``sizes``."""
    return _walk(config, sizes, in_size=False)


def _walk(value: Any, sizes: dict[int, int], in_size: bool) -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, sizes, in_size or k in SIZE_KEYS) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, sizes, in_size) for v in value]
    if in_size and isinstance(value, int) and not isinstance(value, bool):
        return sizes.get(value, value)
    return value
