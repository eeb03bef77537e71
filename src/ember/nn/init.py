"""ember.nn.init: weight initialisers with torch's names, formulas and gains.

Each fills a tensor in place under no_grad (so it works on Parameters) and returns it. Random
ones draw from ember's default generator, or from `generator=` where torch takes one.

The scaled initialisers keep the variance of activations (or of gradients) steady through
depth. With fan_in = size(1) * receptive field and fan_out = size(0) * receptive field:
    xavier:  std = gain * sqrt(2 / (fan_in + fan_out))
    kaiming: std = gain / sqrt(fan),  fan = fan_in or fan_out by `mode`
and a uniform draw on [-sqrt(3) std, sqrt(3) std] has that std.
"""

from __future__ import annotations

import math
import warnings
from typing import Optional

import numpy as np

from .._random import Generator, default_generator
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad

__all__ = [
    "calculate_gain", "constant_", "eye_", "kaiming_normal_", "kaiming_uniform_", "normal_", "ones_",
    "orthogonal_", "trunc_normal_", "uniform_", "xavier_normal_", "xavier_uniform_", "zeros_",
]

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")


def calculate_gain(nonlinearity: str, param: Optional[float] = None) -> float:
    """The factor that keeps activations' variance through `nonlinearity`: 1 for linear and
    sigmoid, 5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + slope^2)) for leaky_relu (slope
    `param`, default 0.01), 3/4 for selu."""
    if nonlinearity in _LINEAR or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shaped (out, in, *kernel): in and out times the kernel's size."""
    if tensor.ndim < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _rng(generator: Optional[Generator]) -> np.random.Generator:
    return (generator or default_generator).numpy


def _fill(tensor: Tensor, values: np.ndarray) -> Tensor:
    """tensor <- values (cast to its dtype), in place and unrecorded."""
    with no_grad():
        return tensor.copy_(Tensor._make(np.asarray(values), False, None))


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Optional[Generator] = None) -> Tensor:
    """Fill with draws from U(a, b)."""
    return _fill(tensor, _rng(generator).uniform(a, b, tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Optional[Generator] = None) -> Tensor:
    """Fill with draws from N(mean, std^2)."""
    return _fill(tensor, _rng(generator).normal(mean, std, tensor.shape))


def _normal_mass(mean: float, std: float, a: float, b: float) -> float:
    """P(a <= X <= b) for X ~ N(mean, std^2)."""
    if std <= 0:
        return float(a <= mean <= b)
    z = lambda v: (v - mean) / (std * math.sqrt(2.0))  # noqa: E731
    return 0.5 * (math.erf(z(b)) - math.erf(z(a)))


def trunc_normal_(
    tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
    generator: Optional[Generator] = None,
) -> Tensor:
    """Fill with N(mean, std^2) conditioned on [a, b] (the bounds are absolute values, not in
    units of std). Drawn by rejection, in batches sized by the probability of [a, b], so the
    values follow the truncated normal exactly however far [a, b] lies from the mean."""
    mass = _normal_mass(mean, std, a, b)
    if mass <= 0:
        raise ValueError(f"trunc_normal_: [{a}, {b}] has no probability mass under N({mean}, {std}^2)")
    rng = _rng(generator)
    n = tensor.numel()
    kept: list[np.ndarray] = []
    found = 0
    while found < n:
        draws = rng.normal(mean, std, min(int((n - found) / mass * 1.1) + 16, 1 << 22))
        draws = draws[(draws >= a) & (draws <= b)]
        kept.append(draws)
        found += draws.size
    return _fill(tensor, np.concatenate(kept)[:n].reshape(tensor.shape))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with `val`."""
    return _fill(tensor, np.asarray(val))


def ones_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 1.0)


def zeros_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 0.0)


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity (ones on the main diagonal of a rectangle)."""
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _fill(tensor, np.eye(*tensor.shape))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Optional[Generator] = None) -> Tensor:
    """Glorot & Bengio (2010): U(-r, r) with r = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = math.sqrt(3.0) * gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Optional[Generator] = None) -> Tensor:
    """Glorot & Bengio (2010): N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> Optional[float]:
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return None
    return calculate_gain(nonlinearity, a) / math.sqrt(_calculate_correct_fan(tensor, mode))


def kaiming_uniform_(
    tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
    generator: Optional[Generator] = None,
) -> Tensor:
    """He et al. (2015): U(-r, r) with r = sqrt(3) * gain / sqrt(fan); `a` is the negative
    slope for leaky_relu's gain (nn.Linear uses a = sqrt(5), which gives r = 1/sqrt(fan_in))."""
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    if std is None:
        return tensor
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
    generator: Optional[Generator] = None,
) -> Tensor:
    """He et al. (2015): N(0, std^2) with std = gain / sqrt(fan)."""
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    return tensor if std is None else normal_(tensor, 0.0, std, generator)


def orthogonal_(tensor: Tensor, gain: float = 1, generator: Optional[Generator] = None) -> Tensor:
    """Saxe et al. (2013): a (semi-)orthogonal matrix times `gain`, the tensor viewed as
    (size(0), rest). Q from the QR of a standard normal matrix, its columns' signs fixed by
    R's diagonal so that Q is uniform over orthogonal matrices."""
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = _rng(generator).standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, (gain * q).reshape(tensor.shape))
