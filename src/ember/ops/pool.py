"""Pooling over the trailing spatial dims of (N, C, *S) arrays: max, average and adaptive max.

- max pooling: a running maximum over the kernel offsets, each a strided view of the image
  padded with -inf, which also records the offset of each window's winner (int8 arithmetic:
  NumPy's masked assignment costs several times the maximum itself). The winner follows torch:
  the first maximum of the window in row-major order, except that a NaN always wins (so the
  last NaN); a window of -inf points at its first element inside the input. The gradient goes
  to the winner (`MaxPoolAdjoint`, one strided write per offset) and its adjoint `MaxPoolTake`
  reads the winners, so each is the other's backward.
- adaptive max pooling: the same running maximum over the taps of each bin, recording flat
  indices; `PlaceAt` and `TakeAt` are its gradient pair.
- average pooling: the sum over kernel offsets times 1/divisor; its adjoint spreads the
  gradient back by one strided add per offset.

Results keep the memory layout of the input (NumPy's order "K"): a convolution's output is
stored channel-major, and the gradient that comes back then needs no transposing copy.
"""

from __future__ import annotations

import math
from typing import Optional, Union

import numpy as np

from ..autograd.function import Function
from ._util import data
from .conv import Geometry, channel_major, empty_nc, padded
from .resample import bin_taps, on_axis

_ALL = (slice(None), slice(None))

def pool_output_size(size: int, kernel: int, stride: int, pad: int, dilation: int, ceil_mode: bool) -> int:
    """torch's: floor (or ceil) of (n + 2p - d (k - 1) - 1) / s, plus 1; in ceil mode the
    last window must start inside the input or its left padding."""
    span = size + 2 * pad - dilation * (kernel - 1) - 1
    out = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def _flat_index(parts: list[np.ndarray], size: tuple[int, ...]) -> np.ndarray:
    """Row-major flat index into `size` from one broadcastable index array per dim."""
    flat = parts[0]
    for part, n in zip(parts[1:], size[1:]):
        flat = flat * n + part
    return flat


def _lowest(dtype: np.dtype) -> float:
    """What padding counts as in a maximum: -inf, or the smallest integer of an integer dtype."""
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _running_max(
    candidates: list[tuple[np.ndarray, Union[int, np.ndarray]]], first: Union[None, int, np.ndarray],
    best: np.ndarray, dtype: type,
) -> tuple[np.ndarray, np.ndarray]:
    """The max over candidate (values, index) pairs, in order, into `best`, and the index of
    the winner: a later candidate wins only if strictly greater, so ties keep the first.
    `first` is the index a window of -inf reports when its first candidate may be padding;
    None when the first candidate is always inside the input (the running maximum then starts
    from it). Where a NaN came in, the pass is redone letting each NaN win, as torch does."""
    where = np.empty(best.shape, dtype=dtype)
    lowest = _lowest(best.dtype)
    if first is None:
        (values, index), rest = candidates[0], candidates[1:]
        np.copyto(best, values)
        where[...] = index
    else:
        best.fill(lowest)
        where[...] = first
        rest = candidates
    for values, index in rest:
        take = values > best
        np.maximum(best, values, out=best)
        step = index - where  # where += take * (index - where), without a masked assignment
        step *= take
        where += step
    if best.dtype.kind == "f" and np.isnan(best).any():
        best.fill(lowest)
        where[...] = candidates[0][1] if first is None else first
        for values, index in candidates:
            take = (values > best) | np.isnan(values)
            np.copyto(best, values, where=take)
            np.copyto(where, index, where=take)
    return best, where


def _window_starts(g: Geometry) -> list[np.ndarray]:
    """Per spatial dim, the input coordinate where each window starts (q s - p)."""
    nd = len(g.kernel)
    return [on_axis(np.arange(q) * s - p, i, nd) for i, (q, s, p) in enumerate(zip(g.out_size, g.stride, g.pad))]


def _first_offset(g: Geometry) -> Union[None, np.ndarray]:
    """The kernel offset (row-major number) of each window's first element inside the input;
    None without padding, where that is offset 0."""
    if not any(g.pad):
        return None
    number = 0
    for start, k, d in zip(_window_starts(g), g.kernel, g.dilation):
        number = number * k + (np.maximum(-start, 0) + d - 1) // d
    return number


def _offset_to_flat(local: np.ndarray, g: Geometry) -> np.ndarray:
    """Kernel offset numbers -> flat indices h W + w into the input's spatial dims (int64)."""
    delta = np.zeros(1, dtype=np.int64)
    for k, d, n in zip(g.kernel, g.dilation, g.in_size):
        delta = (delta[:, None] * n + np.arange(k) * d).ravel()
    return _flat_index(_window_starts(g), g.in_size) + delta[local]


