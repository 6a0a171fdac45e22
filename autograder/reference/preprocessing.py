"""Preprocessing layers (``keras/src/layers/preprocessing``).

None of them is trained. Only Normalization holds weights, and only when it is to be
adapted: its mean, variance and count, all non-trainable. The others matter for their
output shapes: a lookup in ``multi_hot`` mode turns a sequence into one vector per sample.
"""

from __future__ import annotations

from ..errors import ConfigError, ShapeError
from ._axes import known_dim, normalize_axis
from ._expr import product, term, total
from ._registry import Call, Counted, apply_layer, register
from ._shapes import conv_output_length
from ._types import Derivation, LayerCount

__all__ = ["category_encoding", "normalization", "stft_spectrogram", "string_lookup", "text_vectorization"]

_IMAGE_SAME_SHAPE = (
    "AugMix", "AutoContrast", "ContrastLimitedAdaptiveHistogramEqualization", "CutMix",
    "Equalization", "MixUp", "RandAugment", "RandomBrightness", "RandomColorDegeneration",
    "RandomColorJitter", "RandomContrast", "RandomElasticTransform", "RandomErasing", "RandomFlip",
    "RandomGaussianBlur", "RandomGrayscale", "RandomHue", "RandomInvert", "RandomPerspective",
    "RandomPosterization", "RandomRotation", "RandomSaturation", "RandomSharpness", "RandomShear",
    "RandomTranslation", "RandomZoom", "Rescaling", "Solarization", "MaxNumBoundingBoxes",
)


def normalization(kept_shape: tuple, mean_given: bool = False) -> Derivation:
    """Normalization: to be adapted, it stores a mean and a variance per kept position and one
    count, none trainable; with ``mean`` and ``variance`` given in the config it stores nothing.

    >>> normalization((3,)).formula
    '2 × 3 + 1 = 7 non-trainable (mean, variance and count)'
    """
    if mean_given:
        return Derivation(note="mean and variance given as constants")
    return Derivation(None, term(2) * product(kept_shape) + 1, note="mean, variance and count")


def category_encoding() -> Derivation:
    """CategoryEncoding, Hashing, Discretization and the lookups learn nothing: 0 parameters."""
    return Derivation()


string_lookup = text_vectorization = category_encoding


@register("Normalization")
def _normalization(config: dict, call: Call) -> Counted:
    shape = call.shape
    axis = config.get("axis", -1)
    axes = () if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
    kept = sorted(normalize_axis(a, shape, "Normalization") for a in axes)
    sizes = tuple(known_dim(shape, a, "Normalization") for a in kept)
    return Counted(shape, normalization(sizes, config.get("mean") is not None))


@register(*_IMAGE_SAME_SHAPE)
def _same_shape(config: dict, call: Call) -> Counted:
    return Counted(call.shape, category_encoding())


@register("Resizing", "CenterCrop", "RandomCrop")
def _resize(config: dict, call: Call) -> Counted:
    shape = list(call.shape)
    if len(shape) not in (3, 4):
        raise ShapeError(f"expected images of rank 4 (batch, height, width, channels) or 3, "
                         f"got shape {tuple(shape)}")
    first = 1 if config.get("data_format") == "channels_first" else 0
    height = len(shape) - 3 + first
    shape[height], shape[height + 1] = config["height"], config["width"]
    return Counted(tuple(shape), category_encoding())


def encoded_shape(shape: tuple, depth: int, output_mode: str) -> tuple:
    """How Keras's encoding layers shape their output: ``int`` keeps the shape, ``one_hot``
    adds a ``depth`` axis (replacing a last axis of 1), the others replace the last axis."""
    shape = tuple(shape)
    if output_mode == "int":
        return shape
    if output_mode == "one_hot":
        return (*shape[:-1], depth) if len(shape) > 1 and shape[-1] == 1 else (*shape, depth)
    return (*shape[:-1], depth)


@register("CategoryEncoding")
def _category_encoding(config: dict, call: Call) -> Counted:
    shape, mode = tuple(call.shape), config.get("output_mode", "multi_hot")
    return Counted(encoded_shape(shape, config["num_tokens"], mode), category_encoding())


@register("Hashing")
def _hashing(config: dict, call: Call) -> Counted:
    shape, mode = tuple(call.shape), config.get("output_mode", "int")
    return Counted(shape if mode == "int" else (*shape[:-1], config["num_bins"]), category_encoding())


@register("Discretization")
def _discretization(config: dict, call: Call) -> Counted:
    shape, mode = tuple(call.shape), config.get("output_mode", "int")
    boundaries = config.get("bin_boundaries")
    depth = len(boundaries) + 1 if boundaries is not None else config.get("num_bins")
    if mode == "int":
        return Counted(shape, category_encoding())
    if mode == "one_hot":
        return Counted(encoded_shape(shape, depth, mode), category_encoding())
    return Counted((shape[0], *shape[2:], depth) if len(shape) >= 2 else (depth,), category_encoding())


