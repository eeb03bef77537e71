"""Numerical integration along a dimension by the trapezoidal rule: `trapezoid` (alias `trapz`)
and `cumulative_trapezoid`, composed from differentiable ops as torch composes them, so their
gradients (and dtypes: an integer y gives the default float dtype) are torch's."""

from __future__ import annotations

from typing import Any, Optional

from .._tensor import Tensor
from ._util import normalize_dims


def _checked(name: str, y: Tensor, x: Optional[Tensor], dx: Any) -> None:
    if y._data.dtype.kind == "b" or (x is not None and x._data.dtype.kind == "b"):
        raise RuntimeError(f"{name}: received a bool input for `x` or `y`, but bool is not supported")
    if x is not None and dx is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got (Tensor, Tensor, dx=...): "
                        "pass either the sample points x or a constant spacing dx, not both")
    if isinstance(dx, (bool, complex)):
        raise RuntimeError(f"{name}: Currently, we only support dx as a real number.")


def _spacing(name: str, y: Tensor, x: Tensor, dim: int) -> Tensor:
    """x's differences along `dim`, shaped to broadcast against y's: a 1-d x along dim, an x of
    fewer dimensions padded with leading ones."""
    if x.ndim == 1:
        if x.shape[0] != y.shape[dim]:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        x = x.reshape([x.shape[0] if d == dim else 1 for d in range(y.ndim)])
    elif x.ndim < y.ndim:
        x = x.reshape((1,) * (y.ndim - x.ndim) + tuple(x.shape))
    return _along(x, dim, slice(1, None)) - _along(x, dim, slice(0, -1))


def _along(t: Tensor, dim: int, part: slice) -> Tensor:
    """t[part] along dim (empty where t has fewer elements than part skips, as torch's slice)."""
    return t[(slice(None),) * dim + (part,)]


def _pair_sums(y: Tensor, dim: int) -> Tensor:
    """y_i + y_(i+1) along dim."""
    return _along(y, dim, slice(0, -1)) + _along(y, dim, slice(1, None))


def trapezoid(y: Tensor, x: Optional[Tensor] = None, *, dx: Optional[float] = None, dim: int = -1) -> Tensor:
    """sum_i (x_(i+1) - x_i) (y_i + y_(i+1)) / 2 along dim; with a constant spacing dx (1 by
    default), (sum_i y_i - (y_0 + y_last) / 2) dx. Zero samples integrate to 0."""
    _checked("trapezoid", y, x, dx)
    (d,) = normalize_dims(dim, max(y.ndim, 1))
    if y.shape[d] == 0:
        return y.new_zeros([s for i, s in enumerate(y.shape) if i != d])
    if x is not None:
        return (_pair_sums(y, d) * _spacing("trapezoid", y, x, d)).sum(d) / 2.0
    ends = y.select(d, 0) + y.select(d, -1)
    return (y.sum(d) - ends * 0.5) * float(1 if dx is None else dx)


def trapz(y: Tensor, x: Optional[Tensor] = None, *, dx: Optional[float] = None, dim: int = -1) -> Tensor:
    """The trapezoidal rule: `trapezoid`'s older name."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Tensor, x: Optional[Tensor] = None, *, dx: Optional[float] = None, dim: int = -1) -> Tensor:
    """The running trapezoidal integral: cumsum_i (x_(i+1) - x_i) (y_i + y_(i+1)) / 2 along dim
    (dx / 2 (y_i + y_(i+1)) with a constant spacing); one element fewer than y along dim."""
    _checked("cumulative_trapezoid", y, x, dx)
    (d,) = normalize_dims(dim, max(y.ndim, 1))
    if x is not None:
        return ((_spacing("cumulative_trapezoid", y, x, d) * _pair_sums(y, d)) / 2.0).cumsum(d)
    return (float(1 if dx is None else dx) / 2.0 * _pair_sums(y, d)).cumsum(d)
