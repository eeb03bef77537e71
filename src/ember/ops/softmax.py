"""softmax, log_softmax and logsumexp: exponentials normalised over a dim, each shifted by the
max so that nothing overflows."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype
from ..autograd.function import Function
from ._util import Dim, normalize_dims
from .reduce import _axes, _expand_back
from .unary import Exp


def _max_along(x, dim):
    """The max along `dim` (kept), 0 for an empty x (softmax of an empty tensor is empty)."""
    return np.max(x, axis=dim, keepdims=True) if x.size else np.zeros((1,) * x.ndim, x.dtype)


class LogSumExp(Function):
    """log sum_i e^(x_i), shifted by the max so nothing overflows;  d/dx_i = softmax(x)_i."""

    _array_forward = True
    backward_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        m = np.max(x, axis=axes, keepdims=True) if x.size else np.zeros((1,) * x.ndim, x.dtype)
        m = np.where(np.isfinite(m), m, 0)
        out = np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True)) + m
        if not keepdim:
            out = out.reshape(np.sum(out, axis=axes).shape) if axes is not None else out.reshape(())
        ctx.save_for_backward(x, out)
        ctx.axes, ctx.keepdim = axes, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        back = _expand_back(out, x.shape, ctx.axes, ctx.keepdim)
        return _expand_back(grad, x.shape, ctx.axes, ctx.keepdim) * (x - back).exp(), None, None


class Softmax(Function):
    """y_i = e^(x_i) / sum_j e^(x_j);  dx = y * (dy - sum(dy * y))."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, dim):
        e = np.exp(x - _max_along(x, dim))
        out = e / np.sum(e, axis=dim, keepdims=True)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return y * (grad - (grad * y).sum(axis=ctx.dim, keepdims=True)), None

    backward_arrays = backward


class LogSoftmax(Function):
    """y_i = x_i - logsumexp(x);  dx = dy - softmax(x) * sum(dy)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, dim):
        shifted = x - _max_along(x, dim)
        out = shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad - Exp.apply(y) * grad.sum(axis=ctx.dim, keepdims=True), None

    backward_arrays = backward


def logsumexp(input: Any, dim: Dim, keepdim: bool = False) -> Any:
    """log sum exp over `dim`; bools and integers are read as the default float dtype, as torch
    reads them (NumPy's exp would give float64, or float16 for uint8)."""
    if input._data.dtype.kind in "biu":
        input = input.to(_dtype.get_default_dtype())
    return LogSumExp.apply(input, _axes(input, dim), keepdim)


def _float_only(input: Any, dtype: Any, name: str) -> Any:
    if dtype is not None:
        return input.to(dtype)
    if not input.is_floating_point():
        raise NotImplementedError(f"{name} is not implemented for {input.dtype}: convert with .float() or pass dtype=")
    return input


def softmax(input: Any, dim: int, dtype: Any = None) -> Any:
    input = _float_only(input, dtype, "softmax")
    return Softmax.apply(input, normalize_dims(dim, input.ndim)[0] if input.ndim else None)


def log_softmax(input: Any, dim: int, dtype: Any = None) -> Any:
    input = _float_only(input, dtype, "log_softmax")
    return LogSoftmax.apply(input, normalize_dims(dim, input.ndim)[0] if input.ndim else None)
