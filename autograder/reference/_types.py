"""The value types of the reference counter: small, frozen, and never bare ints."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ._expr import Expr

__all__ = ["Derivation", "LayerCount", "ModelCount", "ParamCount", "Shape", "Weight"]

Shape = tuple  # a tuple of int | None, the batch dimension first


@dataclass(frozen=True, slots=True)
class ParamCount:
    """How many parameters, split the way Keras splits them."""

    trainable: int = 0
    non_trainable: int = 0

    @property
    def total(self) -> int:
        return self.trainable + self.non_trainable

    def __add__(self, other: ParamCount) -> ParamCount:
        if not isinstance(other, ParamCount):
            return NotImplemented
        return ParamCount(self.trainable + other.trainable, self.non_trainable + other.non_trainable)

    def frozen(self) -> ParamCount:
        """The same weights with ``trainable = False``: all of them non-trainable."""
        return ParamCount(0, self.total)


@dataclass(frozen=True, slots=True)
class Weight:
    """One variable of a layer whose variables are not all in its policy's dtype (a quantized layer)."""

    name: str
    shape: tuple
    dtype: str
    trainable: bool

    @property
    def size(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n


@dataclass(frozen=True, slots=True)
class Derivation:
    """A count together with the arithmetic that produced it; ``dtype`` is the variables' dtype under the
    layer's policy, ``weights`` lists each variable when they differ (a quantized layer)."""

    trainable: Expr | None = None
    non_trainable: Expr | None = None
    note: str = ""
    frozen: bool = False
    dtype: str = "float32"
    weights: tuple[Weight, ...] = ()

    @property
    def params(self) -> ParamCount:
        t = self.trainable.value if self.trainable else 0
        n = self.non_trainable.value if self.non_trainable else 0
        return ParamCount(t, n).frozen() if self.frozen else ParamCount(t, n)

    @property
    def total(self) -> int:
        return self.params.total

    @property
    def formula(self) -> str:
        if self.trainable and self.non_trainable:
            text = f"{self.trainable} trainable; {self.non_trainable} non-trainable"
        elif self.non_trainable:
            text = f"{self.non_trainable} non-trainable"
        elif self.trainable:
            text = str(self.trainable)
        else:
            text = "0"
        if self.note:
            text = f"{text} ({self.note})"
        return f"{text} [frozen: all non-trainable]" if self.frozen and self.params.total else text

    def freeze(self) -> Derivation:
        return replace(self, frozen=True)

    def __str__(self) -> str:
        return self.formula


@dataclass(frozen=True, slots=True)
class LayerCount:
    """One layer's result: its output shape, its parameters and their derivation."""

    name: str
    class_name: str
    output_shape: Any
    derivation: Derivation
    children: tuple[LayerCount, ...] = ()

    @property
    def params(self) -> ParamCount:
        return self.derivation.params

    @property
    def formula(self) -> str:
        return self.derivation.formula

    def to_dict(self) -> dict:
        out = {
            "name": self.name,
            "class_name": self.class_name,
            "output_shape": _jsonable(self.output_shape),
            "total": self.params.total,
            "trainable": self.params.trainable,
            "non_trainable": self.params.non_trainable,
            "formula": self.formula,
        }
        if self.derivation.dtype != "float32":
            out["dtype"] = self.derivation.dtype
        if self.derivation.weights:
            out["variables"] = [{"name": w.name, "shape": list(w.shape), "dtype": w.dtype,
                                 "trainable": w.trainable and not self.derivation.frozen}
                                for w in self.derivation.weights]
        if self.children:
            out["layers"] = [c.to_dict() for c in self.children]
        return out


@dataclass(frozen=True, slots=True)
class ModelCount:
    """A whole model: its top-level layers (as ``model.layers`` lists them) and totals."""

    name: str
    class_name: str
    layers: tuple[LayerCount, ...] = field(default=())
    params: ParamCount = ParamCount()

    @property
    def total(self) -> int:
        return self.params.total

    @property
    def trainable(self) -> int:
        return self.params.trainable

    @property
    def non_trainable(self) -> int:
        return self.params.non_trainable

    def layer(self, name: str) -> LayerCount:
        for layer in self.layers:
            if layer.name == name:
                return layer
        names = ", ".join(layer.name for layer in self.layers)
        raise KeyError(f"no layer named {name!r} in model {self.name!r}; its layers are: {names}")

    def to_dict(self) -> dict:
        return {
            "total": self.params.total,
            "trainable": self.params.trainable,
            "non_trainable": self.params.non_trainable,
            "layers": [layer.to_dict() for layer in self.layers],
        }


def _jsonable(shape: Any) -> Any:
    if isinstance(shape, (tuple, list)):
        return [_jsonable(s) for s in shape]
    return shape
