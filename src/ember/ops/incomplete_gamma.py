"""The regularized incomplete gamma functions as ops: igamma P(a, x) and igammac Q(a, x) (the
numerics: `ember._igamma`). Float inputs only, promoted together as torch's binary ops; the
result is computed in float64 and rounded to the result dtype."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _igamma
from .._dtype import torch_name
from ..autograd.function import Function
from ._util import apply_binary, promote


class Igamma(Function):
    """P(a, x) = gamma(a, x) / Gamma(a);  d/dx = x^(a-1) e^-x / Gamma(a), d/da: not implemented
    (torch's derivatives.yaml has none: backward through a raises NotImplementedError)."""

    _array_forward = True
    _sign = 1.0
    _kernel = staticmethod(_igamma.igamma)

    @classmethod
    def forward(cls, ctx, a, x):
        ctx.save_for_backward(a, x)
        return np.asarray(cls._kernel(a, x)).astype(np.result_type(a, x), copy=False)

    @classmethod
    def backward(cls, ctx, grad):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            name = cls.__name__.lower()
            raise NotImplementedError(f"the derivative for '{name}: input' is not implemented.")
        density = ((a - 1) * x.log() - x - a.lgamma()).exp()
        return None, grad * density * cls._sign


class Igammac(Igamma):
    """Q(a, x) = 1 - P(a, x);  d/dx = -x^(a-1) e^-x / Gamma(a), d/da: not implemented."""

    _sign = -1.0
    _kernel = staticmethod(_igamma.igammac)


def _float_operands(name: str, input: Any, other: Any) -> tuple[Any, Any]:
    a, x = promote(input, other)
    like = a if hasattr(a, "_data") else x
    if like._data.dtype.kind != "f":
        raise NotImplementedError(
            f"\"{name}_cpu\" not implemented for '{torch_name(like.dtype)}': convert the inputs with .double()"
        )
    return a, x


def igamma(input: Any, other: Any) -> Any:
    """The regularized lower incomplete gamma function P(input, other)."""
    return apply_binary(Igamma, *_float_operands("igamma", input, other))


def igammac(input: Any, other: Any) -> Any:
    """The regularized upper incomplete gamma function Q(input, other) = 1 - P(input, other)."""
    return apply_binary(Igammac, *_float_operands("igammac", input, other))
