"""The Functions behind index_add, index_copy, index_fill and masked_scatter (out of place and
in place), each one node under torch's name (IndexAddBackward0, IndexCopyBackward0,
IndexFillBackward0/1, MaskedScatterBackward0). The wrappers in `index_update` and `masked`
check the arguments; `index` here is an int64 array already in range, and a 0-d tensor counts
as 1-d along dim 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ._util import new_zeros, sum_to
from .index import index_select
from .join import cat


def _along(a: np.ndarray, dim: int) -> np.ndarray:
    """A view of `a` with dim first, through which its slices along dim are read and written."""
    return np.moveaxis(a.reshape(a.shape or (1,)), dim, 0)


def _slices(grad: Any, dim: int, index: np.ndarray) -> Any:
    """The slices of grad at `index` along dim (index_select, differentiable)."""
    return index_select(grad.reshape(grad.shape or (1,)), dim, grad._make(index, False, None))


class IndexAddDim(Function):
    """x with alpha * src's slices added at index along dim (a repeated index adds twice);
    dx = dy,  dsrc = alpha * dy's slices at index."""

    _array_forward = True
    backward_name = "IndexAddBackward0"

    @staticmethod
    def forward(ctx, x, dim, index, src, alpha):
        ctx.dim, ctx.index, ctx.alpha, ctx.src_shape = dim, index, alpha, src.shape
        out = x.copy()
        scale = np.asarray(alpha).astype(src.dtype)  # alpha in src's dtype, as torch (wrapping in uint8)
        np.add.at(_along(out, dim), index, _along(src, dim) * scale)
        return out

    @staticmethod
    def backward(ctx, grad):
        dsrc = None
        if ctx.needs_input_grad[3]:
            dsrc = _slices(grad, ctx.dim, ctx.index).reshape(ctx.src_shape)
            dsrc = dsrc if ctx.alpha == 1 else dsrc * ctx.alpha
        return grad, None, None, dsrc, None


class IndexCopyDim(Function):
    """x with its slices at index along dim replaced by src's;  dx = dy with those slices
    zeroed,  dsrc = dy's slices at index."""

    _array_forward = True
    backward_name = "IndexCopyBackward0"

    @staticmethod
    def forward(ctx, x, dim, index, src):
        ctx.dim, ctx.index, ctx.src_shape = dim, index, src.shape
        out = x.copy()
        _along(out, dim)[index] = _along(src, dim)
        return out

    @staticmethod
    def backward(ctx, grad):
        dx = IndexFillDim.apply(grad, ctx.dim, ctx.index, 0) if ctx.needs_input_grad[0] else None
        dsrc = _slices(grad, ctx.dim, ctx.index).reshape(ctx.src_shape) if ctx.needs_input_grad[3] else None
        return dx, None, None, dsrc


class IndexFillDim(Function):
    """x with its slices at index along dim set to the number value;  dx = dy with those
    slices zeroed."""

    _array_forward = True
    backward_name = "IndexFillBackward0"

    @staticmethod
    def forward(ctx, x, dim, index, value):
        ctx.dim, ctx.index = dim, index
        out = x.copy()
        _along(out, dim)[index] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        return IndexFillDim.apply(grad, ctx.dim, ctx.index, 0), None, None, None


class IndexFillDimTensor(IndexFillDim):
    """index_fill with a 0-d tensor value;  dx = dy with the slices zeroed,  dvalue = the sum
    of dy over the filled slices, each counted once."""

    backward_name = "IndexFillBackward1"

    @staticmethod
    def backward(ctx, grad):
        dx = IndexFillDim.apply(grad, ctx.dim, ctx.index, 0) if ctx.needs_input_grad[0] else None
        dvalue = _slices(grad, ctx.dim, np.unique(ctx.index)).sum() if ctx.needs_input_grad[3] else None
        return dx, None, None, dvalue


class MaskedScatter(Function):
    """x (broadcast with mask) whose positions where mask is True take src's first elements in
    order;  dx = dy where not mask (summed back to x's shape),  dsrc = dy where mask, in order,
    then zeros for src's unused elements."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, mask, src):
        shape = np.broadcast_shapes(x.shape, mask.shape)
        ctx.mask = np.broadcast_to(mask, shape)
        ctx.x_shape, ctx.src_shape = x.shape, src.shape
        out = np.array(np.broadcast_to(x, shape))
        out[ctx.mask] = src.reshape(-1)[: int(ctx.mask.sum())]
        return out

    @staticmethod
    def backward(ctx, grad):
        mask = grad._make(ctx.mask, False, None)
        dx = sum_to(grad.masked_fill(mask, 0), ctx.x_shape) if ctx.needs_input_grad[0] else None
        dsrc = None
        if ctx.needs_input_grad[2]:
            used = grad[mask]
            unused = new_zeros(used, (int(np.prod(ctx.src_shape)) - used.shape[0],))
            dsrc = cat([used, unused]).reshape(ctx.src_shape)
        return dx, None, dsrc
