"""fmax and fmin: the elementwise larger (smaller) of two tensors, where a NaN loses to any number
(NaN only where both are), as C's fmax; maximum and minimum propagate NaN instead."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ._util import apply_binary, sum_to
from .index import Where


class _NanIgnoringPick(Function):
    """The elementwise pick of a or b by `_pick`, a NaN losing;  d/da = 1 where a is picked
    (`_prefers_a`, or b is NaN), else 0;  d/db = 1 - d/da (selected: an inf dy leaves the other
    side 0)."""

    _array_forward = True
    _pick: Any = None
    _prefers_a: Any = None

    @classmethod
    def forward(cls, ctx, a, b):
        ctx.save_for_backward(a, b)
        return cls._pick(a, b)

    @classmethod
    def backward(cls, ctx, grad):
        a, b = ctx.saved_tensors
        took_a = cls._prefers_a(a, b) | (b != b)
        da = sum_to(Where.apply(took_a, grad, 0.0), a.shape) if ctx.needs_input_grad[0] else None
        db = sum_to(Where.apply(took_a, 0.0, grad), b.shape) if ctx.needs_input_grad[1] else None
        return da, db


class Fmax(_NanIgnoringPick):
    """fmax(a, b);  d/da = 1 where a >= b or b is NaN, else 0;  d/db = 1 - d/da (torch's rule: a
    tie goes wholly to a, unlike maximum's halves)."""

    _pick = staticmethod(np.fmax)
    _prefers_a = staticmethod(lambda a, b: a >= b)


class Fmin(_NanIgnoringPick):
    """fmin(a, b);  d/da = 1 where a <= b or b is NaN, else 0;  d/db = 1 - d/da."""

    _pick = staticmethod(np.fmin)
    _prefers_a = staticmethod(lambda a, b: a <= b)


def fmax(input: Any, other: Any) -> Any:
    """The elementwise maximum ignoring NaN: fmax(1, nan) = 1, fmax(nan, nan) = nan."""
    return apply_binary(Fmax, input, other)


def fmin(input: Any, other: Any) -> Any:
    """The elementwise minimum ignoring NaN: fmin(1, nan) = 1, fmin(nan, nan) = nan."""
    return apply_binary(Fmin, input, other)
