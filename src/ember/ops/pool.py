"""Pooling and resampling over the trailing spatial dims of (N, C, *S) arrays.

- max pooling: a running maximum over the kernel offsets, each a strided view of the image
  padded with -inf. The winner keeps torch's rule: the first maximum of the window in
  row-major order, except that a NaN always wins (so the last NaN). The gradient goes to the
  winner: `PlaceAt` puts each output's gradient at its index, and its adjoint `TakeAt` reads
  values at indices, so each is the other's backward.
- average pooling: the sum over kernel offsets times 1/divisor; its adjoint spreads the
  gradient back by one strided add per offset.
- adaptive pooling and interpolation: per spatial axis, every output is a few weighted
  "taps" of input positions along that axis (a bin of an adaptive pool, the two neighbours of
  linear interpolation, the one of nearest); `Resample` applies them axis after axis and its
  adjoint scatters them back with `np.add.at`.
"""

from __future__ import annotations

import math
from typing import Optional

import numpy as np

from ..autograd.function import Function
from .conv import Geometry, offset_slices, padded

# (index (T, out), weight (T, out) or None, valid (T, out) or None, input length): the taps
# of one axis; output i is sum_t weight[t, i] * x[index[t, i]] over the taps valid for it
Plan = tuple[np.ndarray, Optional[np.ndarray], Optional[np.ndarray], int]


def pool_output_size(size: int, kernel: int, stride: int, pad: int, dilation: int, ceil_mode: bool) -> int:
    """torch's: floor (or ceil) of (n + 2p - d (k - 1) - 1) / s, plus 1; in ceil mode the
    last window must start inside the input or its left padding."""
    span = size + 2 * pad - dilation * (kernel - 1) - 1
    out = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def _on_axis(a: np.ndarray, axis: int, ndim: int) -> np.ndarray:
    """A 1-d array shaped to broadcast along `axis` of an ndim-d array."""
    return a.reshape((-1,) + (1,) * (ndim - 1 - axis))


def _flat_index(parts: list[np.ndarray], size: tuple[int, ...]) -> np.ndarray:
    """Row-major flat index into `size` from one broadcastable index array per dim."""
    flat = parts[0]
    for part, n in zip(parts[1:], size[1:]):
        flat = flat * n + part
    return flat


def _running_max(candidates: list[tuple[np.ndarray, np.ndarray]], first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The max over candidate (values, index) pairs, in order, and the index of the winner.
    A later candidate wins only if strictly greater, so ties keep the first; when the result
    has a NaN the pass is redone letting each NaN win, as torch's kernels do."""
    best = np.full(candidates[0][0].shape, -np.inf, dtype=candidates[0][0].dtype)
    where = np.array(np.broadcast_to(first, best.shape))
    for values, index in candidates:
        take = values > best
        np.maximum(best, values, out=best)
        np.copyto(where, index, where=take)
    if np.isnan(best).any():
        best.fill(-np.inf)
        for values, index in candidates:
            take = (values > best) | np.isnan(values)
            np.copyto(best, values, where=take)
            np.copyto(where, index, where=take)
    return best, where


class MaxPool2DWithIndices(Function):
    """y = the max over each window, i = where it is (row-major flat index into the input's
    spatial dims);  dx = dy placed at i (`PlaceAt`)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, g):
        xp = padded(x, g, -np.inf)
        nd = len(g.kernel)
        lead = (slice(None), slice(None))
        origin = [_on_axis(np.arange(q) * s - p, i, nd) for i, (q, s, p) in enumerate(zip(g.out_size, g.stride, g.pad))]
        # the first in-bounds element of each window: torch's index for a window of -inf
        first = [np.maximum(o, o % d) for o, d in zip(origin, g.dilation)]
        candidates = [
            (xp[lead + sl], _flat_index([o + k * d for o, k, d in zip(origin, offset, g.dilation)], g.in_size))
            for offset, sl in offset_slices(g)
        ]
        values, indices = _running_max(candidates, _flat_index(first, g.in_size))
        ctx.geometry = g
        ctx.save_for_backward(indices)
        return values, indices

    @staticmethod
    def backward(ctx, grad, _):
        (indices,) = ctx.saved_tensors
        g = ctx.geometry
        disjoint = all(s >= e for s, e in zip(g.stride, g.span))
        return PlaceAt.apply(grad, indices._data, g.in_size, disjoint), None


class PlaceAt(Function):
    """dx (N, C, *size) = zeros with dy[n, c, q] added at flat spatial index i[n, c, q];
    its adjoint reads x at the indices:  d(dy) = TakeAt(ddx, i)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, grad, indices, size, disjoint):
        ctx.indices, ctx.disjoint = indices, disjoint
        n, c = grad.shape[:2]
        out = np.zeros((n * c, math.prod(size)), dtype=grad.dtype)
        rows = np.arange(n * c).reshape(n, c, *(1,) * (grad.ndim - 2)) * out.shape[1]
        flat = (indices + rows).ravel()
        if disjoint:  # each input element is in one window at most: a plain assignment
            out.ravel()[flat] = grad.ravel()
        else:
            np.add.at(out.ravel(), flat, grad.ravel())
        return out.reshape((n, c) + tuple(size))

    @staticmethod
    def backward(ctx, grad):
        return TakeAt.apply(grad, ctx.indices, ctx.disjoint), None, None, None


