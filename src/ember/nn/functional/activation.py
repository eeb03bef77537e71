"""Activation functions, as `torch.nn.functional` spells them.

relu, sigmoid, tanh, softplus, softmax and log_softmax are ember's primitive ops; the others are
the fused nodes of `ember/ops/activation.py`, applied here.

`inplace=True` overwrites the input, as torch's does: allowed on tensors that are not leaves
requiring grad (the graph then records the activation on a copy of the old values).
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable, Optional

import numpy as np

from ... import ops
from ..._tensor import Tensor
from ...ops.activation import Elu, Gelu, Hardtanh, LeakyRelu, Mish, Silu
from ...ops.inplace import _inplace

__all__ = [
    "elu", "gelu", "hardtanh", "leaky_relu", "log_softmax", "mish", "relu", "relu6", "selu", "sigmoid",
    "silu", "softmax", "softplus", "tanh",
]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _maybe_inplace(input: Tensor, inplace: bool, fn: Callable[[Tensor], Tensor]) -> Tensor:
    return _inplace(input, fn) if inplace else fn(input)


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
    """x clipped to [min_val, max_val]; an integer x keeps its dtype, the bounds cut toward zero
    to integers first (as torch: hardtanh(int, -0.5, 0.5) is 0 everywhere)."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if not input.is_floating_point():
        min_val, max_val = _integer_bounds(input, min_val, max_val)
    return _maybe_inplace(input, inplace, lambda x: Hardtanh.apply(x, min_val, max_val))


def _integer_bounds(input: Tensor, min_val: float, max_val: float) -> tuple[int, int]:
    """hardtanh's bounds for an integer input, with torch's checks: no bools, no negative bound
    for an unsigned dtype, each bound within the dtype's range."""
    kind = input._data.dtype
    if kind == bool:
        raise RuntimeError("Bool inputs not supported for hardtanh; convert the input with .long() first")
    info = np.iinfo(kind)
    if not all(math.isfinite(v) and info.min <= math.trunc(v) <= info.max for v in (min_val, max_val)):
        if kind.kind == "u" and min_val <= -1:
            raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")
        raise RuntimeError(
            f"value cannot be converted to type {input.dtype.name} without overflow: hardtanh's bounds "
            f"({min_val}, {max_val}) must lie within [{info.min}, {info.max}]"
        )
    return math.trunc(min_val), math.trunc(max_val)


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
