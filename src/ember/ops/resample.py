"""Separable linear resampling over the trailing spatial dims of (N, C, *S) arrays: adaptive
average pooling and interpolation (nearest, linear, bilinear).

Along each spatial axis every output is a few weighted "taps" of input positions (the bin of
an adaptive pool, the two neighbours of linear interpolation, the one of nearest), so the whole
map is y = A x B^T in 2-d with sparse A, B. `Resample` applies the taps axis after axis, reading
with `np.take` (a non-finite input spoils only the outputs that use it, as in torch's kernels);
its adjoint `ResampleAdjoint` scatters them back with `np.add.at`. Each is the other's backward.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from ..autograd.function import Function

# (index (T, out), weight (T, out) or None, valid (T, out) or None, input length): the taps
# of one axis; output i is sum_t weight[t, i] * x[index[t, i]] over the taps valid for it
Plan = tuple[np.ndarray, Optional[np.ndarray], Optional[np.ndarray], int]


def on_axis(a: np.ndarray, axis: int, ndim: int) -> np.ndarray:
    """A 1-d array shaped to broadcast along `axis` of an ndim-d array."""
    return a.reshape((-1,) + (1,) * (ndim - 1 - axis))


def apply_taps(x: np.ndarray, axis: int, plan: Plan) -> np.ndarray:
    index, weight, valid, _ = plan
    out = None
    for t in range(index.shape[0]):
        v = np.take(x, index[t], axis=axis)
        if weight is not None:
            v = v * on_axis(weight[t].astype(x.dtype), axis, x.ndim)
        if valid is not None:
            v = np.where(on_axis(valid[t], axis, x.ndim), v, 0)
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
            v = v * on_axis(weight[t].astype(grad.dtype), axis, grad.ndim)
        if valid is not None:
            v = np.where(on_axis(valid[t], axis, grad.ndim), v, 0)
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
                x = apply_taps(x, axis, plan)
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


class WidthFirstResample(Resample):
    """Resample with the last axis's taps applied first, then the others backwards: the order
    of torch's separable and bicubic kernels, which float32 rounds by."""

    @staticmethod
    def forward(ctx, x, plans):
        ctx.plans = plans
        for axis in reversed(range(2, 2 + len(plans))):
            if plans[axis - 2] is not None:
                x = apply_taps(x, axis, plans[axis - 2])
        return x


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


def bin_taps(size: int, out: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The positions of each bin as taps: index (L, out), valid (L, out), and the lengths."""
    start, end = adaptive_bins(size, out)
    offsets = np.arange(int((end - start).max(initial=0)))[:, None]
    return np.minimum(start + offsets, end - 1), start + offsets < end, end - start


def adaptive_avg_plan(size: int, out: int) -> Plan:
    index, valid, length = bin_taps(size, out)
    return index, np.broadcast_to(1.0 / length, index.shape), None if valid.all() else valid, size


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


def source_positions(size: int, out: int, scale: Optional[float], align_corners: bool, dtype: np.dtype) -> np.ndarray:
    """Where each output sits on the input axis, in the input's float type: i (n - 1)/(out - 1)
    with align_corners, else (i + 1/2) r - 1/2 with r = 1/scale_factor or n/out (unclamped)."""
    f = np.dtype(dtype).type
    if align_corners:
        r = f(size - 1) / f(out - 1) if out > 1 else f(0)
        return np.arange(out, dtype=dtype) * r
    r = f(1.0 / scale) if scale else f(size) / f(out)
    return ((np.arange(out) + 0.5) * np.float64(r) - 0.5).astype(dtype)


def linear_plan(size: int, out: int, scale: Optional[float], align_corners: bool, dtype: np.dtype) -> Plan:
    """torch's linear taps, computed in the input's float type: the source position
    x = i r (align_corners, r = (n - 1)/(out - 1)) or max((i + 1/2) r - 1/2, 0) (else, r =
    1/scale_factor or n/out); index0 = min(floor(x), n - 1), index1 = index0 + 1 unless at
    the end, weights 1 - l and l with l = clip(x - index0, 0, 1).

    torch's compiled kernel fuses (i + 1/2) r - 1/2 into one multiply-add, rounded once; float64
    holds a float32 r's product and difference exactly, so float32 rounds once from there."""
    if out == size:
        i = np.arange(out)
        return i[None, :], None, None, size
    f = np.dtype(dtype).type
    src = source_positions(size, out, scale, align_corners, dtype)
    if not align_corners:
        src = np.maximum(src, f(0))
    i0 = np.minimum(np.floor(src).astype(np.int64), size - 1)
    lam = np.clip(src - i0.astype(dtype), f(0), f(1))
    i1 = i0 + (i0 < size - 1)
    return np.stack([i0, i1]), np.stack([f(1) - lam, lam]), None, size
