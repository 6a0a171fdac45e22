"""The value types and registry of the keras-hub counter.

A family module registers one rule per backbone class name::

    @register_backbone("LlamaBackbone")
    def _llama(cfg: Hyper) -> HubCount: ...

``cfg`` reads the backbone's serialized hyperparameters (its ``get_config()``) and refuses a missing one
with a clear message. The rule returns a :class:`HubCount`: the backbone's blocks, each named like the
Keras layer it counts, with its derivation, plus the closed form of the whole backbone in symbols.
A task model whose weights are the backbone's alone (a ``CausalLM``, whose output layer is the backbone's
``ReversibleEmbedding`` read backwards) is registered with :func:`register_task`; a task with a head of
its own passes a ``head`` rule that returns that head's blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ...errors import ConfigError
from .._types import Derivation, ParamCount

__all__ = ["Block", "HubCount", "Hyper", "backbone_rule", "known_backbones", "known_tasks", "refuse_quantized",
           "register_backbone", "register_task", "task_rule"]

EMBEDDING, BODY, HEAD = "embedding", "body", "head"


@dataclass(frozen=True, slots=True)
class Block:
    """One Keras layer of a backbone (or the same layer repeated): its derivation and what it is.

    ``name`` is the Keras layer's name; a repeated block writes ``{i}`` where Keras writes the index
    (``"transformer_layer_{i}"``) and lists the indices in ``at``. ``kind`` is ``"embedding"`` (a table
    indexed by token or position, the output table included), ``"body"`` or ``"head"`` (a task's own
    layers). ``active`` is what one token uses, for a mixture of experts; None means all of it."""

    name: str
    derivation: Derivation
    kind: str = BODY
    at: tuple[int, ...] = ()
    active: Derivation | None = None

    @property
    def repeat(self) -> int:
        return len(self.at) or 1

    @property
    def params(self) -> ParamCount:
        one = self.derivation.params
        return ParamCount(one.trainable * self.repeat, one.non_trainable * self.repeat)

    @property
    def active_total(self) -> int:
        return (self.active or self.derivation).params.total * self.repeat

    def layer_names(self) -> list[str]:
        return [self.name.format(i=i) for i in self.at] if self.at else [self.name]

    def to_dict(self) -> dict:
        one = self.derivation.params
        out = {"name": self.name, "kind": self.kind, "repeat": self.repeat, "each": one.total,
               "trainable": self.params.trainable, "non_trainable": self.params.non_trainable,
               "total": self.params.total, "formula": self.derivation.formula}
        if self.at:
            out["layers"] = list(self.at)
        if self.active is not None:
            out["active_each"] = self.active.params.total
            out["active_formula"] = self.active.formula
        return out


@dataclass(frozen=True, slots=True)
class HubCount:
    """A keras-hub backbone (or task model) counted from its config, without Keras.

    ``symbols`` are the hyperparameters the ``closed_form`` is written in (evaluate it with them, ``·``
    read as ``*``, to get ``total``); ``tied`` says whether the output layer reads the token embedding
    backwards (None where a backbone has no output table); ``moe`` marks a mixture of experts, whose
    ``active`` count is what one token uses."""

    class_name: str
    family: str
    shape: str
    blocks: tuple[Block, ...]
    closed_form: str
    symbols: dict[str, int]
    tied: bool | None = None
    moe: bool = False
    task: str | None = None
    preset: str | None = None

    @property
    def params(self) -> ParamCount:
        return sum((b.params for b in self.blocks), ParamCount())

    @property
    def total(self) -> int:
        return self.params.total

    @property
    def embedding(self) -> int:
        """Parameters in tables indexed by token or position: the embeddings and an untied output table."""
        return sum(b.params.total for b in self.blocks if b.kind == EMBEDDING)

    @property
    def non_embedding(self) -> int:
        return self.total - self.embedding

    @property
    def active(self) -> int:
        """What one token uses: every weight, except the experts its router does not pick."""
        return sum(b.active_total for b in self.blocks)

    def layers(self) -> dict[str, ParamCount]:
        """Each Keras layer's count by its name, as ``model.layers`` lists them (repeated blocks expanded)."""
        one = {}
        for block in self.blocks:
            for name in block.layer_names():
                one[name] = one.get(name, ParamCount()) + block.derivation.params
        return one

    def frozen(self) -> HubCount:
        """The same model with ``trainable = False``: every weight non-trainable."""
        return replace(self, blocks=tuple(replace(b, derivation=b.derivation.freeze()) for b in self.blocks))

    def to_dict(self) -> dict:
        out = {"class_name": self.class_name, "family": self.family, "task": self.task, "preset": self.preset,
               "shape": self.shape, "total": self.total, "trainable": self.params.trainable,
               "non_trainable": self.params.non_trainable, "embedding": self.embedding,
               "non_embedding": self.non_embedding, "tied": self.tied, "closed_form": self.closed_form,
               "symbols": dict(self.symbols), "blocks": [b.to_dict() for b in self.blocks]}
        if self.moe:
            out["active"] = self.active
        return out


