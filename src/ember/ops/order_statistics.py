"""Order statistics: median, nanmedian, quantile, nanquantile, mode, cummax and cummin.

Values picked from the input are `gather`ed at the picked indices, so the gradient flows to the
picked elements, as torch's `value_selecting_reduction_backward`; the median of a whole tensor
spreads its gradient evenly over every element equal to it (torch's `evenly_distribute_backward`).
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..autograd.function import Function
from . import shape
from ._std_sort import std_sort_order
from ._util import normalize_dims
from .gather_scatter import gather
from .index import sort
from .pointwise import lerp
from .reduce import _return_type

return_types = {name: _return_type(name) for name in ("median", "nanmedian", "mode", "cummax", "cummin")}


class EvenlyDistributed(Function):
    """A value chosen from x (a median of all of x);  d/dx = 1/k at each of the k elements
    equal to the value (the NaNs if it is NaN), 0 elsewhere."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, value):
        ctx.save_for_backward(x)
        ctx.value = value
        return np.asarray(value, x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        hit = x.isnan() if np.isnan(ctx.value) else x == float(ctx.value)
        share = hit.to(grad.dtype)
        return grad * share / share.sum(), None


def _dim(input: Any, dim: int) -> int:
    return normalize_dims(dim, max(input.ndim, 1))[0]


def _lower_median_index(a: np.ndarray, axis: int, ignore_nan: bool) -> np.ndarray:
    """Index along `axis` of the lower median: the stable sort's ((n - 1) // 2)-th element,
    n counting the non-NaN elements if ignore_nan; without it, the first NaN if there is one."""
    order = np.argsort(a, axis=axis, kind="stable")  # NaN sorts last
    nans = np.isnan(a).sum(axis=axis, keepdims=True) if a.dtype.kind == "f" else np.zeros(1, np.int64)
    n = a.shape[axis]
    if ignore_nan:
        rank = np.maximum((n - nans - 1) // 2, 0)
    else:
        rank = np.where(nans > 0, n - nans, (n - 1) // 2)
    return np.take_along_axis(order, np.broadcast_to(rank, order.shape[:axis] + (1,) + order.shape[axis + 1:]), axis)


def _select(name: str, input: Any, dim: int, keepdim: bool, index: np.ndarray) -> Any:
    idx = input._make(index, False, None)
    values = gather(input, dim, idx)
    if not keepdim:
        values, idx = shape.squeeze(values, dim), shape.squeeze(idx, dim)
    return return_types[name](values, idx)


def _median(name: str, input: Any, dim: Optional[int], keepdim: bool, ignore_nan: bool) -> Any:
    if input.numel() == 0 and dim is None:
        return input._make(np.asarray(np.nan, input._data.dtype), False, None)
    if dim is None:
        flat = input._data.reshape(-1)
        value = flat[_lower_median_index(flat, 0, ignore_nan)[0]]
        return EvenlyDistributed.apply(input, value)
    d = _dim(input, dim)
    if input.ndim == 0:
        return return_types[name](input.clone(), input._make(np.zeros((), np.int64), False, None))
    if input.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return _select(name, input, d, keepdim, _lower_median_index(input._data, d, ignore_nan))


def median(input: Any, dim: Optional[int] = None, keepdim: bool = False) -> Any:
    """The lower median (the ((n-1)//2)-th smallest), NaN if there is one; along dim, the
    (values, indices) pair."""
    return _median("median", input, dim, keepdim, ignore_nan=False)


def nanmedian(input: Any, dim: Optional[int] = None, keepdim: bool = False) -> Any:
    """median ignoring NaNs (NaN only where all are NaN)."""
    return _median("nanmedian", input, dim, keepdim, ignore_nan=True)


def _quantile(input: Any, q: Any, dim: Optional[int], keepdim: bool, interpolation: str, ignore_nan: bool) -> Any:
    name = "nanquantile" if ignore_nan else "quantile"
    if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
        raise RuntimeError(
            f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest. Got {interpolation}"
        )
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    qs = np.asarray(q._data if hasattr(q, "_data") else q, np.float64)
    if qs.ndim > 1:
        raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
    if hasattr(q, "_data") and q.dtype != input.dtype:
        raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
    if not ((qs >= 0) & (qs <= 1)).all():
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    x = input.reshape(-1) if dim is None else input
    d = 0 if dim is None else _dim(input, dim)
    if x.ndim == 0:
        x, d = x.reshape(1), 0
    if x.shape[d] == 0:
        raise IndexError(f"{name}() input tensor must be non-empty")
    values = sort(x, d).values
    n = x.shape[d]
    nans = np.isnan(x._data).sum(axis=d, keepdims=True)
    last = (n - nans - 1) if ignore_nan else np.full(nans.shape, n - 1)
    ranks = qs.reshape((-1,) + (1,) * x.ndim) * last  # [q, ...x with dim of size 1]
    if interpolation == "nearest":
        ranks = np.round(ranks)
    below = np.floor(ranks) if interpolation != "higher" else np.ceil(ranks)
    above = np.ceil(ranks) if interpolation in ("linear", "midpoint") else below
    all_nan = (nans == n) if ignore_nan else np.zeros_like(nans, bool)
    if not ignore_nan:
        any_nan = np.broadcast_to(nans > 0, ranks.shape)
        below, above = np.where(any_nan, n - 1, below), np.where(any_nan, n - 1, above)
    below, above = np.clip(below, 0, n - 1), np.clip(above, 0, n - 1)

    def pick(pos: np.ndarray) -> Any:
        idx = np.broadcast_to(pos, (len(ranks),) + ranks.shape[1:]).astype(np.int64)
        expanded = shape.expand(values.unsqueeze(0), (len(ranks),) + values.shape)
        return gather(expanded, d + 1, input._make(np.ascontiguousarray(idx), False, None))

    low = pick(below)
    out = low
    if interpolation in ("linear", "midpoint"):
        weight = 0.5 if interpolation == "midpoint" else _weight(input, q, qs, x.ndim, last, below)
        out = lerp(low, pick(above), weight)
    if all_nan.any():
        out = out.masked_fill(input._make(np.broadcast_to(all_nan, out.shape), False, None), np.nan)
    if dim is None or input.ndim == 0:
        out = out.reshape((len(ranks),) + ((1,) * input.ndim if keepdim else ()))
    elif not keepdim:
        out = shape.squeeze(out, d + 1)
    return out[0] if qs.ndim == 0 else out


def _weight(input: Any, q: Any, qs: np.ndarray, ndim: int, last: np.ndarray, below: np.ndarray) -> Any:
    """rank - floor(rank), rank = q (n - 1): a function of q, so a tensor q gets its gradient
    (d/dq = (above - below) (n - 1)), as in torch."""
    def const(a: np.ndarray) -> Any:
        return input._make(np.asarray(a, input._data.dtype), False, None)

    q_column = q.reshape((-1,) + (1,) * ndim) if hasattr(q, "_data") else const(qs.reshape((-1,) + (1,) * ndim))
    return q_column * const(last) - const(below)


def quantile(input: Any, q: Any, dim: Optional[int] = None, keepdim: bool = False, *, interpolation: str = "linear") -> Any:
    """The q-th quantiles along dim (of all elements by default): the sorted values at rank
    q (n - 1), interpolated as asked; NaN where a NaN is present. A 1-D q adds a leading dim."""
    return _quantile(input, q, dim, keepdim, interpolation, ignore_nan=False)


def nanquantile(input: Any, q: Any, dim: Optional[int] = None, keepdim: bool = False, *, interpolation: str = "linear") -> Any:
    """quantile ignoring NaNs (NaN only where all are NaN)."""
    return _quantile(input, q, dim, keepdim, interpolation, ignore_nan=True)


def mode(input: Any, dim: int = -1, keepdim: bool = False) -> Any:
    """The most frequent value along dim (the smallest on a tie) and, as torch's CPU kernel,
    the index of the occurrence its std::sort leaves last (`_std_sort`): the last occurrence
    for up to 16 elements, an unstable pick beyond."""
    if input.ndim == 0:
        return return_types["mode"](input.clone(), input._make(np.zeros((), np.int64), False, None))
    d = _dim(input, dim)
    a = np.moveaxis(input._data, d, -1)
    order = std_sort_order(a)
    s = np.take_along_axis(a, order, -1)
    n = s.shape[-1]
    new_run = np.ones(s.shape, bool)
    new_run[..., 1:] = s[..., 1:] != s[..., :-1]
    starts = np.where(new_run, np.arange(n), 0)
    run_start = np.maximum.accumulate(starts, axis=-1)
    length = np.arange(n) - run_start + 1
    is_end = np.ones(s.shape, bool)
    is_end[..., :-1] = new_run[..., 1:]
    score = np.where(is_end, length, 0)
    best_end = np.argmax(score, axis=-1)[..., None]  # the first (smallest) longest run
    index = np.take_along_axis(order, best_end, -1)
    return _select("mode", input, d, keepdim, np.moveaxis(index, -1, d))


def _cumulative_extreme(name: str, input: Any, dim: int, better: Any) -> Any:
    if input.ndim == 0:
        return return_types[name](input.clone(), input._make(np.zeros((), np.int64), False, None))
    d = _dim(input, dim)
    a = np.moveaxis(input._data, d, -1)
    index = np.zeros(a.shape, np.int64)
    best = a[..., 0].copy()
    run = np.zeros(a.shape[:-1], np.int64)
    for i in range(a.shape[-1]):  # a NaN wins and stays; a tie moves the index forward, as torch
        x = a[..., i]
        take = (better(x, best) | (x == best) | np.isnan(x)) & ~(np.isnan(best) & (i > 0))
        best, run = np.where(take, x, best), np.where(take, i, run)
        index[..., i] = run
    return _select(name, input, d, True, np.moveaxis(index, -1, d))


def cummax(input: Any, dim: int) -> Any:
    """The running maximum along dim and where it was attained (the latest index on a tie)."""
    return _cumulative_extreme("cummax", input, dim, np.greater)


def cummin(input: Any, dim: int) -> Any:
    """The running minimum along dim and where it was attained (the latest index on a tie)."""
    return _cumulative_extreme("cummin", input, dim, np.less)
