"""The taps of interpolate's other modes (see `ember.ops.resample` for how taps are applied):
nearest-exact, bicubic, and the 3-d forms of nearest and trilinear, each a `Resample` whose
class name is the node torch records.

- nearest-exact: output i reads input min(floor((i + 1/2) r), n - 1), r = 1/scale_factor or
  n/out in float32: the input pixel whose centre is nearest the output pixel's centre.
- bicubic: the source position x = i (n - 1)/(out - 1) (align_corners) or (i + 1/2) r - 1/2,
  never clamped; with x0 = floor(x) and t = x - x0 (clipped to [0, 1]), output i is the sum of
  w_j(t) x[clamp(x0 - 1 + j, 0, n - 1)] over j = 0..3, Keys' cubic convolution with A = -0.75:
      w_0 = W(t + 1), w_1 = W(t), w_2 = W(1 - t), w_3 = W(2 - t),
      W(s) = (A + 2)|s|^3 - (A + 3)|s|^2 + 1 for |s| <= 1,  A|s|^3 - 5A|s|^2 + 8A|s| - 4A for 1 < |s| < 2.
  Indices past the border repeat the edge pixel (border clamping), so several taps may share
  one input position.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from .resample import Plan, Resample, WidthFirstResample, source_positions

A = -0.75


def nearest_exact_plan(size: int, out: int, scale: Optional[float]) -> Plan:
    """torch's nearest-exact source index, min(floor((i + 1/2) r), n - 1), r in float32."""
    r = np.float32(1.0 / scale) if scale else np.float32(size) / np.float32(out)
    src = ((np.arange(out) + 0.5) * np.float64(r)).astype(np.float32)
    index = np.minimum(np.floor(src).astype(np.int64), size - 1)
    return index[None, :], None, None, size


def _multiply_add(a: np.ndarray, b: np.ndarray, c: float) -> np.ndarray:
    """a * b + c as torch's compiled kernel computes it: one fused multiply-add, rounded once. In
    float32 that is the float64 result rounded to float32 (the product is exact in float64);
    float64 has no wider type here and rounds the product and the sum."""
    if a.dtype == np.float32:
        return (a.astype(np.float64) * b + c).astype(np.float32)
    return a * b + c


def keys_near(s: np.ndarray, a: float = A) -> np.ndarray:
    """(a + 2)|s|^3 - (a + 3)|s|^2 + 1 as ((a + 2) s - (a + 3)) s s + 1, the first step fused."""
    return _multiply_add(np.full_like(s, a + 2), s, -(a + 3)) * s * s + 1


def keys_far(s: np.ndarray, a: float = A) -> np.ndarray:
    """a|s|^3 - 5a|s|^2 + 8a|s| - 4a as ((a s - 5a) s + 8a) s - 4a, the first two steps fused."""
    return _multiply_add(_multiply_add(np.full_like(s, a), s, -5 * a), s, 8 * a) * s - 4 * a


def cubic_plan(size: int, out: int, scale: Optional[float], align_corners: bool, dtype: np.dtype) -> Plan:
    """The four clamped taps and Keys weights of each output (module docstring), computed in
    the input's float type as torch's kernel does."""
    f = np.dtype(dtype).type
    src = source_positions(size, out, scale, align_corners, dtype)
    x0 = np.minimum(np.floor(src).astype(np.int64), size - 1)
    t = np.clip(src - x0.astype(dtype), f(0), f(1))
    opposite = f(1) - t  # torch's w_3 = W((1 - t) + 1), rounded twice in float32, not W(2 - t)
    weights = np.stack([keys_far(t + f(1)), keys_near(t), keys_near(opposite), keys_far(opposite + f(1))]).astype(dtype)
    index = np.clip(x0[None, :] + np.arange(-1, 3)[:, None], 0, size - 1)
    return index, weights, None, size


class UpsampleNearest3D(Resample):
    pass


class UpsampleNearestExact1D(Resample):
    pass


class UpsampleNearestExact2D(Resample):
    pass


class UpsampleNearestExact3D(Resample):
    pass


class UpsampleTrilinear3D(Resample):
    pass


class UpsampleBicubic2D(WidthFirstResample):
    """Bicubic taps applied W first: torch's kernel sums each output's 16 taps as four sums of
    four along W (one per input row) weighted along H, so float32 rounds as torch's does."""