_REQUIRED = object()


class Hyper:
    """A backbone's hyperparameters, read with clear refusals for a missing or ill-typed value."""

    def __init__(self, class_name: str, config: dict):
        self.class_name = class_name
        self.config = config

    def get(self, key: str, default: Any = _REQUIRED) -> Any:
        if key in self.config and self.config[key] is not None:
            return self.config[key]
        if default is _REQUIRED:
            raise ConfigError(f"the {self.class_name} config has no {key!r}; expected the backbone's get_config() "
                              "as a keras-hub preset's config.json holds it")
        return default

    def int(self, key: str, default: Any = _REQUIRED) -> int:
        value = self.get(key, default)
        if value is None:
            return value
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"the {self.class_name} config's {key!r} is {value!r}; expected a whole number ≥ 0")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.get(key, default)
        if not isinstance(value, bool):
            raise ConfigError(f"the {self.class_name} config's {key!r} is {value!r}; expected true or false")
        return value


def refuse_quantized(class_name: str, config: dict) -> None:
    """A quantized backbone (``model.quantize("int8")``, keras-hub's ``…_int8`` presets) stores other weights
    (int8 kernels, scales): counting it as float would be a guess, so it is refused."""
    dtype = config.get("dtype")
    text = str(dtype) if isinstance(dtype, dict) else ""
    if "Quantized" in text or "quantization_config" in config:
        raise ConfigError(f"this {class_name} is quantized (its dtype policy names quantized layers); the reference "
                          "counter counts float keras-hub models only: count the preset's float config")


BackboneRule = Callable[[Hyper], HubCount]
HeadRule = Callable[[dict, HubCount], tuple[Block, ...]]
_BACKBONES: dict[str, BackboneRule] = {}
_TASKS: dict[str, HeadRule | None] = {}


def register_backbone(*class_names: str) -> Callable[[BackboneRule], BackboneRule]:
    """Register ``rule(cfg) -> HubCount`` for keras-hub backbone classes, by class name."""

    def decorate(rule: BackboneRule) -> BackboneRule:
        for name in class_names:
            _BACKBONES[name] = rule
        return rule

    return decorate


def register_task(*class_names: str, head: HeadRule | None = None) -> None:
    """Register task classes (``LlamaCausalLM``): ``head(task_config, backbone_count)`` gives the blocks of
    the task's own layers; None means the task adds no weights to its backbone's."""
    for name in class_names:
        _TASKS[name] = head


def backbone_rule(class_name: str) -> BackboneRule | None:
    return _BACKBONES.get(class_name)


def task_rule(class_name: str) -> tuple[bool, HeadRule | None]:
    """(is it a known task, its head rule or None)."""
    return class_name in _TASKS, _TASKS.get(class_name)


def known_backbones() -> list[str]:
    return sorted(_BACKBONES)


def known_tasks() -> list[str]:
    return sorted(_TASKS)
