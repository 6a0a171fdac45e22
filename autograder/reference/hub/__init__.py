"""keras-hub backbones counted from their config, without Keras.

A keras-hub preset ships its backbone's config as ``config.json``::

    {"module": "keras_hub.src.models.llama3.llama3_backbone", "class_name": "Llama3Backbone",
     "config": {"vocabulary_size": 128256, "num_layers": 32, "hidden_dim": 4096, ...},
     "registered_name": "keras_hub>Llama3Backbone"}

and a task model (``Llama3CausalLM``) nests that under ``config["backbone"]``. :func:`count_hub` reads
either and returns a :class:`HubCount`: trainable and non-trainable parameters, embedding vs
non-embedding, tied vs untied output, total vs active per token for a mixture of experts, a derivation
per block and the closed form, all from the hyperparameters. One module per family, as keras-hub has
(``llama.py``, ``gemma.py``, …); the shared pieces are in ``_blocks.py`` and ``_decoder.py``. A class
no module knows is refused (:class:`~autograder.errors.UnknownBackboneError`), never guessed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...errors import ConfigError, UnknownBackboneError
from .._load import load_config

# One module per family; importing it registers its backbones and tasks.
from . import gemma, gpt2, llama, mistral, mixtral, opt, phi3, qwen  # noqa: F401  (decoders)

# isort: split
from . import (  # noqa: F401  (encoders, seq2seq, vision)
    albert,
    bart,
    bert,
    clip,
    deberta_v3,
    dinov2,
    distil_bert,
    efficientnet,
    electra,
    f_net,
    heads,
    resnet,
    roberta,
    sam,
    t5,
    vit,
    vit_det,
    whisper,
)
from ._base import (
    Block,
    HubCount,
    Hyper,
    backbone_rule,
    known_backbones,
    known_tasks,
    refuse_quantized,
    register_backbone,
    register_task,
    task_rule,
)

__all__ = ["Block", "HubCount", "Hyper", "count_hub", "is_hub_config", "known_backbones", "known_tasks",
           "register_backbone", "register_task"]


def is_hub_config(model: dict) -> bool:
    """Is this serialized object a keras-hub model (backbone or task), by its module or registered name, or
    (a hand-written config without them) by a class name a family module registered?"""
    module = model.get("module") or ""
    registered = model.get("registered_name") or ""
    if "module" not in model and "registered_name" not in model:
        name = model.get("class_name")
        return backbone_rule(str(name)) is not None or task_rule(str(name))[0]
    # Presets saved before the keras-nlp -> keras-hub rename say keras_nlp.src.models… and keras_nlp>BertBackbone.
    return (isinstance(module, str) and module.startswith(("keras_hub", "keras_nlp"))) or (
        isinstance(registered, str) and registered.startswith(("keras_hub>", "keras_nlp>")))


def count_hub(source: Any) -> HubCount:
    """Count a keras-hub backbone or task model from its config: a path to ``config.json`` (or
    ``task.json``, or a ``.keras`` archive), JSON text, or the dict."""
    model = load_config(source)
    class_name = str(model.get("class_name"))
    if backbone_rule(class_name) is not None:
        return _backbone(model)
    known, head = task_rule(class_name)
    inner = model["config"].get("backbone")
    if not known or not isinstance(inner, dict) or "class_name" not in inner:
        raise UnknownBackboneError(class_name, model.get("module"), known_backbones())
    counted = _backbone(inner)
    own = tuple(head(model["config"], counted)) if head else ()
    result = replace(counted, task=class_name, blocks=counted.blocks + own, **_with_head(counted, own))
    return result.frozen() if model["config"].get("trainable", True) is False else result


def _with_head(counted: HubCount, own: tuple[Block, ...]) -> dict:
    """The task's closed form: the backbone's plus the head's weights (``own``), written as one symbol, ``head``."""
    total = sum(block.params.total for block in own)
    if not total:
        return {}
    return {"closed_form": f"{counted.closed_form} + head", "symbols": {**counted.symbols, "head": total}}


def _backbone(model: dict) -> HubCount:
    class_name = str(model.get("class_name"))
    rule = backbone_rule(class_name)
    if rule is None:
        raise UnknownBackboneError(class_name, model.get("module"), known_backbones())
    config = model.get("config")
    if not isinstance(config, dict):
        raise ConfigError(f"the {class_name} entry has no 'config' dict; expected a keras-hub preset's config.json")
    refuse_quantized(class_name, config)
    counted = rule(Hyper(class_name, config))
    return counted.frozen() if config.get("trainable", True) is False else counted
