"""Layers as data, drawn so that each one can take the shape it receives.

A :class:`LayerSpec` is a Keras class name with its constructor arguments; no Keras is
imported here. Each rank of input has a table of layers that accept it; the output shape
is tracked with the reference counter's own shape inference, and the live tests check
those shapes against Keras's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

from autograder import reference
from autograder.errors import ShapeError

__all__ = ["LayerSpec", "input_shapes", "maybe_frozen", "next_layer", "output_shape", "units"]

Shape = tuple  # without the batch dimension

@dataclass(frozen=True)
class LayerSpec:
    """A Keras layer as data: ``getattr(keras.layers, class_name)(**kwargs)``."""

    class_name: str
    kwargs: dict = field(default_factory=dict)

    def config(self) -> dict:
        """The layer's config as the reference counter reads it (wrapped layers nested)."""
        return {k: _serialized(v) for k, v in self.kwargs.items()}


def _serialized(value):
    if isinstance(value, LayerSpec):
        return {"class_name": value.class_name, "config": value.config()}
    if isinstance(value, list):
        return [_serialized(v) for v in value]
    return value



def output_shape(spec: LayerSpec, *shapes: Shape) -> Shape | None:
    """The shape ``spec`` gives on these inputs, or None if it cannot take them (or collapses a dim)."""
    try:
        out = reference.count_layer(spec.class_name, spec.config(), *[(None, *s) for s in shapes])
    except ShapeError:
        return None
    shape = tuple(out.output_shape[1:])
    return shape if all(d is not None and 1 <= d <= 64 for d in shape) else None


def units() -> st.SearchStrategy[int]:
    return st.integers(1, 6)


def _divisor(draw, n: int) -> int:
    return draw(st.sampled_from([g for g in range(1, n + 1) if n % g == 0]))


def _flags(draw, *names: str) -> dict:
    return {name: draw(st.booleans()) for name in names}


def _spec(name: str, **kwargs) -> LayerSpec:
    return LayerSpec(name, kwargs)


# Each table maps a choice to ``make(draw, shape) -> LayerSpec``; the shape has no batch axis.
_ANY_RANK = {
    "Dense": lambda draw, s: _spec("Dense", units=draw(units()), **_flags(draw, "use_bias"),
                                   lora_rank=draw(st.sampled_from([None, None, 1, 2]))),
    "BatchNormalization": lambda draw, s: _spec("BatchNormalization", **_flags(draw, "center", "scale")),
    "LayerNormalization": lambda draw, s: _spec("LayerNormalization",
                                                **_flags(draw, "center", "scale", "rms_scaling")),
    "GroupNormalization": lambda draw, s: _spec("GroupNormalization", groups=_divisor(draw, s[-1]),
                                                **_flags(draw, "center")),
    "PReLU": lambda draw, s: _spec("PReLU", shared_axes=sorted(draw(st.lists(
        st.integers(1, len(s)), unique=True, max_size=len(s)))) or None),
    "EinsumDense": lambda draw, s: _einsum_dense(draw(units()), s, draw(st.booleans())),
    "SpectralNormalization": lambda draw, s: _spec("SpectralNormalization",
                                                   layer=_spec("Dense", units=draw(units()))),
    "Activation": lambda draw, s: _spec("Activation", activation=draw(
        st.sampled_from(["relu", "tanh", "gelu"]))),
    "Dropout": lambda draw, s: _spec("Dropout", rate=0.1),
    "ZeroParam": lambda draw, s: _spec(_pick(draw, "ReLU", "LeakyReLU", "ELU", "Softmax", "Identity")),
    "UnitNormalization": lambda draw, s: _spec("UnitNormalization"),
    "RMSNormalization": lambda draw, s: _spec("RMSNormalization"),
    "Normalization": lambda draw, s: _spec("Normalization"),
}


def _einsum_dense(out: int, shape: Shape, bias: bool) -> LayerSpec:
    letters = "bcdef"[:len(shape) - 1]
    return _spec("EinsumDense", equation=f"a{letters}z,zy->a{letters}y",
                 output_shape=[*shape[:-1], out], bias_axes="y" if bias else None)


_RANK1 = {
    "RepeatVector": lambda draw, s: _spec("RepeatVector", n=draw(st.integers(1, 4))),
    "Reshape": lambda draw, s: _reshape_1d(_divisor(draw, s[0]), s[0]),
}


