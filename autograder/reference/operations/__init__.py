"""Keras ops in a functional graph (``keras/src/ops``): no weights, only shapes.

``x + 3.0``, ``x[:, 0]`` or ``keras.ops.concatenate([a, b])`` on symbolic tensors adds an op node,
serialized like a layer but with an ops module (``keras.src.ops.numpy``) and the op's constructor
arguments as its config. Keras applications use them (MobileNetV3's hard-swish, ConvNeXt's residual
sums, ResNet's caffe-style preprocessing). An op owns no weights; the counter only needs its output
shape, since the next layer is built on it. One module per kind of op:

- ``elementwise``: math on each value, the input's shape or the inputs broadcast;
- ``reductions``: ``sum``, ``mean``, ``argmax``, ``norm``… over some axes;
- ``shaping``: ``reshape``, ``transpose``, ``expand_dims``, ``squeeze``, ``tile``, ``pad``…;
- ``joining``: ``concatenate``, ``stack``, ``split``, ``unstack``…;
- ``indexing``: slicing (``GetItem``), ``slice``, ``take``, ``top_k``, ``one_hot``…;
- ``linear``: ``matmul``, ``dot``, ``tensordot``, ``einsum``…;
- ``spatial``: convolutions and pooling given kernels as tensors, image ops, ``depth_to_space``…;
- ``linalg``: ops that return new matrices or several tensors (``pinv``, ``eigh``, ``qr``, the FFTs…).

An op without a rule here is refused by name and module (:class:`UnknownOperationError`), unless a
fallback is set (``--live``), which asks Keras for that op's output shape only.
"""

from __future__ import annotations

from . import elementwise, indexing, joining, linalg, linear, reductions, shaping, spatial  # noqa: F401
from ._base import broadcast_shapes, count_operation, is_operation, known_operations, reduce_shape

__all__ = ["broadcast_shapes", "count_operation", "is_operation", "known_operations", "reduce_shape"]
