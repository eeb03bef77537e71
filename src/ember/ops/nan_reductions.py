"""Reductions built on the basic ones: nansum, nanmean, aminmax, count_nonzero, var_mean,
std_mean, diff, logcumsumexp; and the counting ones, histc and bincount (no gradient)."""

from __future__ import annotations

import math
from collections import namedtuple
from typing import Any, Optional

import numpy as np

from .. import _dtype
from ..autograd.function import Function
from . import arithmetic, join, reduce, variance
from ._util import Dim, normalize_dims
from .index import narrow, where

aminmax_result = namedtuple("aminmax", ["min", "max"])


def _zero_nans(input: Any) -> Any:
    return where(input.isnan(), 0.0, input) if input._data.dtype.kind == "f" else input


def nansum(input: Any, dim: Dim = None, keepdim: bool = False, *, dtype: Any = None) -> Any:
    """sum treating NaN as 0;  d/dx = 1 where x is not NaN, 0 at NaNs."""
    return reduce.sum(_zero_nans(input), dim, keepdim, dtype=dtype)


def nanmean(input: Any, dim: Dim = None, keepdim: bool = False, *, dtype: Any = None) -> Any:
    """mean over the non-NaN elements (NaN where there are none)."""
    if input._data.dtype.kind != "f":
        raise RuntimeError(
            f"nanmean(): expected input to have floating point or complex dtype but got {_dtype.torch_name(input.dtype)}"
        )
    count = reduce.sum(~input.isnan(), dim, keepdim)
    return arithmetic.div(nansum(input, dim, keepdim, dtype=dtype), count)


def aminmax(input: Any, *, dim: Optional[int] = None, keepdim: bool = False, out: Optional[tuple] = None) -> Any:
    """(amin, amax) along dim, of all elements by default; written into `out` (two tensors of
    input's dtype, resized as needed) when given."""
    result = _aminmax(input, dim, keepdim)
    return result if out is None else aminmax_result(*(_write_out(o, r) for o, r in zip(out, result)))


def _write_out(out: Any, result: Any) -> Any:
    """`result` stored into the `out=` tensor, which must have its dtype (torch casts no out=
    tensor here); a tensor of another shape is resized, as torch resizes it."""
    if out.dtype != result.dtype:
        raise RuntimeError(
            f"Expected out tensor to have dtype {_dtype.c_name(result.dtype)}, but got "
            f"{_dtype.c_name(out.dtype)} instead; pass out tensors of the input's dtype"
        )
    if out.shape == result.shape:
        out._data[...] = result._data
    else:
        out._data = result._data.copy()
    out._bump_version()
    return out


def _aminmax(input: Any, dim: Optional[int], keepdim: bool) -> Any:
    if input.numel() == 0 and dim is None:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.")
    if input.numel() == 0:  # reducing a non-empty dim of an empty tensor: empty results
        d = normalize_dims(dim, input.ndim)[0]
        if input.shape[d] == 0:
            raise IndexError(f"aminmax(): Expected reduction dim {d} to have non-zero size.")
        empty = reduce.sum(input, d, keepdim, dtype=input.dtype)
        return aminmax_result(empty, empty.clone())
    dims = () if dim is None else dim
    return aminmax_result(reduce.amin(input, dims, keepdim), reduce.amax(input, dims, keepdim))


def count_nonzero(input: Any, dim: Dim = None) -> Any:
    """The number of non-zero elements along dim (all by default), as int64."""
    axes = normalize_dims(dim, max(input.ndim, 1)) if dim is not None and input.ndim else None
    return input._make(np.asarray(np.count_nonzero(input._data, axis=axes), np.int64), False, None)


def var_mean(
    input: Any, dim: Dim = None, unbiased: Optional[bool] = None, keepdim: bool = False, *, correction: Optional[float] = None
) -> tuple:
    """(var, mean) over dim, as `var` and `mean` give them (correction 1 by default)."""
    correction = 1 if correction is None else correction
    if isinstance(dim, bool):  # torch's (input, unbiased) overload
        dim, unbiased = None, dim
    return (variance.var(input, dim, unbiased, keepdim, correction=correction), reduce.mean(input, dim, keepdim))


def std_mean(
    input: Any, dim: Dim = None, unbiased: Optional[bool] = None, keepdim: bool = False, *, correction: Optional[float] = None
) -> tuple:
    """(std, mean) over dim, as `std` and `mean` give them (correction 1 by default)."""
    correction = 1 if correction is None else correction
    if isinstance(dim, bool):  # torch's (input, unbiased) overload
        dim, unbiased = None, dim
    return (variance.std(input, dim, unbiased, keepdim, correction=correction), reduce.mean(input, dim, keepdim))


