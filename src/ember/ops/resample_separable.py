"""torch's separable resampling kernels (`_upsample_bilinear2d_aa`, `_upsample_bicubic2d_aa`,
and bilinear/bicubic on uint8): each axis is resampled on its own, W first, then H.

Each output i of an axis reads a run of inputs [xmin, xmin + xsize) with weights:

- antialias (PIL's filters): with scale r (module `resample`), the support s = k/2 * max(r, 1)
  (k = 2 bilinear, 4 bicubic), centre c = r (i + 1/2), xmin = trunc(c - s + 1/2) clipped at 0,
  the end trunc(c + s + 1/2) clipped at n; w_j = f((xmin + j - c + 1/2) / max(r, 1)), normalised
  to sum 1, f the triangle 1 - |x| or Keys' cubic with A = -0.5 (PIL's). Downscaling widens the
  filter, so every input contributes (no aliasing).
- uint8 without antialias: the usual taps (the source position and its neighbours, with
  Keys' A = -0.75), the weights of taps past an edge added to the edge's.

On uint8 the weights become int16 fixed point: with m the largest weight of the axis, the
precision P is the largest p < 22 with round(m 2^(p+1)) < 2^15, w' = round(w 2^P), and each
output is clamp((2^(P-1) + sum x w') >> P, 0, 255): integer arithmetic, rounded once per axis.
Float weights are computed in the input's float type with torch's mixed float/double steps.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional

import numpy as np

from .resample import Plan, WidthFirstResample
from .resample_modes import keys_far, keys_near


def _triangle(x: np.ndarray) -> np.ndarray:
    x = np.abs(x)
    return np.where(x < 1, 1 - x, 0).astype(x.dtype)


def _keys(a: float) -> Callable[[np.ndarray], np.ndarray]:
    def cubic(x: np.ndarray) -> np.ndarray:
        x = np.abs(x)
        return np.where(x < 1, keys_near(x, a), np.where(x < 2, keys_far(x, a), 0)).astype(x.dtype)

    return cubic


_FILTERS = {"bilinear": (2, _triangle, _triangle), "bicubic": (4, _keys(-0.5), _keys(-0.75))}


def axis_scale(size: int, out: int, align_corners: bool, scale: Optional[float], dtype: np.dtype) -> np.floating:
    """torch's area_pixel_compute_scale in `dtype`: (n - 1)/(out - 1) with align_corners, else
    1/scale_factor or n/out."""
    f = np.dtype(dtype).type
    if align_corners:
        return f(size - 1) / f(out - 1) if out > 1 else f(0)
    return f(1.0 / scale) if scale else f(size) / f(out)


def _aa_runs(size: int, out: int, r: np.floating, taps: int, fn: Callable) -> tuple:
    """(xmin, xsize, weights (out, K)) of the antialiased filter, in r's float type."""
    f = type(r)
    support = f(taps * 0.5) * r if r >= 1 else f(taps * 0.5)
    width = int(math.ceil(support)) * 2 + 1
    inv = f(1.0) / r if r >= 1 else f(1.0)
    centre = (np.float64(r) * (np.arange(out) + 0.5)).astype(f)
    xmin = np.maximum(((centre - support).astype(np.float64) + 0.5).astype(np.int64), 0)
    end = np.minimum(((centre + support).astype(np.float64) + 0.5).astype(np.int64), size)
    xsize = np.clip(end - xmin, 0, width)
    j = np.arange(width)[None, :]
    offset = ((xmin[:, None] + j).astype(f) - centre[:, None]).astype(np.float64) + 0.5
    weights = np.where(j < xsize[:, None], fn((offset * np.float64(inv)).astype(f)), f(0))
    total = np.zeros(out, dtype=f)
    for k in range(width):  # torch sums the weights in order
        total = total + weights[:, k]
    weights = np.where(total[:, None] != 0, weights / np.where(total == 0, f(1), total)[:, None], weights)
    return xmin, xsize, weights.astype(f)


def _edge_runs(size: int, out: int, r: np.floating, taps: int, fn: Callable, align_corners: bool) -> tuple:
    """(xmin, xsize, weights (out, K)) of the plain taps in float64, the weights of taps past an
    edge added to the edge tap's (torch's uint8 path without antialias)."""
    i = np.arange(out, dtype=np.float64)
    src = r * i if align_corners else r * (i + 0.5) - 0.5
    if taps == 2 and not align_corners:
        src = np.maximum(src, 0.0)
    index = np.minimum(np.floor(src.astype(np.float32)).astype(np.int64), size - 1)
    lam = np.clip(src - index, 0.0, 1.0)
    half = taps // 2
    lo = index - half + 1
    xmin = np.maximum(lo, 0)
    xsize = np.clip(np.minimum(index + half + 1, size) - xmin, 0, taps)
    weights = np.zeros((out, taps))
    for o in range(out):
        slot = 0
        for j in range(taps):
            if lo[o] + j <= 0:
                slot = 0
            elif lo[o] + j >= size - 1:
                slot = xsize[o] - 1
            weights[o, slot] += fn(np.float64(j + 1 - half) - lam[o])
            slot += 1
    return xmin, xsize, weights


