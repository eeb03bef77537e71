"""Activation functions, as `torch.nn.functional` spells them.

relu, sigmoid, tanh, softplus, softmax and log_softmax are ember's primitive ops. The others
are fused here, one node each, because their compositions would cost three to five ops in each
direction (and, for elu, a where() whose untaken branch overflows to a nan gradient). Each
backward is written with Tensor ops, so it can be differentiated again.

`inplace=True` overwrites the input, as torch's does: allowed on tensors that are not leaves
requiring grad (the graph then records the activation on a copy of the old values).
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable, Optional

import numpy as np

from ... import ops
from ..._special import ndtr
from ..._tensor import Tensor
from ...autograd.function import Function
from ...ops.inplace import _inplace

__all__ = [
    "elu", "gelu", "hardtanh", "leaky_relu", "log_softmax", "mish", "relu", "relu6", "selu", "sigmoid",
    "silu", "softmax", "softplus", "tanh",
]

_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


def _maybe_inplace(input: Tensor, inplace: bool, fn: Callable[[Tensor], Tensor]) -> Tensor:
    return _inplace(input, fn) if inplace else fn(input)


class LeakyRelu(Function):
    """x where x > 0, else slope x;  d/dx = 1 where x > 0, else slope."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, slope):
        ctx.save_for_backward(x)
        ctx.slope = slope
        return np.where(x > 0, x, x * slope)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return ops.where(x > 0, grad, grad * ctx.slope), None


class Elu(Function):
    """scale * x where x > 0, else scale * alpha * (e^(input_scale x) - 1);
    d/dx = scale where x > 0, else scale * alpha * input_scale * e^(input_scale x).
    SELU is this with torch's fixed alpha and scale."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, alpha, scale, input_scale):
        ctx.save_for_backward(x)
        ctx.coefs = alpha, scale, input_scale
        negative = np.expm1(np.minimum(x, 0) * input_scale) * (alpha * scale)
        return np.where(x > 0, x * scale, negative).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        alpha, scale, input_scale = ctx.coefs
        slope = (x.clamp(max=0) * input_scale).exp() * (alpha * scale * input_scale)
        return ops.where(x > 0, grad * scale, grad * slope), None, None, None


class NormalCdf(Function):
    """Phi(x), the standard normal CDF;  d/dx = phi(x) = e^(-x^2/2) / sqrt(2 pi)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ndtr(x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (-0.5 * x * x).exp() * _INV_SQRT_2PI


class Gelu(Function):
    """x Phi(x), Phi the standard normal CDF;  d/dx = Phi(x) + x phi(x).
    approximate='tanh': 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3);
    d/dx = 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) sqrt(2/pi) (1 + 3 * 0.044715 x^2)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, approximate):
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        if approximate == "tanh":
            return 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x**3)))
        with np.errstate(invalid="ignore"):  # -inf * Phi(-inf) = -inf * 0: nan, as torch gives
            return (x * ndtr(x)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        if ctx.approximate == "tanh":
            t = ((x + 0.044715 * x**3) * _SQRT_2_OVER_PI).tanh()
            slope = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)
        else:
            slope = NormalCdf.apply(x) + x * (-0.5 * x * x).exp() * _INV_SQRT_2PI
        return grad * slope, None


class Silu(Function):
    """x sigmoid(x);  d/dx = s (1 + x (1 - s)), s = sigmoid(x)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(over="ignore"):
            return x / (1 + np.exp(-x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        s = x.sigmoid()
        return grad * s * (1 + x * (1 - s))


class Mish(Function):
    """x tanh(softplus(x));  d/dx = t + x sigmoid(x) (1 - t^2), t = tanh(softplus(x))."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * np.tanh(np.logaddexp(0, x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        t = ops.softplus(x).tanh()
        return grad * (t + x * x.sigmoid() * (1 - t * t))


class Hardtanh(Function):
    """x clipped to [lo, hi];  d/dx = 1 strictly inside, 0 elsewhere (torch's rule, also at
    the bounds, where clamp's gradient would be 1)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x)
        ctx.bounds = lo, hi
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        lo, hi = ctx.bounds
        return grad * ((x > lo) & (x < hi)), None, None


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(0, x)."""
    return input.relu_() if inplace else ops.relu(input)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(0, x), 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x where x > 0, else negative_slope * x."""
    return _maybe_inplace(input, inplace, lambda x: LeakyRelu.apply(x, negative_slope))


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x where x > 0, else alpha (e^x - 1)."""
    return _maybe_inplace(input, inplace, lambda x: Elu.apply(x, alpha, 1.0, 1.0))


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with alpha = 1.6733 and scale = 1.0507 (self-normalising)."""
    return _maybe_inplace(input, inplace, lambda x: Elu.apply(x, _SELU_ALPHA, _SELU_SCALE, 1.0))


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x Phi(x) (exact, with erf) or its tanh approximation (`approximate='tanh'`)."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return Gelu.apply(input, approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x sigmoid(x) (also called swish)."""
    return _maybe_inplace(input, inplace, Silu.apply)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x tanh(softplus(x))."""
    return _maybe_inplace(input, inplace, Mish.apply)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e^(beta x)) / beta, and x itself where beta x > threshold."""
    return ops.softplus(input, beta, threshold)


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + e^-x)."""
    return ops.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    return ops.tanh(input)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """x clipped to [min_val, max_val]."""
    return _maybe_inplace(input, inplace, lambda x: Hardtanh.apply(x, min_val, max_val))


def _softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an argument.",
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: Optional[int] = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """e^(x_i) / sum_j e^(x_j) along `dim` (cast to `dtype` first if given)."""
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim, _stacklevel)
    return ops.softmax(input, dim, dtype)


def log_softmax(input: Tensor, dim: Optional[int] = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """x_i - log sum_j e^(x_j) along `dim`, computed stably (never log of a softmax)."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim, _stacklevel)
    return ops.log_softmax(input, dim, dtype)
