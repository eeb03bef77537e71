"""Copies and views that rearrange one tensor: tile, repeat_interleave, ravel, the flips and
rotations, swapaxes, and `Tensor.unfold` (sliding windows, a view).

All but unfold are written with existing ops (repeat, index_select, flip, transpose), whose
gradients are torch's for these; unfold's gradient sums each window's gradient back into place.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

from .. import _tensor
from ..autograd.function import Function
from ._util import normalize_dims
from ._views import track
from .index import index_select
from .shape import _sizes, flip, repeat, reshape, transpose


def tile(input: Any, dims: Union[int, Sequence[int]]) -> Any:
    """np.tile's rule: `dims` shorter than input.ndim is padded with leading ones."""
    reps = _sizes((dims,)) if not isinstance(dims, int) else (dims,)
    return repeat(input, (1,) * (input.ndim - len(reps)) + tuple(reps))


def ravel(input: Any) -> Any:
    return reshape(input, (-1,))


def repeat_interleave(
    input: Any, repeats: Any = None, dim: Optional[int] = None, *, output_size: Optional[int] = None
) -> Any:
    """Each element (or slice along dim) repeated `repeats` times, in place: [a, b] -> [a, a, b, b].
    With only a tensor of counts, the indices 0..n-1 repeated by those counts."""
    if repeats is None:
        counts = _counts(input).reshape(-1)
        return input._make(np.repeat(np.arange(counts.size, dtype=np.int64), counts), False, None)
    if dim is None:
        input, d = reshape(input, (-1,)), 0
    else:
        d = normalize_dims(dim, input.ndim)[0] if input.ndim else 0
        if input.ndim == 0:
            input = reshape(input, (1,))
    n = input.shape[d]
    counts = _counts(repeats)
    if counts.ndim == 1 and counts.size != n:
        raise RuntimeError(
            f"repeats must have the same size as input along dim, but got repeats.size(0) = {counts.size} "
            f"and input.size({d}) = {n}"
        )
    index = np.repeat(np.arange(n, dtype=np.int64), counts)
    if output_size is not None and output_size != index.size:
        raise RuntimeError(f"repeat_interleave: output_size {output_size} does not match the total repeats {index.size}")
    return index_select(input, d, input._make(index, False, None))


def _counts(repeats: Any) -> np.ndarray:
    """The repeat counts as an array; a one-element vector counts as a number, as in torch."""
    counts = np.asarray(repeats._data if isinstance(repeats, _tensor.Tensor) else repeats)
    if counts.dtype.kind not in "iu":
        raise RuntimeError("repeat_interleave: repeats has to be Long or Int tensor")
    if counts.ndim > 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    if counts.size and counts.min() < 0:
        raise RuntimeError("repeat_interleave: repeats can not be negative")
    return counts.reshape(()) if counts.size == 1 else counts


def fliplr(input: Any) -> Any:
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


def flipud(input: Any) -> Any:
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


def rot90(input: Any, k: int = 1, dims: Sequence[int] = (0, 1)) -> Any:
    """Rotate by 90 degrees k times in the plane of dims, from dims[0] towards dims[1]."""
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = (normalize_dims(d, input.ndim)[0] for d in dims)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    k %= 4
    if k == 1:
        return transpose(flip(input, (d1,)), d0, d1)
    if k == 2:
        return flip(input, (d0, d1))
    if k == 3:
        return transpose(flip(input, (d0,)), d0, d1)
    return input.clone()


def swapaxes(input: Any, axis0: int, axis1: int) -> Any:
    return transpose(input, axis0, axis1)


def _windows(x: np.ndarray, dim: int, size: int, step: int) -> np.ndarray:
    """The windows of x along dim as a view: dim becomes the window count, a last dim the window."""
    count = (x.shape[dim] - size) // step + 1
    shape = x.shape[:dim] + (count,) + x.shape[dim + 1:] + (size,)
    strides = x.strides[:dim] + (x.strides[dim] * step,) + x.strides[dim + 1:] + (x.strides[dim],)
    return np.lib.stride_tricks.as_strided(x, shape, strides)


class Unfold(Function):
    """Windows of `size` every `step` along dim, as a new last dim (a view);  dx = each window's
    gradient added back where the window was read."""

    _array_forward = True
    _is_view = True

    @staticmethod
    def forward(ctx, x, dim, size, step):
        ctx.shape, ctx.args = x.shape, (dim, size, step)
        return _windows(x, dim, size, step)

    @staticmethod
    def backward(ctx, grad):
        return UnfoldBackward.apply(grad, ctx.shape, *ctx.args), None, None, None


class UnfoldBackward(Function):
    """The sum of windows back into a tensor of `shape` (unfold's adjoint);  dg = unfold(dy)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, g, shape, dim, size, step):
        ctx.args = (dim, size, step)
        out = np.zeros(shape, g.dtype)
        count = g.shape[dim]
        for k in range(size):
            key = (slice(None),) * dim + (slice(k, k + step * (count - 1) + 1, step),)
            out[key] += g[..., k]
        return out

    @staticmethod
    def backward(ctx, grad):
        return Unfold.apply(grad, *ctx.args), None, None, None, None


def unfold(input: Any, dimension: int, size: int, step: int) -> Any:
    """`Tensor.unfold`: every window of `size` elements, `step` apart, along `dimension`."""
    x = reshape(input, (1,)) if input.ndim == 0 else input
    d = unfold_dim(x.shape, dimension, size, step)
    out = track(Unfold.apply(x, d, size, step), x, lambda t: Unfold.apply(t, d, size, step))
    return reshape(out, (size,)) if input.ndim == 0 else out


def unfold_dim(shape: tuple[int, ...], dimension: int, size: int, step: int) -> int:
    """`dimension` as an axis of a tensor of `shape`, once size and step are checked as torch does."""
    d = normalize_dims(dimension, len(shape))[0]
    if not 0 <= size <= shape[d]:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {shape[d]} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return d