def _lookup_depth(config: dict, layer: str) -> int:
    if config.get("pad_to_max_tokens") and config.get("max_tokens"):
        return config["max_tokens"]
    size = config.get("vocabulary_size")
    if size is None:
        raise ConfigError(f"{layer} in output_mode={config.get('output_mode')!r} outputs one value "
                          "per vocabulary entry, but its config has no 'vocabulary_size', so the "
                          "output width cannot be known; save the config with model.to_json() after "
                          "adapt() or with a vocabulary, or set pad_to_max_tokens=True and max_tokens")
    return size


def _lookup_rule(layer: str):
    def rule(config: dict, call: Call) -> Counted:
        mode = config.get("output_mode", "int")
        if mode == "int":
            return Counted(tuple(call.shape), string_lookup())
        return Counted(encoded_shape(call.shape, _lookup_depth(config, layer), mode), string_lookup())
    return rule


register("StringLookup")(_lookup_rule("StringLookup"))
register("IntegerLookup")(_lookup_rule("IntegerLookup"))


@register("TextVectorization")
def _text_vectorization(config: dict, call: Call) -> Counted:
    shape, mode = tuple(call.shape), config.get("output_mode", "int")
    if mode == "int":
        return Counted((shape[0], config.get("output_sequence_length")), text_vectorization())
    if config.get("split", "whitespace") is not None:
        shape = (*shape, None)  # split adds a tokens axis
    elif len(shape) <= 1:
        shape = (*shape, 1)
    return Counted(encoded_shape(shape, _lookup_depth(config, "TextVectorization"), mode),
                   text_vectorization())


@register("HashedCrossing")
def _hashed_crossing(config: dict, call: Call) -> Counted:
    shapes = call.shapes
    if len(shapes) != 2:
        raise ShapeError(f"HashedCrossing crosses exactly 2 inputs, got {len(shapes)}; "
                         "call it on a tuple (a, b)")
    shape, mode, bins = tuple(shapes[0]), config.get("output_mode", "int"), config["num_bins"]
    if mode == "int":
        return Counted(shape, category_encoding())
    if mode == "one_hot" and shape[-1] != 1:
        return Counted((*shape, bins), category_encoding())
    return Counted((*shape[:-1], bins), category_encoding())


@register("MelSpectrogram")
def _mel_spectrogram(config: dict, call: Call) -> Counted:
    shape = tuple(call.shape)
    stride, bins = config.get("sequence_stride", 512), config.get("num_mel_bins", 128)
    length = shape[0] if len(shape) == 1 else shape[1]
    frames = None if length is None else (length + stride + 1) // stride
    return Counted((bins, frames) if len(shape) == 1 else (shape[0], bins, frames), category_encoding())


@register("Pipeline")
def _pipeline(config: dict, call: Call) -> Counted:
    """A Pipeline applies its layers in turn and owns their weights."""
    shape, children, parts = tuple(call.shape), [], []
    for layer in config.get("layers", []):
        counted = apply_layer(layer, Call.on(shape))
        name = (layer.get("config") or {}).get("name", layer["class_name"])
        children.append(LayerCount(name, layer["class_name"], counted.output, counted.derivation))
        parts.append(counted.derivation)
        shape = counted.output
    return Counted(shape, _sum_derivations(parts), tuple(children))


def _sum_derivations(parts: list[Derivation]) -> Derivation:
    trainable = [p.trainable for p in parts if p.trainable and not p.frozen]
    fixed = [e for p in parts for e in (p.non_trainable, p.trainable if p.frozen else None) if e]
    return Derivation(total(trainable) if trainable else None, total(fixed) if fixed else None)


def stft_spectrogram(frame_length: int = 256, fft_length: int | None = None,
                     mode: str = "log") -> Derivation:
    """STFTSpectrogram: a convolution kernel of ``frame_length × (fft_length / 2 + 1)`` for the
    real part and one for the imaginary part (only one in ``real`` or ``imag`` mode).

    >>> stft_spectrogram(frame_length=100).formula
    '2 × 100 × 65 = 13,000'
    """
    fft = fft_length or 2 ** (frame_length - 1).bit_length()
    kernel = term(frame_length) * term(fft // 2 + 1)
    return Derivation(kernel if mode in ("real", "imag") else term(2) * kernel)


@register("STFTSpectrogram")
def _stft_spectrogram(config: dict, call: Call) -> Counted:
    shape, length = tuple(call.shape), config.get("frame_length", 256)
    if len(shape) != 3:
        raise ShapeError(f"STFTSpectrogram expects (batch, time, channels) audio, got shape {shape}")
    first = config.get("data_format") == "channels_first"
    channels, time = (shape[1], shape[2]) if first else (shape[2], shape[1])
    derivation = stft_spectrogram(length, config.get("fft_length"), config.get("mode", "log"))
    fft = config.get("fft_length") or 2 ** (length - 1).bit_length()
    freq = (fft // 2 + 1) * (2 if config.get("mode", "log") == "stft" else 1)
    frames = conv_output_length(time, length, config.get("frame_step") or length // 2,
                                config.get("padding", "valid"))
    if config.get("expand_dims", False):
        return Counted((shape[0], channels, frames, freq) if first else (shape[0], frames, freq, channels),
                       derivation)
    flat = None if channels is None else freq * channels
    return Counted((shape[0], flat, frames) if first else (shape[0], frames, flat), derivation)