class TakeAt(Function):
    """y[n, c, q] = x[n, c, flat spatial index i[n, c, q]];  dx = PlaceAt(dy, i)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, indices, disjoint):
        ctx.indices, ctx.disjoint, ctx.size = indices, disjoint, x.shape[2:]
        n, c = x.shape[:2]
        taken = np.take_along_axis(x.reshape(n, c, -1), indices.reshape(n, c, -1), axis=2)
        return taken.reshape(indices.shape)

    @staticmethod
    def backward(ctx, grad):
        return PlaceAt.apply(grad, ctx.indices, ctx.size, ctx.disjoint), None, None


def avg_pool_scale(g: Geometry, count_include_pad: bool, divisor_override: Optional[int]) -> np.ndarray:
    """1 / divisor for each output position, torch's way: a window counts the padding it
    covers (up to p past the input) when count_include_pad, else only input elements; an
    override replaces both. Separable: the product of one length per spatial dim."""
    if divisor_override:
        return np.full(g.out_size, 1.0 / divisor_override)
    nd = len(g.kernel)
    count = np.ones((1,) * nd)
    for i, (q, s, p, k, n) in enumerate(zip(g.out_size, g.stride, g.pad, g.kernel, g.in_size)):
        start = np.arange(q) * s - p
        end = np.minimum(start + k, n + p)
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, n)
        count = count * _on_axis(np.maximum(end - start, 0), i, nd)
    with np.errstate(divide="ignore"):
        return np.where(count > 0, 1.0 / np.maximum(count, 1), 0.0)


class AvgPool2D(Function):
    """y = (sum over each window) * scale (scale = 1/divisor per output position);
    dx = `AvgPoolAdjoint`(dy): each dy * scale added back onto its window."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, g, scale):
        ctx.geometry, ctx.scale = g, scale
        xp = padded(x, g)
        total = None
        for _, sl in offset_slices(g):
            view = xp[(slice(None), slice(None)) + sl]
            total = view.copy() if total is None else np.add(total, view, out=total)
        total *= scale.astype(x.dtype)
        return total

    @staticmethod
    def backward(ctx, grad):
        return AvgPoolAdjoint.apply(grad, ctx.geometry, ctx.scale), None, None


class AvgPoolAdjoint(Function):
    """dx = sum over kernel offsets of dy * scale placed on the positions that offset met;
    d(dy) = AvgPool2D(ddx)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, grad, g, scale):
        ctx.geometry, ctx.scale = g, scale
        scaled = grad * scale.astype(grad.dtype)
        image = np.zeros(grad.shape[:2] + g.padded_size, dtype=grad.dtype)
        for _, sl in offset_slices(g):
            image[(slice(None), slice(None)) + sl] += scaled
        return image[(slice(None), slice(None)) + tuple(slice(p, p + n) for p, n in zip(g.pad, g.in_size))].copy()

    @staticmethod
    def backward(ctx, grad):
        return AvgPool2D.apply(grad, ctx.geometry, ctx.scale), None, None


def _apply_taps(x: np.ndarray, axis: int, plan: Plan) -> np.ndarray:
    index, weight, valid, _ = plan
    out = None
    for t in range(index.shape[0]):
        v = np.take(x, index[t], axis=axis)
        if weight is not None:
            v = v * _on_axis(weight[t].astype(x.dtype), axis, x.ndim)
        if valid is not None:
            v = np.where(_on_axis(valid[t], axis, x.ndim), v, 0)
        out = v if out is None else np.add(out, v, out=out)
    if out is None:  # no taps: an output of size 0
        out = np.zeros(x.shape[:axis] + (index.shape[1],) + x.shape[axis + 1:], dtype=x.dtype)
    return out


def _apply_taps_adjoint(grad: np.ndarray, axis: int, plan: Plan) -> np.ndarray:
    index, weight, valid, n = plan
    out = np.zeros(grad.shape[:axis] + (n,) + grad.shape[axis + 1:], dtype=grad.dtype)
    key = (slice(None),) * axis
    for t in range(index.shape[0]):
        v = grad
        if weight is not None:
            v = v * _on_axis(weight[t].astype(grad.dtype), axis, grad.ndim)
        if valid is not None:
            v = np.where(_on_axis(valid[t], axis, grad.ndim), v, 0)
        np.add.at(out, key + (index[t],), v)
    return out


class Resample(Function):
    """y = the taps of each spatial axis applied in turn (a separable linear map, e.g. the
    matrices A, B of y = A x B^T in 2-d);  dx = `ResampleAdjoint`(dy): A^T dy B."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, plans):
        ctx.plans = plans
        for axis, plan in enumerate(plans, start=2):
            if plan is not None:
                x = _apply_taps(x, axis, plan)
        return x

    @staticmethod
    def backward(ctx, grad):
        return ResampleAdjoint.apply(grad, ctx.plans), None