def _reshape_1d(a: int, d: int) -> LayerSpec:
    return _spec("Reshape", target_shape=[a, d // a])


_RNN = ["SimpleRNN", "LSTM", "GRU"]


def _rnn(draw, shape: Shape = ()) -> LayerSpec:
    if draw(st.integers(0, 3)) == 0:  # RNN(cell) or RNN(StackedRNNCells([...]))
        cells = [_rnn_cell(draw) for _ in range(draw(st.integers(1, 2)))]
        cell = cells[0] if len(cells) == 1 else _spec("StackedRNNCells", cells=cells)
        return _spec("RNN", cell=cell, return_sequences=draw(st.booleans()))
    kind = draw(st.sampled_from(_RNN))
    kwargs = {"units": draw(units()), **_flags(draw, "return_sequences", "use_bias")}
    if kind == "GRU":
        kwargs.update(_flags(draw, "reset_after"))
    return LayerSpec(kind, kwargs)


def _rnn_cell(draw) -> LayerSpec:
    return _spec(f"{draw(st.sampled_from(_RNN))}Cell", units=draw(units()), **_flags(draw, "use_bias"))


def _conv(draw, length: int, **kwargs) -> dict:
    """Kernel, padding, strides (or dilation: Keras refuses both) and bias for an axis of ``length``."""
    strides, dilation = draw(st.sampled_from([(1, 1), (1, 1), (2, 1), (1, 2)]))
    return {"kernel_size": draw(st.integers(1, max(1, min(3, length)))),
            "padding": draw(st.sampled_from(["valid", "same"])), "strides": strides,
            "dilation_rate": dilation, **_flags(draw, "use_bias"), **kwargs}


def _grouped(draw, name: str, channels: int, length: int) -> LayerSpec:
    groups = _divisor(draw, channels)
    return LayerSpec(name, _conv(draw, length, groups=groups, filters=groups * draw(st.integers(1, 3))))


def _pick(draw, *names: str) -> str:
    return draw(st.sampled_from(names))


_RANK2 = {
    "Conv1D": lambda draw, s: _grouped(draw, "Conv1D", s[1], s[0]),
    "Conv1DTranspose": lambda draw, s: _spec("Conv1DTranspose", **_conv(draw, s[0], filters=draw(units()))),
    "SeparableConv1D": lambda draw, s: _spec("SeparableConv1D", **_conv(
        draw, s[0], filters=draw(units()), depth_multiplier=draw(st.integers(1, 2)))),
    "DepthwiseConv1D": lambda draw, s: _spec("DepthwiseConv1D", **_conv(
        draw, s[0], depth_multiplier=draw(st.integers(1, 2)))),
    "Pool1D": lambda draw, s: _spec(_pick(draw, "MaxPooling1D", "AveragePooling1D"),
                                    pool_size=draw(st.integers(1, min(2, s[0])))),
    "GlobalPool1D": lambda draw, s: _spec(_pick(draw, "GlobalMaxPooling1D", "GlobalAveragePooling1D")),
    "RNN": _rnn,
    "Bidirectional": lambda draw, s: _spec("Bidirectional", layer=_rnn(draw),
                                           merge_mode=_pick(draw, "concat", "sum")),
    "TimeDistributed": lambda draw, s: _spec("TimeDistributed", layer=_spec("Dense", units=draw(units()))),
    "Flatten": lambda draw, s: _spec("Flatten"),
    "Permute": lambda draw, s: _spec("Permute", dims=[2, 1]),
    "ZeroPadding1D": lambda draw, s: _spec("ZeroPadding1D", padding=draw(st.integers(0, 2))),
    "Cropping1D": lambda draw, s: _spec("Cropping1D", cropping=[draw(st.integers(0, 1)),
                                                                draw(st.integers(0, 1))]),
    "UpSampling1D": lambda draw, s: _spec("UpSampling1D", size=2),
}

_RANK3 = {
    "Conv2D": lambda draw, s: _grouped(draw, "Conv2D", s[2], min(s[:2])),
    "Conv2DFirst": lambda draw, s: _spec("Conv2D", **_conv(  # channels_first: C is the first axis
        draw, min(s[1:]), filters=draw(units()), data_format="channels_first")),
    "Conv2DTranspose": lambda draw, s: _spec("Conv2DTranspose", **_conv(
        draw, min(s[:2]), filters=draw(units()))),
    "SeparableConv2D": lambda draw, s: _spec("SeparableConv2D", **_conv(
        draw, min(s[:2]), filters=draw(units()))),
    "DepthwiseConv2D": lambda draw, s: _spec("DepthwiseConv2D", **_conv(
        draw, min(s[:2]), depth_multiplier=draw(st.integers(1, 2)))),
    "ConvLSTM1D": lambda draw, s: _spec("ConvLSTM1D", filters=draw(units()), padding="same",
                                        kernel_size=draw(st.integers(1, 2)),
                                        **_flags(draw, "return_sequences")),
    "Pool2D": lambda draw, s: _spec(_pick(draw, "MaxPooling2D", "AveragePooling2D"),
                                    pool_size=draw(st.integers(1, min(2, *s[:2])))),
    "GlobalPool2D": lambda draw, s: _spec(_pick(draw, "GlobalMaxPooling2D", "GlobalAveragePooling2D")),
    "ZeroPadding2D": lambda draw, s: _spec("ZeroPadding2D", padding=draw(st.integers(0, 1))),
    "Cropping2D": lambda draw, s: _spec("Cropping2D", cropping=draw(st.integers(0, 1))),
    "UpSampling2D": lambda draw, s: _spec("UpSampling2D", size=2),
    "Reshape": lambda draw, s: _spec("Reshape", target_shape=[s[0] * s[1], s[2]]),
    "SpatialDropout2D": lambda draw, s: _spec("SpatialDropout2D", rate=0.1),
    "Flatten": lambda draw, s: _spec("Flatten"),
}

_RANK4 = {
    "Conv3D": lambda draw, s: _spec(_pick(draw, "Conv3D", "Conv3DTranspose"), filters=draw(units()),
                                    kernel_size=draw(st.integers(1, min(2, *s[:3]))),
                                    **_flags(draw, "use_bias")),
    "ConvLSTM2D": lambda draw, s: _spec("ConvLSTM2D", filters=draw(units()), padding="same",
                                        kernel_size=draw(st.integers(1, 2))),
    "Conv3DFirst": lambda draw, s: _spec("Conv3D", filters=draw(units()), data_format="channels_first",
                                         kernel_size=draw(st.integers(1, min(2, *s[1:])))),
    "Pool3D": lambda draw, s: _spec(_pick(draw, "MaxPooling3D", "AveragePooling3D"),
                                    pool_size=draw(st.integers(1, min(2, *s[:3])))),
    "GlobalPool3D": lambda draw, s: _spec(_pick(draw, "GlobalAveragePooling3D", "GlobalMaxPooling3D")),
    "Cropping3D": lambda draw, s: _spec("Cropping3D", cropping=draw(st.integers(0, 1))),
    "UpSampling3D": lambda draw, s: _spec("UpSampling3D", size=2),
    "ZeroPadding3D": lambda draw, s: _spec("ZeroPadding3D", padding=1),
    "Flatten": lambda draw, s: _spec("Flatten"),
}


@st.composite
def _from_table(draw, table: dict, shape: Shape) -> LayerSpec:
    return table[draw(st.sampled_from(sorted(table)))](draw, shape)


_BY_RANK = {1: _RANK1, 2: _RANK2, 3: _RANK3, 4: _RANK4}
_SAFE = LayerSpec("Activation", {"activation": "relu"})


@st.composite
def next_layer(draw, shape: Shape) -> tuple[LayerSpec, Shape]:
    """One layer that can take ``shape``, from any family that accepts this rank, and its output."""
    family = _BY_RANK.get(len(shape))
    table = family if family and draw(st.integers(0, 2)) else _ANY_RANK
    spec = draw(_from_table(table, shape))
    out = output_shape(spec, shape)
    if out is None or (len(out) > 1 and max(out) > 16):
        return _SAFE, shape  # this draw would not fit: keep the shape
    return spec, out


def input_shapes() -> st.SearchStrategy[Shape]:
    """A small input shape of rank 1 to 4 (no batch dimension)."""
    dim = st.integers(1, 6)
    return st.one_of(st.tuples(dim), st.tuples(st.integers(2, 6), dim),
                     st.tuples(st.integers(2, 6), st.integers(2, 6), dim),
                     st.tuples(st.integers(2, 4), st.integers(2, 4), st.integers(2, 4), dim))


_NEVER_FROZEN = {"Bidirectional", "TimeDistributed", "SpectralNormalization", "RNN",
                 "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D",  # see maybe_frozen
                 "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"}  # no trainable=


@st.composite
def maybe_frozen(draw, spec: LayerSpec) -> LayerSpec:
    """Now and then the same layer with ``trainable=False``: all its weights non-trainable.

    Not for wrappers and ConvLSTM: Keras builds their inner layer (or cell) with trainable
    variables even then, so ``model.trainable_weights`` still holds them while
    ``layer.trainable_weights`` is empty: Keras's own model and layer splits disagree."""
    if spec.class_name not in _NEVER_FROZEN and draw(st.integers(0, 7)) == 0:
        return LayerSpec(spec.class_name, {**spec.kwargs, "trainable": False})
    return spec

