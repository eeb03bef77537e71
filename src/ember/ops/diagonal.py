"""Diagonals: `diagonal` (a view), its inverse `diagonal_scatter`, and what is built on them
(diag, diag_embed, trace).

The diagonal of dims (dim1, dim2) at `offset` holds x[..., i, i + offset] (offset >= 0) or
x[..., i - offset, i] (offset < 0); the result drops both dims and appends the diagonal as the
last dim. Each op's gradient is the other one: d diagonal = scatter the gradient onto a zero
diagonal; d diagonal_scatter = (the gradient with its diagonal zeroed, its diagonal).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ._util import new_zeros, normalize_dims
from ._views import track


def _diagonal_view(x: np.ndarray, offset: int, dim1: int, dim2: int) -> np.ndarray:
    """A writable view of x's diagonal (NumPy's own `diagonal` view is read-only)."""
    moved = np.moveaxis(x, (dim1, dim2), (-2, -1))
    corner = moved[..., max(-offset, 0):, max(offset, 0):]
    n = max(0, min(corner.shape[-2], corner.shape[-1]))
    step = corner.strides[-2] + corner.strides[-1]
    return np.lib.stride_tricks.as_strided(corner, corner.shape[:-2] + (n,), corner.strides[:-2] + (step,))


def _dims(ndim: int, dim1: int, dim2: int) -> tuple[int, int]:
    d1, d2 = normalize_dims(dim1, ndim)[0], normalize_dims(dim2, ndim)[0]
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


class Diagonal(Function):
    """The diagonal of dims (dim1, dim2) at offset (a view);  dx = zeros with dy on that diagonal."""

    _array_forward = True
    _is_view = True

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        ctx.shape, ctx.args = x.shape, (offset, dim1, dim2)
        return _diagonal_view(x, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, grad):
        return DiagonalScatter.apply(new_zeros(grad, ctx.shape), grad, *ctx.args), None, None, None


class DiagonalScatter(Function):
    """input with its diagonal replaced by src (a copy);  dinput = dy with that diagonal zeroed,
    dsrc = dy's diagonal."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, src, offset, dim1, dim2):
        ctx.src_shape, ctx.args = src.shape, (offset, dim1, dim2)
        out = np.array(x, dtype=np.result_type(x, src))
        _diagonal_view(out, offset, dim1, dim2)[...] = src
        return out

    @staticmethod
    def backward(ctx, grad):
        dx = DiagonalScatter.apply(grad, new_zeros(grad, ctx.src_shape), *ctx.args) if ctx.needs_input_grad[0] else None
        dsrc = Diagonal.apply(grad, *ctx.args) if ctx.needs_input_grad[1] else None
        return dx, dsrc, None, None, None


def diagonal(input: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Any:
    """The diagonal of dims (dim1, dim2) at `offset`, as a view of input."""
    args = (int(offset),) + _dims(input.ndim, dim1, dim2)
    return track(Diagonal.apply(input, *args), input, lambda t: Diagonal.apply(t, *args))


def diagonal_scatter(input: Any, src: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Any:
    """A copy of input whose diagonal (as `diagonal` takes it) holds src."""
    args = (int(offset),) + _dims(input.ndim, dim1, dim2)
    expected = _diagonal_view(input._data, *args).shape
    if tuple(src.shape) != expected:
        raise RuntimeError(
            f"diagonal_scatter: expected src to have a size equal to the diagonal of the input: "
            f"{list(expected)}, but got {list(src.shape)}"
        )
    if src.dtype != input.dtype:
        raise RuntimeError(f"diagonal_scatter: expected src dtype {input.dtype}, but got {src.dtype}")
    return DiagonalScatter.apply(input, src, *args)


def diag_embed(input: Any, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Any:
    """A tensor whose diagonals (dims dim1, dim2 of the result) hold input's last dim, zeros elsewhere."""
    ndim = input.ndim + 1
    d1, d2 = _dims(ndim, dim1, dim2)
    n = (input.shape[-1] if input.ndim else 1) + abs(int(offset))
    shape = list(input.shape[:-1])
    for d in sorted((d1, d2)):
        shape.insert(d, n)
    return DiagonalScatter.apply(input.new_zeros(tuple(shape)), input, int(offset), d1, d2)


def diag(input: Any, diagonal: int = 0) -> Any:
    """A vector's square matrix (the vector on diagonal `diagonal`), or a matrix's diagonal (a copy)."""
    if input.ndim == 1:
        return diag_embed(input, diagonal, 0, 1)
    if input.ndim == 2:
        return Diagonal.apply(input, int(diagonal), 0, 1).clone()
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


def trace(input: Any) -> Any:
    """The sum of a matrix's main diagonal;  d/dx = the identity."""
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    return Diagonal.apply(input, 0, 0, 1).sum()


def diagflat(input: Any, offset: int = 0) -> Any:
    """The square matrix with input's elements (flattened) on diagonal `offset`, zeros elsewhere."""
    return diag_embed(input if input.ndim == 1 else input.reshape(-1), offset, 0, 1)
