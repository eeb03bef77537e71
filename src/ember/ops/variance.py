"""var and std over dims, each one node as in torch (VarBackward0, StdBackward0), with torch's
corrections (`correction`, or the older `unbiased`) and its answers where no degrees of freedom
are left."""

from __future__ import annotations

import math
import warnings
from typing import Any, Optional

import numpy as np

from ..autograd.function import Function
from ._util import Dim, add_reduce, data
from .reduce import _axes, _count, _expand_back


class Var(Function):
    """sum_i (x_i - mean)^2 / (n - c);  d/dx_i = 2 (x_i - mean) / (n - c) (the mean's own
    gradient sums to zero over the terms). float16 is computed in float32 and rounded once, as
    torch's is (its squares overflow float16 long before the variance does)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, axes, correction, keepdim):
        ctx.save_for_backward(x)
        ctx.axes, ctx.correction, ctx.keepdim = axes, correction, keepdim
        return _variance(x, axes, correction, keepdim, "var").astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return _var_backward(grad, x, ctx.axes, ctx.correction, ctx.keepdim), None, None, None

    backward_arrays = backward


class Std(Function):
    """sqrt(var);  d/dx_i = (x_i - mean) / ((n - c) std): var's gradient applied to
    grad / (2 std), which is taken as 0 where std is 0 (a constant input), as torch does."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, axes, correction, keepdim):
        ctx.axes, ctx.correction, ctx.keepdim = axes, correction, keepdim
        out = np.sqrt(_variance(x, axes, correction, keepdim, "std")).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        zero = out == 0
        # grad / (2 std), with 1 in place of 0 under the division and the quotient zeroed there
        grad_var = grad / (out * 2 + zero) * ~zero
        return _var_backward(grad_var, x, ctx.axes, ctx.correction, ctx.keepdim), None, None, None

    backward_arrays = backward


def _variance(x: np.ndarray, axes: Optional[tuple[int, ...]], correction: float, keepdim: bool, name: str) -> np.ndarray:
    """sum (x - mean)^2 / max(0, n - c), in float32 for float16 (the caller rounds it once). No
    degrees of freedom left give inf (nan for a constant input) and torch's warning."""
    wide = x.astype(np.float32) if x.dtype.char == "e" else x
    diff = wide - np.mean(wide, axis=axes, keepdims=True)
    squares = add_reduce(diff * diff, axes, keepdim)
    dof = _count(x.shape, axes) - correction
    if dof > 0:
        return np.asarray(squares / dof)
    warnings.warn(
        f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
        "reduction factor (input numel divided by output numel)."
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(squares / 0.0)


def _var_backward(grad: Any, x: Any, axes: Optional[tuple[int, ...]], correction: float, keepdim: bool) -> Any:
    """d var / dx_i = 2 (x_i - mean) / (n - c), as torch computes it where n - c <= 0 too: over
    dims, 2 / (n - c) as it is (inf for 0, finite and negative below); over every element, inf
    times |x_i - mean|, which is nan where x_i is the mean."""
    dof = _count(x.shape, axes) - correction
    if axes is None and dof <= 0:
        with np.errstate(invalid="ignore"):
            blowup = np.abs(data(x) - np.mean(data(x))) * np.inf
        return _expand_back(grad, x.shape, axes, keepdim) * blowup
    scale = 2 / dof if dof else math.inf
    diff = x - x.mean(axes, keepdims=True)
    with np.errstate(invalid="ignore"):  # inf * 0 is nan, as in torch
        return _expand_back(grad * scale, x.shape, axes, keepdim) * diff


def var(input: Any, dim: Dim = None, unbiased: Optional[bool] = None, keepdim: bool = False, *, correction: Optional[float] = None) -> Any:
    """sum (x - mean)^2 / (n - correction); torch's default correction (None) is 1 (Bessel).
    `unbiased` is the older spelling of correction 1 or 0, and torch reads `var(True)` as it."""
    dim, correction = _variance_args(input, dim, unbiased, correction, "var")
    return Var.apply(input, _axes(input, dim), correction, keepdim)


def std(input: Any, dim: Dim = None, unbiased: Optional[bool] = None, keepdim: bool = False, *, correction: Optional[float] = None) -> Any:
    """sqrt(var(...)), one node (StdBackward0) as in torch."""
    dim, correction = _variance_args(input, dim, unbiased, correction, "std")
    return Std.apply(input, _axes(input, dim), correction, keepdim)


def _variance_args(
    input: Any, dim: Any, unbiased: Optional[bool], correction: Optional[float], name: str
) -> tuple[Any, float]:
    """(dim, correction) from var/std's arguments, read as torch reads them: a bool in dim's place
    is `unbiased` (`x.std(False)`), and only floating-point tensors are accepted."""
    if input._data.dtype.kind != "f":
        raise RuntimeError(
            f"std and var only support floating point and complex dtypes, got {input.dtype.name}: "
            f"convert with .float() first ({name})"
        )
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if unbiased is not None:
        correction = 1 if unbiased else 0
    return dim, 1 if correction is None else correction
