"""Reductions over dimensions (`dim` an int, a tuple or None for all; `keepdim` as torch).

A reduction's backward spreads the gradient back over the reduced dimensions: `_expand_back`
re-inserts them (size 1) and broadcasts to the input's shape.
"""

from __future__ import annotations

import math
from collections import namedtuple
from typing import Any, Optional

import numpy as np

from .. import _dtype, _tensor
from ..autograd.function import Function
from ._util import Dim, add_reduce, normalize_dims, opmath
from .cumulative import exclusive_cumprod, in_dtype
from .pnorm import check_identity, p_norm, p_norm_backward


def _return_type(name: str) -> type:
    """A (values, indices) named tuple printed as torch prints `torch.return_types.max`."""

    def __repr__(self: Any) -> str:
        return f"ember.return_types.{name}(\nvalues={self.values!r},\nindices={self.indices!r})"

    return type(name, (namedtuple(name, ["values", "indices"]),), {"__slots__": (), "__repr__": __repr__})


return_types = {name: _return_type(name) for name in ("max", "min", "sort", "topk")}


def _kept_shape(shape: tuple[int, ...], axes: Optional[tuple[int, ...]]) -> tuple[int, ...]:
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _expand_back(grad: Any, shape: tuple[int, ...], axes: Optional[tuple[int, ...]], keepdim: bool) -> Any:
    """The gradient of a reduced tensor, broadcast back to the input's shape. A Tensor gets an
    `expand` view (recorded under create_graph); an array is written out in full, which costs
    less than NumPy's `broadcast_to` for small inputs and gives a gradient `.grad` can keep.
    (A full reduction's gradient broadcasts as it is; reduced dims need their 1s back first.)"""
    if isinstance(grad, _tensor.Tensor):
        return (grad if keepdim else grad.reshape(_kept_shape(shape, axes))).expand(shape)
    out = np.empty(shape, grad.dtype)
    out[...] = grad if keepdim or axes is None else grad.reshape(_kept_shape(shape, axes))
    return out


class Sum(Function):
    """sum_i x_i;  d/dx_i = 1."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        return add_reduce(x, axes, keepdim)

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad, ctx.shape, ctx.axes, ctx.keepdim), None, None

    backward_arrays = backward


class SumDim(Sum):
    backward_name = "SumBackward1"


class Mean(Function):
    """(1/n) sum_i x_i;  d/dx_i = 1/n. float16 sums in float32 (np.mean's and torch's way) and
    its gradient is divided by n in float32 (`half_opmath`): n past 65504 is inf in float16."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.shape, ctx.axes, ctx.keepdim = x.shape, axes, keepdim
        n = _count(x.shape, axes)
        ctx.n = n
        return np.asarray(np.mean(x, axis=axes, keepdims=keepdim))

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(opmath(np.true_divide, grad, ctx.n), ctx.shape, ctx.axes, ctx.keepdim), None, None

    backward_arrays = backward


class MeanDim(Mean):
    backward_name = "MeanBackward1"


def _count(shape: tuple[int, ...], axes: Optional[tuple[int, ...]]) -> int:
    """How many elements a reduction over `axes` (all when None) takes in."""
    return math.prod(shape if axes is None else [shape[a] for a in axes])  # np.prod costs ~8 us here


class Prod(Function):
    """prod_i x_i;  d/dx_i = prod_{j != i} x_j, which is out / x_i when no x_j is zero; with
    zeros it is computed without dividing, with differentiable ops (so the second derivative is
    exact too)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, axis, keepdim):
        out = np.asarray(np.prod(x, axis=axis, keepdims=keepdim))
        ctx.save_for_backward(x, out)
        ctx.axis, ctx.keepdim = axis, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        axes = None if ctx.axis is None else (ctx.axis,)
        g = _expand_back(grad, x.shape, axes, ctx.keepdim)
        if not (x._data == 0).any():
            return g * _expand_back(out, x.shape, axes, ctx.keepdim) / x, None, None
        return g * _products_of_others(x, ctx.axis), None, None


class ProdDim(Prod):
    backward_name = "ProdBackward1"


def _products_of_others(x: Any, axis: Optional[int]) -> Any:
    """prod_{j != i} x_j along axis (all elements when None) = (prod_{j < i} x_j)(prod_{j > i} x_j),
    with differentiable ops: the exclusive cumulative products from both ends."""
    flat, dim = (x.reshape(-1), 0) if axis is None or x.ndim == 0 else (x, axis)
    others = exclusive_cumprod(flat, dim) * exclusive_cumprod(flat.flip(dim), dim).flip(dim)
    return others.reshape(x.shape)


class Extremum(Function):
    """max or min over all elements or dims (amax/amin): the gradient is shared evenly among
    the elements equal to the result, as torch shares it. A NaN result (NaN wins, as in torch)
    gives amax/amin NaN gradients, and max()/min() share theirs among the NaNs, as torch's do."""

    _array_forward = True
    _nan_takes_gradient = False
    _name = "max"

    @classmethod
    def forward(cls, ctx, x, axes, keepdim, largest):
        fn = np.max if largest else np.min
        if x.size == 0:
            _check_empty_reduction(x, axes, cls._name)
        out = np.asarray(fn(x, axis=axes, keepdims=keepdim))
        ctx.save_for_backward(x, out)
        ctx.axes, ctx.keepdim, ctx.nan_takes_gradient = axes, keepdim, cls._nan_takes_gradient
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        spread = _expand_back(out, x.shape, ctx.axes, ctx.keepdim)
        hit = x == spread
        if ctx.nan_takes_gradient:
            hit = hit | (x.isnan() & spread.isnan())
        count = hit.sum(ctx.axes, keepdim=True)
        return _expand_back(grad, x.shape, ctx.axes, ctx.keepdim) * hit / count, None, None, None


