"""Joining and splitting: cat, stack, split, unbind. Each one's gradient is the other's:
cat's is a split of dy, split's a cat of the gradients (zeros for a piece that got none)."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .. import _dtype, _tensor
from ..autograd.function import Function
from ._util import normalize_dims
from .shape import _dim


class Cat(Function):
    """Join tensors along a dim;  each input's gradient is its slice of dy."""

    _array_forward = True

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        ctx.sizes = [x.shape[dim] for x in xs]
        try:
            return np.concatenate(xs, axis=dim)
        except ValueError:
            shapes = ", ".join(str(list(x.shape)) for x in xs)
            raise RuntimeError(f"Sizes of tensors must match except in dimension {dim}; got shapes {shapes}") from None

    @staticmethod
    def backward(ctx, grad):
        return (None,) + tuple(SplitWithSizes.apply(grad, ctx.sizes, ctx.dim))

    backward_arrays = backward


class Split(Function):
    """Consecutive pieces of x along dim, of the given sizes, each a view of x (one node with an
    output per piece, as torch's);  dx = the pieces' gradients joined back, zeros for a piece
    that received none."""

    _array_forward = True
    _is_view = True

    @staticmethod
    def forward(ctx, x, sizes, dim):
        ctx.dim = dim
        lead = (slice(None),) * dim
        ends = np.cumsum(sizes).tolist()
        return tuple([x[lead + (slice(end - n, end),)] for n, end in zip(sizes, ends)])

    @staticmethod
    def backward(ctx, *grads):
        return Cat.apply(ctx.dim, *grads), None, None

    backward_arrays = backward


class SplitWithSizes(Split):
    pass


class Unbind(Function):
    """The slices of x along dim, that dim removed, each a view of x (one node);
    dx = their gradients stacked back along dim."""

    _array_forward = True
    _is_view = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        lead = (slice(None),) * dim
        # the Ellipsis keeps a 0-d slice a view (NumPy would read one element as a scalar copy)
        return tuple([x[lead + (i, Ellipsis)] for i in range(x.shape[dim])])

    @staticmethod
    def backward(ctx, *grads):
        return Stack.apply(ctx.dim, *grads), None

    backward_arrays = backward


class Stack(Function):
    """Stack equal-shape tensors along a new dim;  each input's gradient is dy selected there."""

    _array_forward = True

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        shapes = {x.shape for x in xs}
        if len(shapes) > 1:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {[list(s) for s in shapes]}")
        return np.stack(xs, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return (None,) + tuple(Unbind.apply(grad, ctx.dim))

    backward_arrays = backward


def cat(tensors: Sequence[Any], dim: int = 0) -> Any:
    """The tensors joined along dim. As in torch, an empty 1-d tensor beside others is skipped
    (`out = tensor([]); out = cat([out, x])`); its dtype still takes part in the promotion, and
    it receives no gradient (torch gives it an empty one)."""
    if isinstance(tensors, _tensor.Tensor):
        raise TypeError("cat(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor; "
                        "wrap it: cat([t])")
    tensors = list(tensors)
    if not tensors:
        raise ValueError("cat(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, _tensor.Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    tensors = _common_dtype(tensors)
    kept = [t for t in tensors if t._data.shape != (0,)]
    if kept and len(kept) < len(tensors):
        tensors = kept
    return Cat.apply(_dim(dim, tensors[0].ndim), *tensors)


def stack(tensors: Sequence[Any], dim: int = 0) -> Any:
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    ndim = tensors[0].ndim + 1
    return Stack.apply(normalize_dims(dim, ndim)[0], *_common_dtype(tensors))


def _common_dtype(tensors: list) -> list:
    """The tensors cast to the dtype they all promote to, by torch's rules (float32 with int64
    is float32, where NumPy's stack gives float64); the casts are recorded, so each gradient
    comes back in its input's dtype."""
    dtype = tensors[0].dtype
    for t in tensors[1:]:
        if t.dtype is not dtype:
            dtype = _dtype.promote_types(dtype, t.dtype)
    return [t if t.dtype is dtype else t.to(dtype) for t in tensors]
