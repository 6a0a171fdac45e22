"""Linear algebra and Fourier ops (``keras.ops.linalg``, ``keras.ops.fft``…) whose outputs are new matrices or
several tensors: ``pinv``, ``eigh``, ``qr``, ``cdist``, the FFTs, ``view_as_real``; and a few ops that build
new axes from settings (``vander``, ``scatter``, ``select``, ``correlate``, ``ndim``).
"""

from __future__ import annotations

from ...errors import ShapeError
from .._registry import Call
from ._base import Shape, arg, broadcast_shapes, operation, tensor_arg, value_shape

__all__: list[str] = []


@operation("Pinv")
def _pinv(config: dict, call: Call) -> Shape:
    """The pseudo-inverse of an (m, n) matrix is (n, m)."""
    shape = tensor_arg(call)
    return (*shape[:-2], shape[-1], shape[-2])


@operation("Eigh")
def _eigh(config: dict, call: Call) -> list:
    """Eigenvalues (one per row) and eigenvectors (a square matrix)."""
    shape = tensor_arg(call)
    return [shape[:-1], shape]


@operation("Qr")
def _qr(config: dict, call: Call) -> list:
    shape = tensor_arg(call)
    m, n = shape[-2], shape[-1]
    if m is None or n is None:
        raise ShapeError(f"qr needs the last two axes known, got shape {shape}")
    k = min(m, n)
    if config.get("mode", "reduced") == "reduced":
        return [(*shape[:-2], m, k), (*shape[:-2], k, n)]
    return [(*shape[:-2], m, m), (*shape[:-2], m, n)]


@operation("CDist")
def _cdist(config: dict, call: Call) -> Shape:
    """Distances between every row of x and every row of y (leading axes broadcast)."""
    x, y = tensor_arg(call, 0, "x"), tensor_arg(call, 1, "y")
    return (*broadcast_shapes(x[:-2], y[:-2]), x[-2], y[-2])


@operation("FFT", "FFT2", "IFFT2")
def _fft(config: dict, call: Call) -> list:
    """A complex transform of a (real, imaginary) pair: a pair of the same shapes."""
    real, imag = (value_shape(part) for part in arg(call, 0, "x"))
    return [real, imag]


@operation("RFFT")
def _rfft(config: dict, call: Call) -> list:
    """The real FFT keeps ``n // 2 + 1`` frequencies of the last axis, as a (real, imaginary) pair."""
    shape, length = tensor_arg(call), config.get("fft_length")
    last = length // 2 + 1 if length is not None else None if shape[-1] is None else shape[-1] // 2 + 1
    return [(*shape[:-1], last)] * 2


@operation("ViewAsReal")
def _view_as_real(config: dict, call: Call) -> Shape:
    return (*tensor_arg(call), 2)


@operation("ViewAsComplex")
def _view_as_complex(config: dict, call: Call) -> Shape:
    return tensor_arg(call)[:-1]


@operation("Vander")
def _vander(config: dict, call: Call) -> Shape:
    shape = tensor_arg(call)
    return (*shape, config.get("N") or shape[0])


@operation("Scatter")
def _scatter(config: dict, call: Call) -> Shape:
    return tuple(config["shape"])


@operation("Select")
def _select(config: dict, call: Call) -> Shape:
    """``select(conditions, choices)``: the first choice's shape."""
    return value_shape(arg(call, 1, "choicelist")[0])


@operation("Ndim")
def _ndim(config: dict, call: Call) -> Shape:
    """Keras gives the rank as a tensor of shape (rank,)."""
    return (len(tensor_arg(call)),)


@operation("Correlate")
def _correlate(config: dict, call: Call) -> Shape:
    """The cross-correlation of two 1-D signals; its length depends on ``mode``."""
    (a,), (b,) = tensor_arg(call, 0, "x1"), tensor_arg(call, 1, "x2")
    mode = config.get("mode", "valid")
    if a is None or b is None:
        return (None,)
    return ({"same": max(a, b), "full": a + b - 1}.get(mode, max(a, b) - min(a, b) + 1),)