def diff(input: Any, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Any:
    """The n-th forward difference along dim, after joining prepend and append to input;
    booleans differ by xor, as in torch."""
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    if n == 0:
        return input
    parts = [p for p in (prepend, input, append) if p is not None]
    x = join.cat(parts, dim) if len(parts) > 1 else input
    for _ in range(n):
        length = x.shape[dim] - 1
        if length <= 0:
            return narrow(x, dim, 0, 0)
        later, earlier = narrow(x, dim, 1, length), narrow(x, dim, 0, length)
        x = later ^ earlier if x._data.dtype.kind == "b" else arithmetic.sub(later, earlier)
    return x


class LogCumSumExp(Function):
    """y_j = log sum_{i <= j} e^(x_i);  d/dx_i = sum_{j >= i} g_j e^(x_i - y_j), summed in log
    space over the positive and the negative parts of g, as torch does (which no range of x
    overflows): e^(x_i + rlcse(log g+ - y)_i) - e^(x_i + rlcse(log g- - y)_i), rlcse the
    logcumsumexp from the end. The reference rule is that formula in ops, torch's, so its double
    backward is torch's too; the array rule is the same sums on arrays."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, dim):
        out = np.logaddexp.accumulate(x, axis=dim) if x.shape[dim] else x.copy()
        ctx.save_for_backward(x, out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        d = ctx.dim
        lowest = float(np.finfo(grad._data.dtype).min)  # torch's stand-in for log 0
        log_abs = grad.abs().log()

        def part(mask: Any) -> Any:
            return (logcumsumexp((log_abs.where(mask, lowest) - out).flip([d]), d).flip([d]) + x).exp()

        return part(grad > 0) - part(grad < 0), None

    @staticmethod
    def backward_arrays(ctx, grad):
        x, out = ctx.saved_tensors
        d = ctx.dim

        def reverse_lcse(a: np.ndarray) -> np.ndarray:
            return np.flip(np.logaddexp.accumulate(np.flip(a, d), axis=d), d)

        with np.errstate(divide="ignore"):
            positive = reverse_lcse(np.log(np.where(grad > 0, grad, 0.0)) - out)
            negative = reverse_lcse(np.log(np.where(grad < 0, -grad, 0.0)) - out)
        return np.exp(positive + x) - np.exp(negative + x), None


def logcumsumexp(input: Any, dim: int) -> Any:
    """log(cumsum(exp(input), dim)), without overflow."""
    x = input if input._data.dtype.kind == "f" else input.to(_dtype.get_default_dtype())
    if x.ndim == 0:
        return LogCumSumExp.apply(x.reshape(1), 0).reshape(())
    return LogCumSumExp.apply(x, normalize_dims(dim, x.ndim)[0])


def histc(input: Any, bins: int = 100, min: float = 0, max: float = 0) -> Any:
    """Counts in `bins` equal bins over [min, max] (the data's range when min = max), in
    input's dtype; values outside are ignored."""
    if input._data.dtype.kind != "f":
        raise RuntimeError(f'"histogram_cpu" not implemented for \'{_dtype.torch_name(input.dtype)}\'')
    if bins <= 0:
        raise RuntimeError("torch.histc(): bins must be > 0, but got " f"{bins} for dimension 0")
    data = input._data.reshape(-1)
    lo, hi = float(min), float(max)
    if lo == hi and data.size:
        lo, hi = float(data.min()), float(data.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi or not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histc(): max must be larger than min, and both finite (got [{lo}, {hi}])")
    counts, _ = np.histogram(data, bins=bins, range=(lo, hi))
    return input._make(counts.astype(input._data.dtype), False, None)


def bincount(input: Any, weights: Any = None, minlength: int = 0) -> Any:
    """How often each value 0..max occurs in a 1-D non-negative integer tensor (the weights'
    sum instead when given: float32 weights give float32, others float64)."""
    if input.ndim != 1 or input._data.dtype.kind not in "iu":
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if input.numel() and input._data.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return input._make(np.bincount(input._data, minlength=minlength).astype(np.int64), False, None)
    if weights.shape != input.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    out_dtype = np.float32 if weights._data.dtype == np.float32 else np.float64
    return input._make(np.bincount(input._data, weights._data, minlength).astype(out_dtype), False, None)