def separable_plan(size: int, out: int, scale: Optional[float], align_corners: bool, mode: str,
                   antialias: bool, dtype: np.dtype) -> tuple[Plan, float]:
    """One axis's taps as a Plan, and the largest weight (for the uint8 precision); weights in
    float64 for uint8, else in the input's float type."""
    taps, aa_filter, plain_filter = _FILTERS[mode]
    work = np.float64 if np.dtype(dtype).kind != "f" else dtype
    r = axis_scale(size, out, align_corners, scale, work)
    if antialias:
        xmin, xsize, weights = _aa_runs(size, out, r, taps, aa_filter)
    else:
        xmin, xsize, weights = _edge_runs(size, out, np.float64(r), taps, plain_filter, align_corners)
    k = np.arange(weights.shape[1])[:, None]
    index = np.minimum(xmin[None, :] + k, size - 1)
    valid = k < xsize[None, :]
    return (index, weights.T, valid, size), float(np.max(weights, initial=0.0))


def _int16(weights: np.ndarray, largest: float) -> tuple[np.ndarray, int]:
    """The fixed-point weights and their precision P (module docstring)."""
    precision = 0
    while precision < 22 and int(0.5 + largest * (1 << (precision + 1))) < (1 << 15):
        precision += 1
    v = weights * (1 << precision)
    return np.where(v < 0, (v - 0.5).astype(np.int64), (v + 0.5).astype(np.int64)), precision


def resample_uint8(x: np.ndarray, plans: tuple) -> np.ndarray:
    """uint8 (N, C, H, W) resampled along W, then H, in torch's int16 fixed point; `plans` are
    (Plan, largest weight) pairs per spatial axis, None for an axis whose size is kept."""
    for axis in reversed(range(2, 2 + len(plans))):
        if plans[axis - 2] is None:
            continue
        (index, weights, valid, _), largest = plans[axis - 2]
        fixed, precision = _int16(np.where(valid, weights, 0.0), largest)
        acc = np.full(x.shape[:axis] + (index.shape[1],) + x.shape[axis + 1:], 1 << (precision - 1), dtype=np.int64)
        shape = (-1,) + (1,) * (x.ndim - 1 - axis)
        for t in range(index.shape[0]):
            acc += np.take(x, index[t], axis=axis).astype(np.int64) * fixed[t].reshape(shape)
        x = np.clip(acc >> precision, 0, 255).astype(np.uint8)
    return x


def _taps(plan: Optional[Plan], size: int) -> tuple[np.ndarray, np.ndarray]:
    """(index, weight) of an axis, (T, out), with weight 0 on invalid taps; a kept axis (None)
    is the identity."""
    if plan is None:
        return np.arange(size)[None, :], np.ones((1, size))
    index, weight, valid, _ = plan
    return index, np.where(valid, weight, 0)


class _Antialias(WidthFirstResample):
    """y = the antialiased taps along W, then H;  dx[h, w] = sum over the outputs (oh, ow) that
    read (h, w), in that order, of (wx * wy) dy[oh, ow]: torch's backward loop, whose order of
    summation the array rule keeps (float32 gradients then round as torch's do)."""

    @staticmethod
    def backward_arrays(ctx, grad):
        n, c, out_h, out_w = grad.shape
        (ih, wh), (iw, ww) = _taps(ctx.plans[0], out_h), _taps(ctx.plans[1], out_w)
        width = ctx.plans[1][3] if ctx.plans[1] is not None else out_w
        height = ctx.plans[0][3] if ctx.plans[0] is not None else out_h
        dtype = grad.dtype
        # (oh, ow, y, x): the weight wx wy and the input position each output's tap reads
        weight = ww.T.astype(dtype)[None, :, None, :] * wh.T.astype(dtype)[:, None, :, None]
        target = ih.T[:, None, :, None] * width + iw.T[None, :, None, :]
        taps = weight.shape[2] * weight.shape[3]
        weight, target = (a.reshape(-1) for a in np.broadcast_arrays(weight, target))
        source = np.repeat(np.arange(out_h * out_w), taps)  # the output each contribution comes from
        rows = grad.reshape(n * c, out_h * out_w)
        out = np.zeros((n * c, height * width), dtype=dtype)
        chunk = max(1, 4_000_000 // max(weight.size, 1))
        for start in range(0, n * c, chunk):
            block = rows[start:start + chunk]
            contributions = weight[None, :] * block[:, source]
            np.add.at(out, (np.arange(start, start + block.shape[0])[:, None], target[None, :]), contributions)
        return out.reshape(n, c, height, width), None


class UpsampleBilinear2DAa(_Antialias):
    pass


class UpsampleBicubic2DAa(_Antialias):
    pass


_NODES = {"bilinear": UpsampleBilinear2DAa, "bicubic": UpsampleBicubic2DAa}


def separable_interpolate(input: Any, mode: str, out: tuple, scales: tuple, align_corners: bool, antialias: bool) -> Any:
    """interpolate's separable kernels (module docstring) for a 4-d input: antialias on float
    input (differentiable), and uint8 input with or without antialias (integer, no graph). An
    axis whose size is kept is left as it is, as torch leaves it."""
    x = input._data
    dtype = x.dtype
    plans = tuple(None if n == o else separable_plan(n, o, s, align_corners, mode, antialias, dtype)
                  for n, o, s in zip(x.shape[2:], out, scales))
    if dtype == np.uint8:
        return input._make(resample_uint8(x, plans), False, None)
    return _NODES[mode].apply(input, tuple(None if p is None else p[0] for p in plans))
