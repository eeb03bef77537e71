"""Ops on a float's representation that torch differentiates anyway: frexp's mantissa and
nextafter. Both are, almost everywhere, the identity up to a constant factor or a one-ulp step."""

from __future__ import annotations

import numpy as np

from .._dtype import get_default_dtype
from ..autograd.function import Function
from ._util import new_zeros, sum_to
from .index import Where


class FrexpMantissa(Function):
    """The mantissa m of x = m 2^e (|m| in [0.5, 1)), e held constant;  d/dx = 2^-e. As torch
    computes it, grad / exponent.exp2(): 2^e of the int32 exponent is taken in the default
    dtype (float32), so a float64 x beyond float32's exponent range (|x| < 2^-126 or > 2^127)
    gets an inf or 0 gradient, torch's answer. The exponent output has no gradient."""

    _array_forward = True
    backward_name = "FrexpBackward0"

    @staticmethod
    def forward(ctx, x):
        mantissa, exponent = np.frexp(x)
        ctx.scale = np.exp2(exponent, dtype=get_default_dtype().numpy)
        return mantissa

    @staticmethod
    def backward(ctx, grad):
        return grad / ctx.scale

    backward_arrays = backward


class Nextafter(Function):
    """The next float after a towards b (a itself where a == b);  d/da = 1 where a != b, 0 where
    a == b (selected: an inf cotangent there gives 0),  d/db = 0: torch's rule, one ulp being no
    step."""

    _array_forward = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.nextafter(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        ga = sum_to(Where.apply(a == b, 0.0, grad), a.shape) if da else None
        return ga, (new_zeros(grad, b.shape) if db else None)  # db: b is a tensor

    backward_arrays = backward