class MaxPool2DWithIndices(Function):
    """y = the max over each window (and, if asked, where it is as a flat index into the
    input's spatial dims, int64);  dx = dy written at each window's maximum."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, g, with_indices):
        xp = padded(x, g, _lowest(x.dtype))
        outer = channel_major(x)
        best = empty_nc(x.shape[:2] + g.out_size, x.dtype, outer)
        dtype = np.int8 if len(g.offsets) < 128 else np.int64
        candidates = [(xp[key], k) for k, (_, key) in enumerate(g.offsets)]
        best, local = _running_max(candidates, _first_offset(g), best, dtype)
        ctx.geometry, ctx.outer = g, outer
        ctx.save_for_backward(local)
        return (best, _offset_to_flat(local, g)) if with_indices else best

    @staticmethod
    def backward(ctx, grad, *_):
        (local,) = ctx.saved_tensors
        return MaxPoolAdjoint.apply(grad, data(local), ctx.geometry, ctx.outer), None, None

    backward_arrays = backward


class MaxPoolAdjoint(Function):
    """dx = zeros with each dy written at its window's maximum (added where windows overlap);
    d(dy) = MaxPoolTake(ddx). `local` holds each window's winning kernel offset."""

    _array_forward = True

    @staticmethod
    def forward(ctx, grad, local, g, outer):
        ctx.local, ctx.geometry = local, g
        image = empty_nc(grad.shape[:2] + g.padded_size, grad.dtype, outer)
        image.fill(0)
        # a product with the 0/1 mask writes every position of a disjoint window at once;
        # it would turn an infinite gradient into NaN next to it, so those take the masked path
        multiply = g.disjoint and np.isfinite(grad).all()
        for k, (_, key) in enumerate(g.offsets):
            hit = local == k
            if multiply:
                np.multiply(grad, hit, out=image[key])
            else:
                view = image[key]
                view += np.where(hit, grad, 0)
        return image[g.inner]

    @staticmethod
    def backward(ctx, grad):
        return MaxPoolTake.apply(grad, ctx.local, ctx.geometry), None, None, None

    backward_arrays = backward


class MaxPoolTake(Function):
    """y = x at each window's recorded maximum;  dx = MaxPoolAdjoint(dy)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, local, g):
        ctx.local, ctx.geometry, ctx.outer = local, g, channel_major(x)
        xp = padded(x, g)
        out = np.zeros(local.shape, dtype=x.dtype)
        for k, (_, key) in enumerate(g.offsets):
            np.copyto(out, xp[key], where=local == k)
        return out

    @staticmethod
    def backward(ctx, grad):
        return MaxPoolAdjoint.apply(grad, ctx.local, ctx.geometry, ctx.outer), None, None

    backward_arrays = backward


class PlaceAt(Function):
    """dx (N, C, *size) = zeros with dy[n, c, q] added at flat spatial index i[n, c, q]
    (`np.add.at`: adaptive bins may share elements);  d(dy) = TakeAt(ddx, i)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, grad, indices, size):
        ctx.indices = indices
        n, c = grad.shape[:2]
        out = np.zeros((n * c, math.prod(size)), dtype=grad.dtype)
        rows = np.arange(n * c).reshape(n, c, *(1,) * (grad.ndim - 2)) * out.shape[1]
        np.add.at(out.ravel(), (indices + rows).ravel(), grad.ravel())
        return out.reshape((n, c) + tuple(size))

    @staticmethod
    def backward(ctx, grad):
        return TakeAt.apply(grad, ctx.indices), None, None

    backward_arrays = backward


class TakeAt(Function):
    """y[n, c, q] = x[n, c, flat spatial index i[n, c, q]];  dx = PlaceAt(dy, i)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, indices):
        ctx.indices, ctx.size = indices, x.shape[2:]
        n, c = x.shape[:2]
        taken = np.take_along_axis(x.reshape(n, c, -1), indices.reshape(n, c, -1), axis=2)
        return taken.reshape(indices.shape)

    @staticmethod
    def backward(ctx, grad):
        return PlaceAt.apply(grad, ctx.indices, ctx.size), None

    backward_arrays = backward


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
        count = count * on_axis(np.maximum(end - start, 0), i, nd)
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
        for _, key in g.offsets:
            total = xp[key].copy() if total is None else np.add(total, xp[key], out=total)
        if x.dtype.kind != "f":  # torch divides integer sums, truncating toward zero
            with np.errstate(divide="ignore"):
                return (total / np.rint(1 / scale)).astype(x.dtype)
        total *= scale.astype(x.dtype)
        return total

    @staticmethod
    def backward(ctx, grad):
        return AvgPoolAdjoint.apply(grad, ctx.geometry, ctx.scale), None, None

    backward_arrays = backward


class AvgPoolAdjoint(Function):
    """dx = sum over kernel offsets of dy * scale placed on the positions that offset met;
    d(dy) = AvgPool2D(ddx)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, grad, g, scale):
        ctx.geometry, ctx.scale = g, scale
        scaled = grad * scale.astype(grad.dtype)
        image = empty_nc(grad.shape[:2] + g.padded_size, grad.dtype, channel_major(grad))
        image.fill(0)
        for _, key in g.offsets:
            image[key] += scaled
        return image[g.inner]

    @staticmethod
    def backward(ctx, grad):
        return AvgPool2D.apply(grad, ctx.geometry, ctx.scale), None, None

    backward_arrays = backward


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
        axes = [bin_taps(n, m) for n, m in zip(x.shape[2:], out_size)]
        candidates = []
        for taps in np.ndindex(*[len(index) for index, _, _ in axes]):
            parts = [on_axis(axes[i][0][t], i, nd) for i, t in enumerate(taps)]
            values = x[_ALL + np.ix_(*[axes[i][0][t] for i, t in enumerate(taps)])]
            valid = np.ones((1,) * nd, dtype=bool)
            for i, t in enumerate(taps):
                valid = valid & on_axis(axes[i][1][t], i, nd)
            if not valid.all():
                values = np.where(valid, values, -np.inf)
            candidates.append((values, _flat_index(parts, x.shape[2:])))
        best = np.empty(x.shape[:2] + tuple(out_size), dtype=x.dtype)
        values, indices = _running_max(candidates, None, best, np.int64)
        ctx.save_for_backward(indices)
        return values, indices

    @staticmethod
    def backward(ctx, grad, _):
        (indices,) = ctx.saved_tensors
        if indices is None:
            return grad.new_zeros(grad.shape[:2] + ctx.size), None
        return PlaceAt.apply(grad, indices._data, ctx.size), None


