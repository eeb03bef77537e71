"""Spatial transformers: F.affine_grid (the sampling grid of an affine map) and F.grid_sample
(the input read at those grid points), for 4-d (N, C, H, W) and 5-d (N, C, D, H, W) input.

grid_sample, per output point with grid value (x, y) in [-1, 1]:
- unnormalise: i = (x + 1)/2 (W - 1) with align_corners, else ((x + 1) W - 1)/2 (likewise y, H);
- padding_mode "border" clips i to [0, W - 1]; "reflection" first reflects i about the borders
  (-1/2 and W - 1/2, or 0 and W - 1 with align_corners), then clips; "zeros" reads 0 outside;
- mode "bilinear": the four neighbours (floor(i), floor(j)) .. +1, weighted by the areas of
  the opposite rectangles (in 5-d the eight, by volumes); mode "nearest": the neighbour at
  rint(i), rint(j) (half to even); mode "bicubic" (4-d): Keys' cubic convolution (A = -0.75) of
  the 4 x 4 neighbours of the unpadded (i, j), each neighbour's position padded on its own.
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


def _padded(i: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    """A source coordinate moved inside the image as padding_mode says (zeros: left as it is)."""
    if padding_mode == "reflection":
        i = _reflect(i, 0, 2 * (size - 1)) if align_corners else _reflect(i, -1, 2 * size - 1)
    if padding_mode in ("border", "reflection"):
        i = i.clamp(0, size - 1)
    return i


def _read(input: Tensor, positions: list[np.ndarray]) -> Tensor:
    """input[n, c, p_0, p_1, ...] for integer (N, *out) positions along the spatial dims, 0
    outside the image."""
    n, c, *sizes = input.shape
    inside = np.ones(positions[0].shape, dtype=bool)
    flat = np.zeros(positions[0].shape, dtype=np.int64)
    for p, size in zip(positions, sizes):
        inside &= (p >= 0) & (p < size)
        flat = flat * size + np.clip(p, 0, size - 1)
    flat = np.where(inside, flat, 0).reshape(n, 1, -1)
    index = _creation.tensor(np.broadcast_to(flat, (n, c, flat.shape[2])).copy())
    values = input.reshape(n, c, -1).gather(2, index).reshape(n, c, *positions[0].shape[1:])
    mask = _creation.tensor(inside[:, None].astype(input._data.dtype))
    return values * mask


def _linear(input: Tensor, coords: list[Tensor]) -> Tensor:
    """Bi- or trilinear: the 2^d corners around each point, the last dim's bit varying fastest
    (nw, ne, sw, se; then tnw .. bse in 3-d), each weighted by the product of its distances to
    the opposite faces, x's factor first, as torch's kernels multiply."""
    floors = [np.floor(c.detach().numpy()).astype(np.int64) for c in coords]
    near = [c - _creation.tensor(f, dtype=c.dtype) for c, f in zip(coords, floors)]  # from the low corner
    far = [_creation.tensor(f + 1, dtype=c.dtype) - c for c, f in zip(coords, floors)]  # from the high one
    out = None
    for corner in np.ndindex(*(2,) * len(coords)):
        weight = None
        for d in reversed(range(len(coords))):
            factor = near[d] if corner[d] else far[d]
            weight = factor if weight is None else weight * factor
        term = _read(input, [f + b for f, b in zip(floors, corner)]) * weight.unsqueeze(1)
        out = term if out is None else out + term
    return out


def _keys(t: Tensor) -> list[Tensor]:
    """Keys' cubic convolution weights (A = -0.75) of the taps at -1, 0, 1, 2 for the fraction t,
    as torch computes them: W(t + 1), W(t), W(1 - t), W((1 - t) + 1)."""
    a = -0.75

    def near(x: Tensor) -> Tensor:
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x: Tensor) -> Tensor:
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    opposite = 1 - t
    return [far(t + 1), near(t), near(opposite), far(opposite + 1)]


def _bicubic(input: Tensor, ix: Tensor, iy: Tensor, padding_mode: str, align_corners: bool) -> Tensor:
    """The 4 x 4 taps around each point: each row of four along x combined with x's weights,
    then the rows with y's; a tap's position is padded on its own (torch's get_value_bounded),
    its value read at the truncated coordinate."""
    h, w = input.shape[2:]
    x0, y0 = np.floor(ix.detach().numpy()), np.floor(iy.detach().numpy())
    wx = _keys(ix - _creation.tensor(x0, dtype=ix.dtype))
    wy = _keys(iy - _creation.tensor(y0, dtype=iy.dtype))

    def tap(base: np.ndarray, k: int, size: int) -> np.ndarray:
        moved = _padded(_creation.tensor(base + k - 1, dtype=ix.dtype), size, padding_mode, align_corners)
        return np.trunc(moved.numpy()).astype(np.int64)

    out = None
    for i in range(4):
        row = None
        for j in range(4):
            term = _read(input, [tap(y0, i, h), tap(x0, j, w)]) * wx[j].unsqueeze(1)
            row = term if row is None else row + term
        term = row * wy[i].unsqueeze(1)
        out = term if out is None else out + term
    return out


def _check(input: Tensor, grid: Tensor, mode: str, padding_mode: str) -> None:
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(
            "nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: "
            f"'{padding_mode}'"
        )
    sizes = f"input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}"
    if grid.shape[-1] != input.ndim - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {input.ndim - 2} in last dimension, but got grid "
                           f"with sizes {list(grid.shape)}")
    if input.ndim != grid.ndim or input.ndim not in (4, 5):
        wanted = 4 if input.ndim == 4 else 5
        raise RuntimeError(f"grid_sampler(): expected {wanted}D input and grid with same number of dimensions, but got {sizes}")
    if grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got {sizes}")
    if grid.dtype is not input.dtype:
        raise RuntimeError(
            f"grid_sampler(): expected input and grid to have same dtype, but input has {input.dtype.name} and grid has "
            f"{grid.dtype.name}"
        )
    if mode == "bicubic" and input.ndim != 4:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")


def grid_sample(
    input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros", align_corners: Optional[bool] = None,
) -> Tensor:
    """y[n, c, *p] = input[n, c] read at grid[n, *p] = (x, y[, z]) in [-1, 1] (module docstring);
    input (N, C, H, W) with grid (N, Ho, Wo, 2), or (N, C, D, H, W) with grid (N, Do, Ho, Wo, 3).

    >>> F.grid_sample(ember.ones(1, 1, 3, 3), ember.zeros(1, 2, 2, 2), align_corners=True)
    tensor([[[[1., 1.],
              [1., 1.]]]])
    """
    _check(input, grid, mode, padding_mode)
    corners = bool(align_corners)
    sizes = input.shape[2:]
    # grid's last axis lists x (the last spatial dim) first
    raw = [_unnormalize(grid[..., len(sizes) - 1 - d], n, corners) for d, n in enumerate(sizes)]
    if mode == "bicubic":
        return _bicubic(input, raw[1], raw[0], padding_mode, corners)
    coords = [_padded(c, n, padding_mode, corners) for c, n in zip(raw, sizes)]
    if mode == "nearest":
        return _read(input, [np.rint(c.detach().numpy()).astype(np.int64) for c in coords])
    return _linear(input, coords)


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
