"""The heads keras-hub's tasks put on the encoder and vision backbones, counted from the task's config.

A task config nests its backbone's config under ``"backbone"``; the head's weights come from the task's own
hyperparameters (``num_classes``, ``hidden_dim``, ``intermediate_dim``) and the backbone's widths:

- ``BertTextClassifier``, ``AlbertTextClassifier``, ``FNetTextClassifier``: ``logits`` on the pooled
  ``[CLS]`` output, ``d·n + n``;
- ``RobertaTextClassifier``, ``XLMRobertaTextClassifier``, ``DistilBertTextClassifier``,
  ``DebertaV3TextClassifier``: a ``pooled_dense`` ``d·c + c`` (``c = hidden_dim``, the backbone's by
  default) and ``logits`` ``c·n + n``;
- the masked language models (``BertMaskedLM``, ``AlbertMaskedLM``, …): ``mlm_head``, a ``MaskedLMHead``
  whose output kernel is the token embedding read backwards: a dense ``d·e + e`` back to the embedding
  width ``e``, a LayerNorm ``2·e``, and one output bias per token ``V``;
- ``BartSeq2SeqLM`` and ``T5Seq2SeqLM``: no weights of their own (the output reads the token embedding
  backwards, or T5's own output table when untied, already in the backbone);
- ``ResNetImageClassifier``, ``EfficientNetImageClassifier``: global pooling and ``predictions``
  ``F·n + n`` on the backbone's ``F`` output channels;
- ``ViTImageClassifier``: an optional ``pre_logits`` dense ``d·i + i`` (``intermediate_dim``) and
  ``predictions`` on its output.
"""

from __future__ import annotations

from ...errors import ConfigError
from .._expr import term
from ._base import HEAD, Block, HubCount, register_task
from ._blocks import dense, layer_norm
from ._layers import split

__all__: list[str] = []


def _int(task: dict, key: str, default=None) -> int:
    value = task.get(key, default) if task.get(key) is not None else default
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"the task config's {key!r} is {task.get(key)!r}; expected a whole number > 0")
    return value


def _head(name: str, inputs: int, units: int) -> Block:
    return Block(name, split([(name, dense(inputs, units, True))]), HEAD)


def _logits(task: dict, counted: HubCount) -> tuple[Block, ...]:
    return (_head("logits", counted.symbols["d"], _int(task, "num_classes")),)


def _pooled_logits(task: dict, counted: HubCount) -> tuple[Block, ...]:
    d = counted.symbols["d"]
    hidden = _int(task, "hidden_dim", d)
    return _head("pooled_dense", d, hidden), _head("logits", hidden, _int(task, "num_classes"))


def _masked_lm(task: dict, counted: HubCount) -> tuple[Block, ...]:
    s = counted.symbols
    e = s.get("e", s["d"])
    parts = [("intermediate_dense", dense(s["d"], e, True)), layer_norm(e, "intermediate_layer_norm"),
             ("output_bias (one per token; the kernel is the token embedding)", term(s["V"]))]
    return (Block("mlm_head", split(parts), HEAD),)


def _image_classifier(task: dict, counted: HubCount) -> tuple[Block, ...]:
    return (_head("predictions", counted.symbols["F"], _int(task, "num_classes")),)


def _vit_classifier(task: dict, counted: HubCount) -> tuple[Block, ...]:
    width, blocks = counted.symbols["d"], []
    if task.get("intermediate_dim") is not None:
        blocks.append(_head("pre_logits", width, _int(task, "intermediate_dim")))
        width = task["intermediate_dim"]
    return (*blocks, _head("predictions", width, _int(task, "num_classes")))


register_task("BertTextClassifier", "AlbertTextClassifier", "FNetTextClassifier", head=_logits)
register_task("RobertaTextClassifier", "XLMRobertaTextClassifier", "DistilBertTextClassifier",
              "DebertaV3TextClassifier", head=_pooled_logits)
register_task("BertMaskedLM", "AlbertMaskedLM", "RobertaMaskedLM", "XLMRobertaMaskedLM", "DistilBertMaskedLM",
              "DebertaV3MaskedLM", "FNetMaskedLM", head=_masked_lm)
register_task("BartSeq2SeqLM", "T5Seq2SeqLM")
register_task("ResNetImageClassifier", "EfficientNetImageClassifier", head=_image_classifier)
register_task("ViTImageClassifier", head=_vit_classifier)
