"""The misconception catalogue: each known wrong idea, as data.

Every :class:`Mistake` has a stable ``code`` (never renamed: feedback, fixtures and
gradebooks refer to it), a one-line ``title``, the ``feedback`` shown to the learner
(it names the idea, never the answer), an ``example`` question whose fixture submission
shows it, and the wrong formula itself, either

- ``patches``: Keras class name -> a patch of that class's reference rule
  (see :mod:`autograder.grading.wrong_rules`), counted with ``reference.count(..., overrides=)``; or
- ``model``: a function ``(config, asks, right_count) -> int | None`` for mistakes about the
  whole model (the batch dimension, a shared layer counted twice, trainable versus total).

The catalogue is in order of specificity: when several mistakes give the learner's
number, :func:`diagnose` names the first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import AutograderError
from ..reference import ModelCount, count, count_layer, overriding
from ..reference._registry import rule_for
from . import model_mistakes as mm
from . import wrong_rules as w
from .questions import amount

__all__ = ["CATALOGUE", "Diagnosis", "Mistake", "by_code", "diagnose"]


@dataclass(frozen=True, eq=False)
class Mistake:
    """One misconception: its code, title, feedback, example question and wrong formula."""

    code: str
    title: str
    feedback: str
    example: str
    patches: dict[str, Callable] = field(default_factory=dict, repr=False)
    model: Callable | None = field(default=None, repr=False)
    example_layer: str | None = None  # for a one-layer mistake, the layer its fixture makes it in

    def example_number(self, config: dict, asks: str) -> int | None:
        """The number of this mistake's fixture submission: made in ``example_layer`` if set."""
        found = dict(self.numbers(config, asks))
        return found.get(self.example_layer) if self.example_layer else self.number(config, asks)

    def overrides(self, only: str | None = None) -> dict:
        """The wrong rules, ready for ``reference.count(config, overrides=...)``; with ``only``,
        the mistake is made in the layer of that name alone."""
        return {name: w.patched(rule_for({"class_name": name}), patch, only)
                for name, patch in self.patches.items()}

    def number(self, config: dict, asks: str, right: ModelCount | None = None) -> int | None:
        """What this wrong formula gives for ``asks`` on the model ``config``, made in every
        layer it concerns (or, for a one-layer mistake, in the first layer it applies to)."""
        found = self.numbers(config, asks, right)
        return next((n for layer, n in found if layer is None), found[0][1] if found else None)

    def numbers(self, config: dict, asks: str, right: ModelCount | None = None) -> list[tuple[str | None, int]]:
        """``(layer, number)`` for the mistake made everywhere (layer None), then in each single layer."""
        right = right or count(config)
        if self.model is not None:
            found = self._guarded(config, asks, right, None)
            pairs = found if isinstance(found, list) else [(None, found)]
            return [(layer, n) for layer, n in pairs if n is not None and n != amount(right, asks)]
        found = []
        for layer in (None, *_layers_of(config, self.patches)):
            wrong = self._guarded(config, asks, right, layer)
            if wrong is not None and wrong != amount(right, asks):
                found.append((layer, wrong))
        return found

    def _guarded(self, config: dict, asks: str, right: ModelCount, layer: str | None):
        try:
            if self.model is not None:
                return self.model(config, asks, right)
            if not _mentions(config, self.patches):
                return None
            return amount(count(config, overrides=self.overrides(layer)), asks)
        except (AutograderError, KeyError, ValueError, TypeError, ZeroDivisionError):
            return None

    def layer_number(self, class_name: str, config: dict, *shapes) -> int | None:
        """What this wrong formula gives for a single layer (for function questions)."""
        if class_name not in self.patches and not _cell_of(class_name, self.patches):
            return None
        try:
            right = count_layer(class_name, config, *shapes).params.total
            with overriding(self.overrides()):
                wrong = count_layer(class_name, config, *shapes).params.total
        except (AutograderError, KeyError, ValueError, TypeError, ZeroDivisionError):
            return None
        return None if wrong == right else wrong


def _cell_of(class_name: str, patches: dict) -> bool:
    return f"{class_name}Cell" in patches


def _layers_of(config, patches: dict) -> list[str]:
    """The names of the layers (at any depth) of the classes a mistake concerns, if more than one."""
    names = [n for n in dict.fromkeys(_names_in(config, patches)) if n]
    return names if len(names) > 1 else []


def _names_in(config, patches: dict):
    if isinstance(config, dict):
        name = config.get("class_name")
        if (name in patches or f"{name}Cell" in patches) and isinstance(config.get("config"), dict):
            yield config["config"].get("name")
        for value in config.values():
            yield from _names_in(value, patches)
    elif isinstance(config, list):
        for value in config:
            yield from _names_in(value, patches)


