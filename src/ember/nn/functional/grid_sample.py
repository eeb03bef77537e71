"""Spatial transformers: F.affine_grid (the sampling grid of an affine map) and F.grid_sample
(the input read at those grid points), for 4-d (N, C, H, W) input.

grid_sample, per output point with grid value (x, y) in [-1, 1]:
- unnormalise: i = (x + 1)/2 (W - 1) with align_corners, else ((x + 1) W - 1)/2 (likewise y, H);
- padding_mode "border" clips i to [0, W - 1]; "reflection" first reflects i about the borders
  (-1/2 and W - 1/2, or 0 and W - 1 with align_corners), then clips; "zeros" reads 0 outside;
- mode "bilinear": the four neighbours (floor(i), floor(j)) .. +1, weighted by the areas of
  the opposite rectangles; mode "nearest": the neighbour at rint(i), rint(j) (half to even).
It is composed of ember ops (arithmetic, where, gather), so the gradients for the input and
the grid are those of the formula, as torch's kernel computes them.
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from ... import _creation
from ..._tensor import Tensor

__all__ = ["affine_grid", "grid_sample"]


def _unnormalize(coord: Tensor, size: int, align_corners: bool) -> Tensor:
    if align_corners:
        return (coord + 1) / 2 * (size - 1)
    return ((coord + 1) * size - 1) / 2


def _reflect(coord: Tensor, twice_low: int, twice_high: int) -> Tensor:
    """coord reflected into [low, high] by mirroring about both ends, as often as needed."""
    if twice_low == twice_high:
        return coord * 0
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    distance = (coord - low).abs()
    flips = np.floor(distance.detach().numpy() / span)
    extra = distance - _creation.tensor(flips * span, dtype=coord.dtype)
    even = _creation.tensor(flips % 2 == 0)
    return (extra + low).where(even, span - extra + low)


def _source(coord: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    i = _unnormalize(coord, size, align_corners)
    if padding_mode == "reflection":
        i = _reflect(i, 0, 2 * (size - 1)) if align_corners else _reflect(i, -1, 2 * size - 1)
    if padding_mode in ("border", "reflection"):
        i = i.clamp(0, size - 1)
    return i


def _read(input: Tensor, iy: np.ndarray, ix: np.ndarray) -> Tensor:
    """input[n, c, iy, ix] for integer (N, Ho, Wo) positions, 0 outside the image."""
    n, c, h, w = input.shape
    inside = (iy >= 0) & (iy < h) & (ix >= 0) & (ix < w)
    flat = np.where(inside, iy * w + ix, 0).reshape(n, 1, -1)
    index = _creation.tensor(np.broadcast_to(flat, (n, c, flat.shape[2])).copy())
    values = input.reshape(n, c, h * w).gather(2, index).reshape(n, c, *iy.shape[1:])
    mask = _creation.tensor(inside[:, None].astype(input._data.dtype))
    return values * mask


def grid_sample(
    input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros", align_corners: Optional[bool] = None,
) -> Tensor:
    """y[n, c, i, j] = input[n, c] read at grid[n, i, j] = (x, y) in [-1, 1] (module docstring);
    input (N, C, H, W), grid (N, Ho, Wo, 2) -> (N, C, Ho, Wo).

    >>> F.grid_sample(ember.ones(1, 1, 3, 3), ember.zeros(1, 2, 2, 2), align_corners=True)
    tensor([[[[1., 1.],
              [1., 1.]]]])
    """
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(
            "nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: "
            f"'{padding_mode}'"
        )
    if mode == "bicubic":
        raise NotImplementedError("grid_sample: mode 'bicubic' is not implemented in ember (bilinear, nearest are)")
    if input.ndim != 4 or grid.ndim != 4:
        raise NotImplementedError("grid_sample: ember implements 4-D input (N, C, H, W) with a (N, H_out, W_out, 2) grid")
    if grid.shape[-1] != 2 or grid.shape[0] != input.shape[0]:
        raise RuntimeError(
            "grid_sampler(): expected grid to have size 2 in last dimension and the same batch size as input, but got "
            f"input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}"
        )
    if grid.dtype is not input.dtype:
        raise RuntimeError(
            f"grid_sampler(): expected input and grid to have same dtype, but input has {input.dtype.name} and grid has "
            f"{grid.dtype.name}"
        )
    corners = bool(align_corners)
    h, w = input.shape[2:]
    ix = _source(grid[..., 0], w, padding_mode, corners)
    iy = _source(grid[..., 1], h, padding_mode, corners)
    if mode == "nearest":
        return _read(input, np.rint(iy.detach().numpy()).astype(np.int64), np.rint(ix.detach().numpy()).astype(np.int64))
    x0 = np.floor(ix.detach().numpy()).astype(np.int64)
    y0 = np.floor(iy.detach().numpy()).astype(np.int64)
    fx0, fy0 = _creation.tensor(x0, dtype=ix.dtype), _creation.tensor(y0, dtype=iy.dtype)
    east, south = ix - fx0, iy - fy0  # distances from the north-west corner
    west, north = (fx0 + 1) - ix, (fy0 + 1) - iy  # distances from the south-east corner
    weights = [(north * west, 0, 0), (north * east, 0, 1), (south * west, 1, 0), (south * east, 1, 1)]
    out = None
    for weight, dy, dx in weights:
        term = _read(input, y0 + dy, x0 + dx) * weight.unsqueeze(1)
        out = term if out is None else out + term
    return out


def affine_grid(theta: Tensor, size: Sequence[int], align_corners: Optional[bool] = None) -> Tensor:
    """The (N, H, W, 2) grid of theta (N, 2, 3) applied to the base grid (x, y, 1), x and y
    evenly spaced over [-1, 1] (pixel corners, align_corners) or the pixel centres inside it.

    >>> F.affine_grid(ember.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]]), (1, 1, 2, 2), align_corners=True)[0, 0]
    tensor([[-1., -1.],
            [ 1., -1.]])
    """
    size = list(size)
    if len(size) != 4:
        raise NotImplementedError(f"affine_grid only supports 4D sizes in ember, for 2D affine transforms. Got size {size}.")
    if theta.ndim != 3 or tuple(theta.shape[1:]) != (2, 3):
        raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. Got {list(theta.shape)}.")
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    n, _, h, w = size
    dtype = theta._data.dtype

    def steps(k: int) -> np.ndarray:
        if k <= 1:
            return np.zeros(k, dtype=dtype)
        line = np.linspace(-1, 1, k, dtype=dtype)
        return line if align_corners else line * ((k - 1) / k)

    base = np.empty((h, w, 3), dtype=dtype)
    base[..., 0], base[..., 1], base[..., 2] = steps(w)[None, :], steps(h)[:, None], 1
    grid = _creation.tensor(base.reshape(1, h * w, 3)) @ theta.transpose(1, 2)
    return grid.reshape(n, h, w, 2)
