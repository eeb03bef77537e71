"""The remaining rectifier-like activations of `torch.nn.functional`: hardswish, hardsigmoid,
logsigmoid, celu, prelu (learned slope), rrelu (random slope), glu (gated halves) and softmin.

    >>> F.hardsigmoid(ember.tensor([-4.0, 0.0, 1.5]))
    tensor([0.0000, 0.5000, 0.7500])

rrelu's slopes in training come from ember's generator (`ember.manual_seed`): reproducible, but
not torch's random stream.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ... import _random, ops
from ..._tensor import Tensor
from ...ops.activation import Elu
from ...ops.saturating import Hardsigmoid, Hardswish, LogSigmoid
from .activation import _maybe_inplace, _softmax_dim, leaky_relu

__all__ = ["celu", "glu", "hardsigmoid", "hardswish", "logsigmoid", "prelu", "rrelu", "softmin"]


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x relu6(x + 3) / 6;  d/dx = 0 where x <= -3, x/3 + 1/2 on (-3, 3), 1 where x >= 3."""
    return _maybe_inplace(input, inplace, Hardswish.apply)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6;  d/dx = 1/6 (torch's float32 1/6) strictly inside (-3, 3), else 0."""
    return _maybe_inplace(input, inplace, Hardsigmoid.apply)


def logsigmoid(input: Tensor) -> Tensor:
    """log sigmoid(x) = min(x, 0) - log(1 + e^-|x|);  d/dx = sigmoid(-x)."""
    return LogSigmoid.apply(input)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha (e^(x/alpha) - 1));  d/dx = 1 where x > 0, else e^(x/alpha)."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _maybe_inplace(input, inplace, lambda x: Elu.apply(x, alpha, 1.0, 1.0 / alpha))


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x where x > 0, else a x, with one slope a per channel (dim 1) or one shared;
    d/dx = 1 where x > 0, else a;  d/da = sum of x over the entries of its channel with x <= 0."""
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}")
    count = weight.numel()
    if count != 1:
        channels = input.shape[1] if input.ndim > 1 else 1
        if channels != count:
            raise RuntimeError(
                "Mismatch of parameter numbers and input channel size. "
                f"Found parameter numbers = {count} and channel size = {channels}."
            )
    if input.ndim > 1:
        weight = weight.reshape([-1] + [1] * (input.ndim - 2))
    elif weight.ndim:
        weight = weight.reshape(())
    return ops.where(input > 0, input, weight * input)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False, *, generator: Optional[_random.Generator] = None) -> Tensor:
    """Leaky ReLU whose slope is drawn uniformly from [lower, upper] per element where x <= 0 in
    training, and is (lower + upper) / 2 in evaluation;  d/dx = 1 where x > 0, else the slope."""
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    data = input._data
    rng = (generator or _random.default_generator).numpy
    slopes = rng.uniform(lower, upper, data.shape).astype(data.dtype, copy=False)
    noise = input._make(np.where(data <= 0, slopes, data.dtype.type(1)), False, None)
    return input.mul_(noise) if inplace else input * noise


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a sigmoid(b), a and b the two halves of `input` along `dim`;
    d/da = sigmoid(b),  d/db = a sigmoid(b) (1 - sigmoid(b))."""
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    size = input.shape[dim]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {dim % input.ndim} is size {size}")
    a, b = input.chunk(2, dim)
    return a * b.sigmoid()


def softmin(input: Tensor, dim: Optional[int] = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """softmax(-x) along `dim`: e^(-x_i) / sum_j e^(-x_j)."""
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim, _stacklevel)
    return ops.softmax(-input, dim, dtype)
