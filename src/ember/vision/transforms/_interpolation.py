"""Interpolation: the InterpolationMode enum, its Pillow equivalents, and the separable
resampling behind `resize` on tensors, written as one (out, in) weight matrix per axis.

The weights follow torch's `interpolate` (align_corners=False): NEAREST picks
floor(dst * in / out), NEAREST_EXACT floor((dst + 0.5) * in / out); BILINEAR and BICUBIC
(a = -0.75) sample at (dst + 0.5) * in / out - 0.5 with edge pixels repeated; with antialias
they use Pillow's filters (triangle, and cubic with a = -0.5), widened by the downscaling factor
and renormalized at the borders, which is the same construction as Pillow's `Image.resize`.
"""

from __future__ import annotations

from enum import Enum
from typing import Callable, Union

import numpy as np


class InterpolationMode(Enum):
    """Interpolation modes, spelled as torchvision's: NEAREST, NEAREST_EXACT, BILINEAR, BICUBIC
    (tensors and PIL images) and BOX, HAMMING, LANCZOS (PIL images only)."""

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


# Pillow's resampling constants (Image.Resampling.NEAREST == 0, ...), by mode and back.
pil_modes_mapping = {
    InterpolationMode.NEAREST: 0, InterpolationMode.BILINEAR: 2, InterpolationMode.BICUBIC: 3,
    InterpolationMode.NEAREST_EXACT: 0, InterpolationMode.BOX: 4, InterpolationMode.HAMMING: 5,
    InterpolationMode.LANCZOS: 1,
}
_MODES_FROM_INT = {
    0: InterpolationMode.NEAREST, 2: InterpolationMode.BILINEAR, 3: InterpolationMode.BICUBIC,
    4: InterpolationMode.BOX, 5: InterpolationMode.HAMMING, 1: InterpolationMode.LANCZOS,
}


def _interpolation_modes_from_int(i: int) -> InterpolationMode:
    """The mode of a Pillow resampling constant (0 NEAREST, 1 LANCZOS, 2 BILINEAR, 3 BICUBIC,
    4 BOX, 5 HAMMING)."""
    if i not in _MODES_FROM_INT:
        raise ValueError(f"Unknown Pillow interpolation constant {i}; expected one of {sorted(_MODES_FROM_INT)}")
    return _MODES_FROM_INT[i]


def _as_mode(interpolation: Union[InterpolationMode, int]) -> InterpolationMode:
    """An InterpolationMode from the mode or a Pillow integer constant."""
    if isinstance(interpolation, InterpolationMode):
        return interpolation
    if isinstance(interpolation, int) and not isinstance(interpolation, bool):
        return _interpolation_modes_from_int(interpolation)
    raise TypeError("Argument interpolation should be a InterpolationMode or a corresponding Pillow integer constant")


def _triangle(x: np.ndarray) -> np.ndarray:
    return np.maximum(1.0 - np.abs(x), 0.0)


def _cubic(a: float) -> Callable[[np.ndarray], np.ndarray]:
    """Keys' cubic convolution kernel with parameter a (support 2)."""

    def kernel(x: np.ndarray) -> np.ndarray:
        x = np.abs(x)
        near = ((a + 2) * x - (a + 3)) * x * x + 1
        far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
        return np.where(x < 1, near, np.where(x < 2, far, 0.0))

    return kernel


def _antialias_weights(in_size: int, out_size: int, kernel: Callable, support: float) -> np.ndarray:
    """Pillow's resampling weights: each output pixel averages the inputs under the kernel,
    stretched by the downscaling factor, and the weights of each row are normalized to 1."""
    scale = in_size / out_size
    stretch = max(scale, 1.0)
    centers = scale * (np.arange(out_size) + 0.5)
    lo = np.maximum((centers - support * stretch + 0.5).astype(np.int64), 0)
    hi = np.minimum((centers + support * stretch + 0.5).astype(np.int64), in_size)
    j = np.arange(in_size)
    inside = (j >= lo[:, None]) & (j < hi[:, None])
    weights = np.where(inside, kernel((j - centers[:, None] + 0.5) / stretch), 0.0)
    totals = weights.sum(axis=1, keepdims=True)
    return weights / np.where(totals == 0, 1.0, totals)


def _nearest_weights(in_size: int, out_size: int, offset: float) -> np.ndarray:
    # torch computes the nearest source index in float32.
    scale = np.float32(in_size) / np.float32(out_size)
    src = np.floor((np.arange(out_size, dtype=np.float32) + np.float32(offset)) * scale).astype(np.int64)
    weights = np.zeros((out_size, in_size))
    weights[np.arange(out_size), np.minimum(src, in_size - 1)] = 1.0
    return weights


def _linear_weights(in_size: int, out_size: int) -> np.ndarray:
    src = np.maximum((np.arange(out_size) + 0.5) * (in_size / out_size) - 0.5, 0.0)
    i0 = src.astype(np.int64)
    frac = src - i0
    weights = np.zeros((out_size, in_size))
    rows = np.arange(out_size)
    np.add.at(weights, (rows, i0), 1.0 - frac)
    np.add.at(weights, (rows, np.minimum(i0 + 1, in_size - 1)), frac)
    return weights


def _cubic_weights(in_size: int, out_size: int) -> np.ndarray:
    src = (np.arange(out_size) + 0.5) * (in_size / out_size) - 0.5
    i0 = np.floor(src).astype(np.int64)
    t = src - i0
    weights = np.zeros((out_size, in_size))
    rows = np.arange(out_size)
    kernel = _cubic(-0.75)
    for k in range(-1, 3):
        np.add.at(weights, (rows, np.clip(i0 + k, 0, in_size - 1)), kernel(t - k))
    return weights


def _resize_weights(in_size: int, out_size: int, mode: InterpolationMode, antialias: bool) -> np.ndarray:
    """The (out_size, in_size) matrix that resamples one axis as torch's interpolate does."""
    if mode is InterpolationMode.NEAREST:
        return _nearest_weights(in_size, out_size, 0.0)
    if mode is InterpolationMode.NEAREST_EXACT:
        return _nearest_weights(in_size, out_size, 0.5)
    if mode is InterpolationMode.BILINEAR:
        return _antialias_weights(in_size, out_size, _triangle, 1.0) if antialias else _linear_weights(in_size, out_size)
    if mode is InterpolationMode.BICUBIC:
        return _antialias_weights(in_size, out_size, _cubic(-0.5), 2.0) if antialias else _cubic_weights(in_size, out_size)
    raise NotImplementedError(f"Interpolation mode {mode.value!r} is supported for PIL images only, not tensors; use NEAREST, NEAREST_EXACT, BILINEAR or BICUBIC")


def resample(data: np.ndarray, size: tuple[int, int], mode: InterpolationMode, antialias: bool) -> np.ndarray:
    """A [..., H, W] float array resampled to [..., size[0], size[1]], the width first."""
    out_h, out_w = size
    in_h, in_w = data.shape[-2:]
    rows = _resize_weights(in_h, out_h, mode, antialias).astype(data.dtype)
    cols = _resize_weights(in_w, out_w, mode, antialias).astype(data.dtype)
    return np.matmul(rows, np.matmul(data, cols.T))
