"""Activations that saturate, fused (one node each way instead of four): hardswish, hardsigmoid
and logsigmoid (min(x, 0) - log(1 + e^-|x|), stable for every x, where -softplus(-x) switches to
the identity past softplus' threshold)."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from .index import where


class Hardswish(Function):
    """x min(max(x + 3, 0), 6) / 6;  d/dx = 0 where x <= -3, x/3 + 1/2 where -3 < x < 3, else 1."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * np.clip(x + 3, 0, 6) / 6

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        middle = where(x < 3, grad * (x / 3 + 0.5), grad)
        return where(x <= -3, grad * 0, middle)


class LogSigmoid(Function):
    """log(1 / (1 + e^-x)) = min(x, 0) - log(1 + e^-|x|);  d/dx = sigmoid(-x)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (-x).sigmoid()


class Hardsigmoid(Function):
    """min(max(x + 3, 0), 6) / 6;  d/dx = 1/6 strictly inside (-3, 3), else 0, with torch's 1/6
    rounded to float32 even in float64 (a relative 3e-8 off the exact slope)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.clip(x + 3, 0, 6) / 6

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (((x > -3) & (x < 3)) * _ONE_SIXTH_FLOAT32)


_ONE_SIXTH_FLOAT32 = float(np.float32(1 / 6))