def _mentions(config, patches: dict) -> bool:
    """Does the config use any of these classes (at any depth, wrapped layers and cells included)?"""
    if isinstance(config, dict):
        name = config.get("class_name")
        if name in patches or f"{name}Cell" in patches:  # LSTM is counted by its LSTMCell
            return True
        return any(_mentions(v, patches) for v in config.values())
    if isinstance(config, list):
        return any(_mentions(v, patches) for v in config)
    return False


def _m(code, title, feedback, example, patches=None, *, model=None, example_layer=None) -> Mistake:
    return Mistake(code, title, feedback, example, patches or {}, model, example_layer)


def _on(classes, patch) -> dict:
    return dict.fromkeys(classes, patch)


_BIASED = ("Dense", "EinsumDense", *w.CONV, *w.TRANSPOSE, *w.DEPTHWISE, *w.SEPARABLE, *w.CELLS,
           "MultiHeadAttention")

CATALOGUE: tuple[Mistake, ...] = (
    _m("BATCH_DIM_COUNTED", "the batch dimension counted as if weights were per example",
       "Weights are shared by every example in a batch: the batch size never changes a parameter count.",
       "seed.batch32.total", model=mm.batch_dim_counted),
    _m("SHARED_LAYER_COUNTED_TWICE", "a shared layer counted once per call",
       "A layer called several times owns one set of weights, built on its first call: it counts once.",
       "functional.siamese.total", model=mm.shared_counted_twice),
    _m("DENSE_ALL_AXES", "Dense on a sequence given a weight per input value, not per feature",
       "Dense acts on the last axis only: its kernel is (features of the last axis) × units, the same "
       "for every position of the other axes.", "dense.sequence.layer", _on(["Dense"], w.dense_all_axes)),
    _m("CONV_INPUT_CHANNELS_MISSING", "convolution kernels given no depth over the input channels",
       "Each filter spans every input channel: its kernel has kernel height × width × input channels "
       "weights.", "conv.rgb.layer", _on(w.CONV, w.conv_no_channels)),
    _m("CONV_OUTPUT_SIZE_FOR_KERNEL", "the output size used where the kernel size belongs",
       "A convolution's weights depend on its kernel size, not on the size of the image or of its "
       "output: the same small kernel slides over every position.", "conv.rgb.layer",
       _on(w.CONV, w.conv_output_size)),
    _m("CONV_GROUPS_IGNORED", "groups ignored in a grouped convolution",
       "With groups=g each filter sees only its group's input channels, so the kernel's depth is the "
       "input channels divided by g.", "conv.grouped.layer", _on(w.CONV, w.conv_groups_ignored)),
    _m("DEPTHWISE_AS_FULL_CONV", "a depthwise convolution counted as a full convolution",
       "A depthwise convolution filters each input channel on its own: no kernel mixes channels.",
       "conv.depthwise.layer", _on(w.DEPTHWISE, w.depthwise_as_full)),
    _m("SEPARABLE_POINTWISE_MISSING", "a separable convolution's pointwise part forgotten",
       "A separable convolution is a depthwise step followed by a 1 × 1 (pointwise) convolution that "
       "mixes the channels into the filters: count both kernels.", "conv.separable.layer",
       _on(w.SEPARABLE, w.separable_no_pointwise)),
    _m("TRANSPOSE_CHANNELS_SWAPPED", "a transposed convolution's input and output channels swapped",
       "A transposed convolution's kernel is stored as (kernel, filters, input channels), but its "
       "bias still has one value per filter, the layer's output channels.", "conv.transpose.layer",
       _on(w.TRANSPOSE, w.transpose_swapped)),
    _m("BN_MOVING_STATS_MISSING", "BatchNormalization's moving mean and variance left out",
       "BatchNormalization also keeps a moving mean and a moving variance per feature: weights too, "
       "updated during training but not by gradients (non-trainable).", "trainable.bn.non_trainable",
       _on(["BatchNormalization"], w.bn_stats_missing)),
    _m("BN_MOVING_STATS_TRAINABLE", "BatchNormalization's moving statistics counted as trainable",
       "Only gamma and beta are trained by gradients; the moving mean and variance are non-trainable.",
       "trainable.bn.trainable", _on(["BatchNormalization"], w.bn_stats_trainable)),
    _m("LSTM_GATES_MISSING", "an LSTM counted with three gates",
       "An LSTM has four gates (input, forget, cell candidate, output), each with its own input "
       "kernel, recurrent kernel and bias.", "rnn.lstm.layer", _on(["LSTMCell"], w.lstm_three_gates)),
    _m("GRU_RESET_AFTER_BIAS", "GRU counted without reset_after's second bias",
       "Keras's GRU defaults to reset_after=True, which gives each gate two biases: one for the "
       "input kernel and one for the recurrent kernel.", "rnn.gru.layer", _on(["GRUCell"], w.gru_one_bias)),
    _m("RECURRENT_KERNEL_MISSING", "a recurrent layer's recurrent kernel forgotten",
       "A recurrent layer also weighs its own previous state: each gate has a recurrent kernel of "
       "units × units besides its input kernel.", "rnn.simple.total", _on(w.CELLS, w.no_recurrent_kernel)),
    _m("BIDIRECTIONAL_NOT_DOUBLED", "Bidirectional counted as one copy of the wrapped layer",
       "Bidirectional builds a second, independent copy of the wrapped layer for the backward direction.",
       "rnn.bidirectional.layer", _on(["Bidirectional"], w.bidirectional_single)),
    _m("MHA_KEY_DIM_TOTAL", "MultiHeadAttention's key_dim taken as the total over all heads",
       "In Keras key_dim is the size of each head, so every projection grows with num_heads (unlike "
       "PyTorch, which splits one embedding across the heads).", "attention.self.layer",
       _on(["MultiHeadAttention"], w.mha_key_dim_total)),
    _m("MHA_OUTPUT_PROJECTION_MISSING", "MultiHeadAttention's output projection forgotten",
       "After the query, key and value projections, MultiHeadAttention projects the heads back to the "
       "output features: a fourth kernel with its bias.", "attention.self.layer",
       _on(["MultiHeadAttention"], w.mha_no_output)),
    _m("EMBEDDING_WITH_BIAS", "an Embedding given a bias",
       "An Embedding is a lookup table, one vector per token: it has no bias.", "embed.text.embedding",
       _on(["Embedding"], w.embedding_bias)),
    _m("FLATTEN_WRONG_PADDING", "the size after Flatten computed with the wrong padding",
       "Padding changes the output size of a convolution or pooling layer, and so the number of "
       "values Flatten passes to the next Dense layer: recompute each shape with the layer's own "
       "padding ('valid' shrinks, 'same' keeps size / strides).", "conv.cnn.dense",
       _on((*w.CONV, *w.POOLS), w.padding_flipped)),
    _m("INPUT_LAYER_COUNTED", "the Input layer given a parameter per input value",
       "keras.Input only declares the shape of the data: it has no weights.", "dense.seed.total",
       model=mm.input_layer_counted),
    _m("FROZEN_COUNTED_TRAINABLE", "a frozen layer's weights counted as trainable",
       "Setting trainable = False moves all of a layer's (or model's) weights to non-trainable.",
       "trainable.frozen.trainable", model=mm.frozen_counted_trainable),
    _m("TOTAL_IS_TRAINABLE_ONLY", "the total given as the trainable parameters only",
       "count_params() and summary()'s total count every weight, trainable or not.",
       "trainable.frozen.total", model=mm.total_is_trainable_only),
    _m("TRAINABLE_IS_TOTAL", "the non-trainable weights counted as trainable",
       "Trainable parameters exclude the non-trainable ones (frozen layers, BatchNormalization's "
       "moving statistics).", "functional.nested.trainable", model=mm.trainable_is_total),
    _m("INPUTS_ONLY", "a Dense layer counted as its number of inputs",
       "A Dense layer has a weight for every (input, unit) pair, plus its biases; the input size "
       "alone is only one factor.", "dense.seed.layer1", _on(["Dense"], w.dense_inputs_only)),
    _m("UNITS_ONLY", "a Dense layer counted as its number of units",
       "A Dense layer has a weight for every (input, unit) pair, plus its biases; the number of "
       "units alone is only one factor.", "dense.seed.layer1", _on(["Dense"], w.dense_units_only)),
    _m("BIAS_PER_INPUT", "one bias per input instead of one per unit",
       "A layer has one bias per output unit (per filter), added after the weighted sum; not one per input.",
       "dense.seed.layer1", _on(["Dense"], w.dense_bias_per_input)),
    _m("LAYER_LEFT_OUT", "a layer with weights left out of the sum",
       "Every layer that holds weights adds to the count: normalization layers, the output layer and "
       "the layers inside wrappers and nested models too.", "trainable.bn.trainable",
       model=mm.layer_left_out, example_layer="batch_norm"),
    _m("BIAS_MISSING", "the biases forgotten",
       "Each unit (filter, gate) also has a bias, unless use_bias=False.", "dense.seed.layer1",
       _on(_BIASED, w.without_bias)),
)


def by_code(code: str) -> Mistake:
    """The catalogue entry with this code."""
    for mistake in CATALOGUE:
        if mistake.code == code:
            return mistake
    raise KeyError(f"no misconception with code {code!r}")


def diagnose(config: dict, asks: str, answer: int, right: ModelCount | None = None) -> Diagnosis | None:
    """The most specific misconception whose wrong formula gives ``answer``, made in every
    layer it concerns or in a single one (then named), if any."""
    right = right or count(config)
    for mistake in CATALOGUE:
        for layer, number in mistake.numbers(config, asks, right):
            if number == answer:
                return Diagnosis(mistake, layer)
    return None


@dataclass(frozen=True)
class Diagnosis:
    """A misconception found in an answer, and the one layer it was made in (None: all of them)."""

    mistake: Mistake
    layer: str | None = None