class ResampleAdjoint(Function):
    """dx = the transposed taps of each axis applied to dy;  d(dy) = Resample(ddx)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, grad, plans):
        ctx.plans = plans
        for axis, plan in reversed(list(enumerate(plans, start=2))):
            if plan is not None:
                grad = _apply_taps_adjoint(grad, axis, plan)
        return grad

    @staticmethod
    def backward(ctx, grad):
        return Resample.apply(grad, ctx.plans), None


class AdaptiveAvgPool2D(Resample):
    pass


class UpsampleNearest2D(Resample):
    pass


class UpsampleBilinear2D(Resample):
    pass


class UpsampleNearest1D(Resample):
    pass


class UpsampleLinear1D(Resample):
    pass


def adaptive_bins(size: int, out: int) -> tuple[np.ndarray, np.ndarray]:
    """torch's bins: output i pools input [floor(i n / m), ceil((i + 1) n / m))."""
    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def _bin_taps(size: int, out: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The positions of each bin as taps: index (L, out), valid (L, out), and the lengths."""
    start, end = adaptive_bins(size, out)
    offsets = np.arange(int((end - start).max(initial=0)))[:, None]
    return np.minimum(start + offsets, end - 1), start + offsets < end, end - start


def adaptive_avg_plan(size: int, out: int) -> Plan:
    index, valid, length = _bin_taps(size, out)
    return index, np.broadcast_to(1.0 / length, index.shape), None if valid.all() else valid, size


class AdaptiveMaxPool2D(Function):
    """y = the max over each adaptive bin, i = where it is;  dx = dy placed at i."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, out_size):
        nd = len(out_size)
        ctx.size = x.shape[2:]
        if 0 in out_size:
            ctx.save_for_backward(None)
            shape = x.shape[:2] + tuple(out_size)
            return np.zeros(shape, dtype=x.dtype), np.zeros(shape, dtype=np.int64)
        axes = [_bin_taps(n, m) for n, m in zip(x.shape[2:], out_size)]
        lead = (slice(None), slice(None))
        candidates = []
        for taps in np.ndindex(*[len(index) for index, _, _ in axes]):
            parts = [_on_axis(axes[i][0][t], i, nd) for i, t in enumerate(taps)]
            values = x[lead + np.ix_(*[axes[i][0][t] for i, t in enumerate(taps)])]
            valid = np.ones((1,) * nd, dtype=bool)
            for i, t in enumerate(taps):
                valid = valid & _on_axis(axes[i][1][t], i, nd)
            if not valid.all():
                values = np.where(valid, values, -np.inf)
            candidates.append((values, _flat_index(parts, x.shape[2:])))
        first = _flat_index([_on_axis(index[0], i, nd) for i, (index, _, _) in enumerate(axes)], x.shape[2:])
        values, indices = _running_max(candidates, first)
        ctx.save_for_backward(indices)
        return values, indices

    @staticmethod
    def backward(ctx, grad, _):
        (indices,) = ctx.saved_tensors
        if indices is None:
            return grad.new_zeros(grad.shape[:2] + ctx.size), None
        return PlaceAt.apply(grad, indices._data, ctx.size, False), None


def nearest_plan(size: int, out: int, scale: Optional[float]) -> Plan:
    """torch's nearest source index: i when the size is kept, i // 2 when doubled, else
    min(floor(i * r), n - 1) in float32 with r = 1/scale_factor (or n/out)."""
    i = np.arange(out)
    if out == size:
        index = i
    elif out == 2 * size:
        index = i >> 1
    else:
        r = np.float32(1.0 / scale) if scale else np.float32(size) / np.float32(out)
        index = np.minimum(np.floor(i.astype(np.float32) * r).astype(np.int64), size - 1)
    return index[None, :], None, None, size


def linear_plan(size: int, out: int, scale: Optional[float], align_corners: bool, dtype: np.dtype) -> Plan:
    """torch's linear taps, computed in the input's float type: the source position
    x = i r (align_corners, r = (n - 1)/(out - 1)) or max((i + 1/2) r - 1/2, 0) (else, r =
    1/scale_factor or n/out); index0 = min(floor(x), n - 1), index1 = index0 + 1 unless at
    the end, weights 1 - l and l with l = clip(x - index0, 0, 1)."""
    if out == size:
        i = np.arange(out)
        return i[None, :], None, None, size
    f = np.dtype(dtype).type
    if align_corners:
        r = f(size - 1) / f(out - 1) if out > 1 else f(0)
        src = np.arange(out, dtype=dtype) * r
    else:
        r = f(1.0 / scale) if scale else f(size) / f(out)
        src = np.maximum((np.arange(out, dtype=dtype) + f(0.5)) * r - f(0.5), f(0))
    i0 = np.minimum(np.floor(src).astype(np.int64), size - 1)
    lam = np.clip(src - i0.astype(dtype), f(0), f(1))
    i1 = i0 + (i0 < size - 1)
    return np.stack([i0, i1]), np.stack([f(1) - lam, lam]), None, size
