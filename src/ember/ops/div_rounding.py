"""div with rounding_mode 'floor' or 'trunc': the quotient rounded down or toward zero.

The result is piecewise constant, and torch's derivative is zero for both operands (zeros, not
grad * 0: an inf or NaN cotangent still gives 0), recorded as one node, DivBackward2. This is
what remainder's gradient for its divisor uses (-grad * div(a, b, rounding_mode='floor')), so
remainder's double backward is zero too. `floor_divide` and `//` are another op, FloorDivide,
whose derivative torch leaves unimplemented.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ._util import new_zeros

_ndarray = np.ndarray


class _DivRounded(Function):
    """a / b rounded to an integer value;  d/da = 0,  d/db = 0."""

    _array_forward = True

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        da, db = ctx.needs_input_grad
        return (new_zeros(grad, sa) if da else None), (new_zeros(grad, sb) if db else None)

    backward_arrays = backward


class DivFloor(_DivRounded):
    """floor(a / b), Python's floor division (exact at infinities: 3 // -inf is -1);
    d/da = 0,  d/db = 0."""

    backward_name = "DivBackward2"

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (np.shape(a), np.shape(b))
        out = np.floor_divide(a, b)
        if out.dtype.kind in "iu":
            check_integer_division(a, b, out, "div_floor")
        return out


class DivTrunc(_DivRounded):
    """trunc(a / b), the quotient rounded toward zero (C's integer division);  d/da = 0,  d/db = 0."""

    backward_name = "DivBackward2"

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (np.shape(a), np.shape(b))
        if np.result_type(a, b).kind == "f":
            return np.trunc(np.true_divide(a, b))
        quotient = np.floor_divide(a, b)
        check_integer_division(a, b, quotient, "div_trunc")
        # floor and trunc differ where the quotient is negative and inexact
        return quotient + ((quotient * b != a) & (quotient < 0)).astype(quotient.dtype)


def check_integer_division(a: Any, b: Any, out: Any, kernel: str) -> None:
    """torch refuses integer division by zero, where NumPy gives 0, and division of two bools."""
    if (a if type(a) is _ndarray else b).dtype.kind == "b":  # promoted: both are bools
        raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'Bool\'')
    if out.size and (not b.all() if type(b) is _ndarray else b == 0):
        raise RuntimeError("ZeroDivisionError: integer division by zero; convert to a float dtype to get inf or nan")