class MaxAll(Extremum):
    backward_name = "MaxBackward1"
    _nan_takes_gradient = True


class MinAll(Extremum):
    backward_name = "MinBackward1"
    _nan_takes_gradient = True
    _name = "min"


def _check_empty_reduction(x: np.ndarray, axes: Any, name: str) -> None:
    """torch reduces an empty tensor only along non-empty dims: over all of it is a RuntimeError,
    along an empty dim an IndexError."""
    if axes is None:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                           "Specify the reduction dim with the 'dim' argument.")
    for d in axes:
        if x.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


class Amax(Extremum):
    backward_name = "AmaxBackward0"
    _name = "amax"


class Amin(Extremum):
    backward_name = "AminBackward0"
    _name = "amin"


class ExtremumDim(Function):
    """max or min along one dim, with the index of the (first) winner; the gradient goes to it."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, dim, keepdim, largest):
        idx = (np.argmax if largest else np.argmin)(x, axis=dim, keepdims=True)
        values = np.take_along_axis(x, idx, dim)
        if not keepdim:
            idx, values = idx.squeeze(dim), values.squeeze(dim)
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(idx)
        ctx.shape, ctx.dim, ctx.keepdim = x.shape, dim, keepdim
        return values, idx

    @staticmethod
    def backward(ctx, grad, _):
        (idx,) = ctx.saved_tensors
        if not ctx.keepdim:
            grad, idx = grad.unsqueeze(ctx.dim), idx.unsqueeze(ctx.dim)
        return grad.new_zeros(ctx.shape).scatter(ctx.dim, idx, grad), None, None, None


class MaxDim(ExtremumDim):
    backward_name = "MaxBackward0"


class MinDim(ExtremumDim):
    backward_name = "MinBackward0"


class Norm(Function):
    """||x||_p = (sum |x_i|^p)^(1/p);  d/dx_i = x_i |x_i|^(p-2) / ||x||^(p-1) (0 where the norm is 0,
    and for p < 2 where x_i = 0); p = inf: max |x_i|, p = -inf: min |x_i|, each with the gradient
    of that extremum; p = 0: the count of nonzero x_i, with no gradient (as torch's). Other p than
    0, 1, 2, ±inf: `ops.pnorm`, torch's summation order and libm's pow."""

    _array_forward = True
    backward_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, p, axes, keepdim):
        a = np.abs(x)
        if p == float("inf"):
            out = np.max(a, axis=axes, keepdims=keepdim)
        elif p == -float("inf"):
            out = np.min(a, axis=axes, keepdims=keepdim)
        elif p == 0:
            out = np.sum(x != 0, axis=axes, keepdims=keepdim).astype(x.dtype)
        elif p == 2:
            out = np.sqrt(np.sum(x * x, axis=axes, keepdims=keepdim))
        elif p == 1:
            out = np.sum(a, axis=axes, keepdims=keepdim)
        else:
            out = p_norm(x, p, axes, keepdim)
        out = np.asarray(out)
        ctx.save_for_backward(x, out)
        ctx.p, ctx.axes, ctx.keepdim = p, axes, keepdim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        p, axes, keepdim = ctx.p, ctx.axes, ctx.keepdim
        if p == 0:  # a count: torch gives no gradient
            return None, None, None, None
        g, n = _expand_back(grad, x.shape, axes, keepdim), _expand_back(out, x.shape, axes, keepdim)
        if math.isinf(p):
            hit = x.abs() == n
            dx = x.sign() * hit / hit.sum(axes, keepdim=True)
        elif p == 1:
            dx = x.sign()
        elif p == 2:  # x / n masked at n = 0: its second derivative there is nan, as torch's
            dx = (x / n).where(n != 0, 0.0)
        else:
            return p_norm_backward(x, n, g, p), None, None, None
        return g * dx, None, None, None


def _axes(input: Any, dim: Dim) -> Optional[tuple[int, ...]]:
    """The axes to reduce, None for all: `dim` None or empty (torch reads `dim=()` as every
    dim), or any dim of a 0-d tensor (which reduces over dim 0 or -1 to itself)."""
    if dim is None:
        return None
    ndim = input._data.ndim
    axes = normalize_dims(dim, ndim)
    return axes if axes and ndim else None


def sum(
    input: Any, dim: Dim = None, keepdim: bool = False, *, dtype: Any = None, axis: Dim = None, keepdims: bool = False
) -> Any:
    """Sum over `dim` (all by default). NumPy's `axis`/`keepdims` are accepted, as torch accepts
    them: a backward rule can then sum an array and a Tensor with one spelling."""
    if axis is not None:
        dim = axis
    keepdim = keepdim or keepdims
    axes = None if dim is None else _axes(input, dim)
    op = Sum if axes is None else SumDim
    if dtype is None:  # the usual call (every loss, every sum_to): no closure, no extra call
        return op.apply(input, axes, keepdim)
    return in_dtype(lambda x: op.apply(x, axes, keepdim), input, dtype)


def mean(
    input: Any, dim: Dim = None, keepdim: bool = False, *, dtype: Any = None, axis: Dim = None, keepdims: bool = False
) -> Any:
    """Mean over `dim` (all by default); `axis`/`keepdims` as for `sum`."""
    if axis is not None:
        dim = axis
    keepdim = keepdim or keepdims
    if dtype is not None:
        input = input.to(dtype)
    if not input.is_floating_point():
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {input.dtype.name}; convert with .float() first"
        )
    axes = _axes(input, dim)
    return (Mean if axes is None else MeanDim).apply(input, axes, keepdim)


def prod(input: Any, dim: Optional[int] = None, keepdim: bool = False, *, dtype: Any = None) -> Any:
    """Product over `dim` (all by default), in `dtype` if given (`in_dtype`); bools and integers
    multiply as int64, as torch's do (NumPy would give uint8 data a uint64 product)."""
    axis = None if dim is None else normalize_dims(dim, input.ndim)[0]
    return in_dtype(lambda x: (Prod if axis is None else ProdDim).apply(_int64_if_integral(x), axis, keepdim), input, dtype)


def _int64_if_integral(x: Any) -> Any:
    return x.to(_dtype.int64) if x._data.dtype.kind in "biu" else x


def amax(input: Any, dim: Dim = (), keepdim: bool = False) -> Any:
    return Amax.apply(input, _axes(input, dim), keepdim, True)


def amin(input: Any, dim: Dim = (), keepdim: bool = False) -> Any:
    return Amin.apply(input, _axes(input, dim), keepdim, False)


def _extremum(input: Any, dim: Any, keepdim: bool, largest: bool) -> Any:
    if dim is None:
        return (MaxAll if largest else MinAll).apply(input, None, False, largest)
    if not isinstance(dim, (int, np.integer)):
        other = dim
        from .compare import maximum, minimum

        return maximum(input, other) if largest else minimum(input, other)
    result = return_types["max" if largest else "min"]
    axis = normalize_dims(dim, input.ndim)[0] if input.ndim else None
    if axis is None:
        return result(input.clone(), input.new_zeros((), dtype=_dtype.int64))
    if input._data.shape[axis] == 0:
        name = "max" if largest else "min"
        raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")
    return result(*(MaxDim if largest else MinDim).apply(input, axis, keepdim, largest))


def max(input: Any, dim: Any = None, keepdim: bool = False) -> Any:
    """max over all elements, or `(values, indices)` along `dim`, or elementwise with a tensor."""
    return _extremum(input, dim, keepdim, True)


def min(input: Any, dim: Any = None, keepdim: bool = False) -> Any:
    return _extremum(input, dim, keepdim, False)


def argmax(input: Any, dim: Optional[int] = None, keepdim: bool = False) -> Any:
    return _arg(np.argmax, input, dim, keepdim)


def argmin(input: Any, dim: Optional[int] = None, keepdim: bool = False) -> Any:
    return _arg(np.argmin, input, dim, keepdim)


def _arg(fn: Any, input: Any, dim: Optional[int], keepdim: bool) -> Any:
    """argmax/argmin: an empty reduction raises torch's IndexError (NumPy's would be ValueError)."""
    name = fn.__name__
    if dim is None:
        if input._data.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        out = np.asarray(fn(input._data))
        out = out.reshape((1,) * input.ndim) if keepdim else out
    else:
        axis = normalize_dims(dim, input.ndim)[0] if input.ndim else None
        if axis is not None and input.shape[axis] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {axis} to have non-zero size.")
        out = fn(input._data, axis=axis, keepdims=keepdim)
    return input._make(np.asarray(out, dtype=np.int64), False, None)


def norm(input: Any, p: Any = "fro", dim: Dim = None, keepdim: bool = False) -> Any:
    """torch.norm: the vector p-norm over dim ('fro': the 2-norm); 'nuc': the nuclear norm of the
    matrices in dim (the last two by default)."""
    if p == "nuc":
        from ..linalg import matrix_norm

        return matrix_norm(input, "nuc", tuple(range(input.ndim)) if dim is None else dim, keepdim)
    if not input.is_floating_point():
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point tensor as input. Got {input.dtype}")
    p = 2 if p in ("fro", None) else float(p)
    axes = _axes(input, dim)
    check_identity(input.shape, p, dim)
    return Norm.apply(input, p, axes, keepdim)
