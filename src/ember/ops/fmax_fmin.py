"""fmax and fmin: the elementwise larger (smaller) of two tensors, where a NaN loses to any number
(NaN only where both are), as C's fmax; maximum and minimum propagate NaN instead."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ._util import apply_binary, sum_to
from .index import Where


class Fmax(Function):
    """fmax(a, b);  d/da = 1 where a >= b or b is NaN, else 0;  d/db = 1 - d/da (torch's rule: a
    tie goes wholly to a, unlike maximum's halves)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.fmax(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _to_chosen(grad, (a >= b) | (b != b), a.shape, b.shape, ctx.needs_input_grad)


class Fmin(Function):
    """fmin(a, b);  d/da = 1 where a <= b or b is NaN, else 0;  d/db = 1 - d/da."""

    _array_forward = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.fmin(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _to_chosen(grad, (a <= b) | (b != b), a.shape, b.shape, ctx.needs_input_grad)


def _to_chosen(grad: Any, took_a: Any, sa: tuple, sb: tuple, needs: tuple) -> tuple:
    """dy to a where `took_a`, to b elsewhere (selected: an inf dy leaves the other side 0)."""
    da = sum_to(Where.apply(took_a, grad, 0.0), sa) if needs[0] else None
    db = sum_to(Where.apply(took_a, 0.0, grad), sb) if needs[1] else None
    return da, db


def fmax(input: Any, other: Any) -> Any:
    """The elementwise maximum ignoring NaN: fmax(1, nan) = 1, fmax(nan, nan) = nan."""
    return apply_binary(Fmax, input, other)


def fmin(input: Any, other: Any) -> Any:
    """The elementwise minimum ignoring NaN: fmin(1, nan) = 1, fmin(nan, nan) = nan."""
    return apply_binary(Fmin, input, other)
