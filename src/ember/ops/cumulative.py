"""Cumulative sums and products along one dimension (torch's cumsum and cumprod).

cumprod's gradient divides by the input where it can; an input with zeros takes an exact rule
instead: O(n) on arrays (`backward_arrays`), O(n^2) with differentiable ops in the reference rule
(so every derivative of cumprod, and prod's second derivative that uses it, stays exact).
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from .. import _dtype
from ..autograd.function import Function
from ._util import normalize_dims
from .join import cat


def _reverse_cumsum(x: Any, dim: int) -> Any:
    """sum_{k >= i} x_k along dim."""
    return x.flip(dim).cumsum(dim).flip(dim)


def _scan(fn: Any, x: np.ndarray, dim: int) -> np.ndarray:
    """np.cumsum or np.cumprod along dim. Integer and bool inputs accumulate in int64, as
    torch's do; a 0-d input is one element along its only dim, and keeps its shape."""
    dtype = np.int64 if x.dtype.kind in "biu" else None
    return fn(x.reshape(x.shape or (1,)), axis=dim, dtype=dtype).reshape(x.shape)


class Cumsum(Function):
    """y_i = sum_{j <= i} x_j;  dx_j = sum_{i >= j} dy_i (a reversed cumsum)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return _scan(np.cumsum, x, dim)

    @staticmethod
    def backward(ctx, grad):
        return (grad if grad.ndim == 0 else _reverse_cumsum(grad, ctx.dim)), None


class Cumprod(Function):
    """y_k = prod_{j <= k} x_j;  dx_i = sum_{k >= i} dy_k prod_{j <= k, j != i} x_j,
    which is sum_{k >= i} dy_k y_k / x_i when no x_j is zero."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, dim):
        out = _scan(np.cumprod, x, dim)
        ctx.save_for_backward(x, out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        dim = ctx.dim
        if x.ndim == 0 or x.shape[dim] == 1:
            return grad, None
        if not (x._data == 0).any():
            return _reverse_cumsum(out * grad, dim) / x, None
        return _cumprod_grad_graph(x, grad, dim), None

    @staticmethod
    def backward_arrays(ctx, grad):
        x, out = ctx.saved_tensors
        dim = ctx.dim
        if x.ndim == 0 or x.shape[dim] == 1:
            return grad, None
        if not (x == 0).any():
            return _reverse_cumsum_array(out * grad, dim) / x, None
        return _cumprod_grad_with_zeros(x, out, grad, dim), None


def _cumprod_grad_with_zeros(x: np.ndarray, y: np.ndarray, grad: np.ndarray, axis: int) -> np.ndarray:
    """cumprod's gradient over an input with zeros, in O(n). With z the first zero of a slice:
    before z, dx_i = sum_{k >= i} dy_k y_k / x_i (y_k is 0 from z on); at z,
    dx_z = sum_{k >= z} dy_k y'_k with y' the cumprod of x with x_z replaced by 1; after z, 0
    (each product holds x_z)."""
    zeros_so_far = np.cumsum(x == 0, axis)
    before = zeros_so_far == 0
    first = (zeros_so_far == 1) & (x == 0)
    at_first = _reverse_cumsum_array(grad * np.cumprod(np.where(first, 1, x), axis), axis)
    out = np.where(first, at_first, 0)
    np.divide(_reverse_cumsum_array(grad * y, axis), x, out=out, where=before)
    return out


def _reverse_cumsum_array(x: np.ndarray, axis: int) -> np.ndarray:
    return np.flip(np.cumsum(np.flip(x, axis), axis), axis)


def _cumprod_grad_graph(x: Any, grad: Any, dim: int) -> Any:
    """cumprod's gradient with differentiable ops, exact with zeros: row i of an n x n matrix is
    x with x_i replaced by 1, so its cumprod holds prod_{j <= k, j != i} x_j at column k, and triu
    keeps k >= i. O(n^2) per slice, as torch's rule for higher derivatives."""
    x, grad = x.movedim(dim, -1), grad.movedim(dim, -1)
    n = x.shape[-1]
    off_diagonal = x._make(~np.eye(n, dtype=bool), False, None)
    rows = x.unsqueeze(-2).expand(*x.shape[:-1], n, n).where(off_diagonal, 1.0)
    terms = (rows.cumprod(-1) * grad.unsqueeze(-2)).triu()
    return terms.sum(-1).movedim(-1, dim)


def exclusive_cumprod(x: Any, dim: int) -> Any:
    """prod_{j < i} x_j along dim: a 1, then x without its last element, multiplied up."""
    ones = x.new_ones(x.shape[:dim] + (1,) + x.shape[dim + 1:])
    return cumprod(cat([ones, x.narrow(dim, 0, x.shape[dim] - 1)], dim), dim)


def cumsum(input: Any, dim: int, *, dtype: Any = None) -> Any:
    """Cumulative sum along dim (bools and integers in int64), in `dtype` if given (`in_dtype`)."""
    _refuse_bool(dtype, "cumsum")
    return in_dtype(lambda x: Cumsum.apply(x, normalize_dims(dim, x.ndim)[0]), input, dtype)


def cumprod(input: Any, dim: int, *, dtype: Optional[_dtype.dtype] = None) -> Any:
    """Cumulative product along dim (bools and integers in int64), in `dtype` if given."""
    _refuse_bool(dtype, "cumprod")
    return in_dtype(lambda x: Cumprod.apply(x, normalize_dims(dim, x.ndim)[0]), input, dtype)


def _refuse_bool(dtype: Any, name: str) -> None:
    """torch has no bool kernel for the cumulative sum and product (`dtype=` or a bool out=)."""
    if dtype is not None and dtype.name == "bool":
        raise NotImplementedError(f'"{name}_out_cpu" not implemented for \'Bool\'')


def in_dtype(reduce: Callable[[Any], Any], input: Any, dtype: Any) -> Any:
    """`reduce(input)` for a reduction's `dtype=`: the input converted first, as torch converts
    it (float32 data sums as float64), and the result in that dtype (integers accumulate in
    int64, which wraps back to uint8 as torch's uint8 sum does)."""
    if dtype is None:
        return reduce(input)
    out = reduce(input.to(dtype))
    return out if out.dtype is dtype else out.to(dtype)
