"""Regularization layers (``keras/src/layers/regularization``): noise and dropout.

They act only during training, learn nothing and keep their input's shape.
"""

from __future__ import annotations

from ..errors import ShapeError
from ._registry import Call, Counted, register
from ._types import Derivation

__all__ = ["dropout", "spatial_dropout"]

_SPATIAL_RANK = {"SpatialDropout1D": 3, "SpatialDropout2D": 4, "SpatialDropout3D": 5}


def dropout() -> Derivation:
    """Dropout and its relatives zero or perturb values at random: 0 parameters."""
    return Derivation()


spatial_dropout = dropout


@register("Dropout", "GaussianDropout", "GaussianNoise", "AlphaDropout", "ActivityRegularization")
def _dropout(config: dict, call: Call) -> Counted:
    return Counted(call.shape, dropout())


def _spatial_rule(name: str, rank: int):
    def rule(config: dict, call: Call) -> Counted:
        shape = call.shape
        if len(shape) != rank:
            raise ShapeError(f"{name} expects inputs of rank {rank} (batch, ..., channels), "
                             f"got shape {shape}; SpatialDropout1D, 2D and 3D take ranks 3, 4 and 5")
        return Counted(shape, spatial_dropout())
    return rule


for _name, _rank in _SPATIAL_RANK.items():
    register(_name)(_spatial_rule(_name, _rank))
