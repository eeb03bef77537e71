"""scatter_reduce: src's values combined into input at the positions index names along dim,
by sum, prod, mean, amax or amin (torch's successor to scatter's `reduce`).

    out[i][index[i][j]] = reduce(input[i][index[i][j]] (if include_self), src[i][j], ...)  (dim=1)

A position no index names keeps input's value. With include_self=False the values already
there take no part: the named positions start from the reduction's identity.

The gradient follows torch's `scatter_reduce_backward`: sum passes dy through; mean divides
it by how many values met at each position; amax/amin share it evenly among the values that
equal the result (input counted among them even without include_self, as in torch); prod
sends dy times the product of the others, computed so that a single zero among the values
still gets its gradient. Without include_self, input gets no gradient where src was written.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _tensor
from ..autograd.function import Function
from .gather_scatter import Gather, ScatterAdd, ScatterValue, _along, _check_scatter_gather, _within
from .index import where

_UFUNCS = {"sum": np.add, "prod": np.multiply, "mean": np.add, "amax": np.maximum, "amin": np.minimum}


def _identity(reduce: str, dtype: np.dtype) -> Any:
    """The value a position starts from when input's own value takes no part."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    if dtype.kind == "b":
        return reduce == "amin"
    info = np.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


class ScatterReduce(Function):
    """out = input with src reduced in at index along dim (module docstring), and its gradient."""

    _array_forward = True
    backward_name = "ScatterReduceBackward0"

    @staticmethod
    def forward(ctx, x, dim, index, src, reduce, include_self):
        at, values = _along(index, dim), _within(src, index)
        out = x.copy()
        if not include_self:
            out[at] = _identity(reduce, x.dtype)
        _UFUNCS[reduce].at(out, at, values)
        if reduce == "mean":
            count = np.full(x.shape, int(include_self), dtype=np.int64)
            np.add.at(count, at, 1)
            count = np.maximum(count, 1)
            out = (out // count if x.dtype.kind in "iu" else out / count).astype(x.dtype)
        ctx.dim, ctx.reduce, ctx.include_self = dim, reduce, include_self
        ctx.save_for_backward(x, index, src, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, index, src, out = ctx.saved_tensors
        dim, reduce, include_self = ctx.dim, ctx.reduce, ctx.include_self
        src = src[tuple(slice(0, n) for n in index.shape)]

        def gather(t: Any) -> Any:
            return Gather.apply(t, dim, index)

        if reduce == "sum":
            dx, dsrc = grad, gather(grad)
        elif reduce == "mean":
            n = ScatterAdd.apply(grad.new_full(grad.shape, float(include_self)), dim, index, src.new_ones(src.shape))
            n = n.masked_fill(n == 0, 1.0)
            dx, dsrc = grad / n, gather(grad) / gather(n)
        elif reduce in ("amax", "amin"):
            x_is_out, src_is_out = x == out, src == gather(out)
            n = ScatterAdd.apply(x_is_out.to(x.dtype), dim, index, src_is_out.to(x.dtype))
            shared = grad / n
            dx, dsrc = shared * x_is_out, gather(shared) * src_is_out
        else:
            dx, dsrc = _prod_grads(grad, x, dim, index, src, out, include_self)
        if not include_self:
            dx = ScatterValue.apply(dx, dim, index, 0.0)
        return dx, None, None, dsrc, None, None


def _prod_grads(grad: Any, x: Any, dim: int, index: Any, src: Any, out: Any, include_self: bool) -> tuple:
    """prod's gradients: dy times the product of the other values at each position. out / value
    fails for a zero value, so a zero in input is set to 1 and the product redone; a zero in src
    that is alone at its position gets the product with it set to 1; where two or more zeros
    meet, every other product is 0."""
    x_nonzero = x.masked_fill(x == 0, 1.0)
    dx = grad * ScatterReduce.apply(x_nonzero, dim, index, src, "prod", include_self) / x_nonzero
    src_zero = src == 0
    zeros_there = Gather.apply(ScatterAdd.apply(x.new_zeros(x.shape), dim, index, src_zero.to(x.dtype)), dim, index)
    lone_zero = src_zero & (zeros_there == 1)
    without_it = ScatterReduce.apply(x, dim, index, src.masked_fill(lone_zero, 1.0), "prod", include_self)
    dsrc = where(
        lone_zero,
        Gather.apply(grad * without_it, dim, index),
        Gather.apply(grad * out, dim, index) / src.masked_fill(src_zero, 1.0),
    )
    return dx, dsrc


def scatter_reduce(input: Any, dim: int, index: Any, src: Any, reduce: str, *, include_self: bool = True) -> Any:
    """input with src reduced in at index along dim by `reduce` (sum, prod, mean, amax, amin)."""
    if reduce not in _UFUNCS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if not isinstance(src, _tensor.Tensor):
        raise TypeError(f"scatter_reduce(): argument 'src' (position 3) must be Tensor, not {type(src).__name__}")
    d = _check_scatter_gather("scatter", input, dim, index, src)
    if input.ndim == 0 or index.ndim == 0:  # torch reads a 0-d tensor here as one element
        flat = scatter_reduce(input.reshape(-1), 0, index.reshape(-1), src.reshape(-1), reduce, include_self=include_self)
        return flat.reshape(input.shape)
    return ScatterReduce.apply(input, d, index, src, reduce, include_self)
