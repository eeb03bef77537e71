r"""Masked reductions, torch.masked's: each is the plain reduction of the input with its
masked-out elements replaced by the reduction's identity (see `_mask`), so that

.. math:: \operatorname{sum}(x, m) = \textstyle\sum_i m_i x_i, \qquad
          \operatorname{amax}(x, m) = \max_{i: m_i} x_i, \qquad
          \operatorname{mean}(x, m) = \sum_i m_i x_i / \sum_i m_i,

and the gradient reaches the masked-in elements only (0 at masked-out ones).

>>> ember.masked.sum(ember.tensor([[1., 2.], [3., 4.]]), 1, mask=ember.tensor([[True, False], [True, True]]))
tensor([1., 7.])
"""

from __future__ import annotations

from typing import Any, Optional

from .. import _dtype
from ..linalg._norms import vector_norm
from ..ops import amax as _amax, amin as _amin, argmax as _argmax, argmin as _argmin
from ..ops import isnan, logsumexp as _logsumexp, sum as _sum
from ..ops.order_statistics import nanmedian
from ._mask import DimOrDims, canonical_dim, combine, input_mask, sum_dtype


def sum(input: Any, dim: DimOrDims = None, *, keepdim: Optional[bool] = False,
        dtype: Optional[_dtype.dtype] = None, mask: Optional[Any] = None) -> Any:
    r""":math:`\sum_i m_i x_i` over dim; integers and bool sum to int64 unless dtype says."""
    dtype = sum_dtype(input, dtype)
    return _sum(combine("sum", input, mask), canonical_dim(dim, input.ndim), bool(keepdim), dtype=dtype)


def prod(input: Any, dim: DimOrDims = None, *, keepdim: Optional[bool] = False,
         dtype: Optional[_dtype.dtype] = None, mask: Optional[Any] = None) -> Any:
    r""":math:`\prod_{i: m_i} x_i` over dim, one dim at a time from the last (torch's order)."""
    dtype = sum_dtype(input, dtype)
    result = combine("prod", input, mask).to(dtype=dtype)
    for d in reversed(canonical_dim(dim, input.ndim)):
        result = result.prod(dim=d, keepdim=bool(keepdim))
    return result


def amax(input: Any, dim: DimOrDims = None, *, keepdim: Optional[bool] = False,
         dtype: Optional[_dtype.dtype] = None, mask: Optional[Any] = None) -> Any:
    r""":math:`\max_{i: m_i} x_i` over dim (-inf, or the integer minimum, where all are masked out)."""
    masked = combine("amax", input, mask)
    return _amax(masked, canonical_dim(dim, masked.ndim), bool(keepdim)).to(dtype=dtype or input.dtype)


def amin(input: Any, dim: DimOrDims = None, *, keepdim: Optional[bool] = False,
         dtype: Optional[_dtype.dtype] = None, mask: Optional[Any] = None) -> Any:
    r""":math:`\min_{i: m_i} x_i` over dim (inf, or the integer maximum, where all are masked out)."""
    masked = combine("amin", input, mask)
    return _amin(masked, canonical_dim(dim, masked.ndim), bool(keepdim)).to(dtype=dtype or input.dtype)


def argmax(input: Any, dim: Optional[int] = None, *, keepdim: Optional[bool] = False,
           dtype: Optional[_dtype.dtype] = None, mask: Optional[Any] = None) -> Any:
    """The index of the largest masked-in element along dim, in input's dtype unless dtype says
    (torch's masked argmax returns indices in the input's dtype)."""
    return _argmax(combine("argmax", input, mask), dim, bool(keepdim)).to(dtype=dtype or input.dtype)


def argmin(input: Any, dim: Optional[int] = None, *, keepdim: Optional[bool] = False,
           dtype: Optional[_dtype.dtype] = None, mask: Optional[Any] = None) -> Any:
    """The index of the smallest masked-in element along dim, in input's dtype unless dtype says."""
    return _argmin(combine("argmin", input, mask), dim, bool(keepdim)).to(dtype=dtype or input.dtype)


def _count(input: Any, dim: DimOrDims, keepdim: bool, mask: Optional[Any]) -> Any:
    """The number of masked-in elements reduced into each output element (int64)."""
    if mask is None:
        return sum(input.new_ones(input.shape, dtype=_dtype.int64), dim, keepdim=keepdim)
    return input_mask(input, mask).sum(dim=dim, keepdim=bool(keepdim))


def mean(input: Any, dim: DimOrDims = None, *, keepdim: Optional[bool] = False,
         dtype: Optional[_dtype.dtype] = None, mask: Optional[Any] = None) -> Any:
    r""":math:`\sum_i m_i x_i / \sum_i m_i` over dim (nan where all are masked out)."""
    source = "Optional" if dtype is not None else "Input"
    dtype = dtype or input.dtype
    if not dtype.is_floating_point:
        raise ValueError(f"mean(): Could not infer output dtype. {source} dtype must be either "
                         f"a floating point or complex dtype. Got: {dtype}")
    mask = None if mask is None else input_mask(input, mask)
    return sum(input, dim, keepdim=keepdim, dtype=dtype, mask=mask) / _count(input, dim, bool(keepdim), mask)


def median(input: Any, dim: int = -1, *, keepdim: bool = False, dtype: Optional[_dtype.dtype] = None,
           mask: Optional[Any] = None) -> Any:
    """The lower median of the masked-in elements along dim (torch.nanmedian of the input with
    masked-out elements set to nan; nan where all are masked out). Integer inputs are taken as
    float32, and the result is cast back unless a row is fully masked out (ValueError)."""
    dtype = dtype or input.dtype
    d = canonical_dim(dim, input.ndim)[0]
    is_float = input.dtype.is_floating_point
    if not is_float:
        input = input.to(dtype=_dtype.float32)
    output = nanmedian(combine("median", input, mask), d, keepdim).values
    if is_float:
        return output
    if isnan(output).any():
        raise ValueError("masked median expects no fully masked out rows if dtype is not floating point")
    return output.to(dtype=dtype)


def logsumexp(input: Any, dim: DimOrDims = None, *, keepdim: bool = False, dtype: Optional[_dtype.dtype] = None,
              mask: Optional[Any] = None) -> Any:
    r""":math:`\log \sum_{i: m_i} e^{x_i}` over dim (-inf where all are masked out)."""
    masked = combine("logsumexp", input, mask)
    return _logsumexp(masked, canonical_dim(dim, input.ndim), keepdim=keepdim).to(dtype=dtype or input.dtype)


def norm(input: Any, ord: Optional[float] = 2.0, dim: DimOrDims = None, *, keepdim: Optional[bool] = False,
         dtype: Optional[_dtype.dtype] = None, mask: Optional[Any] = None) -> Any:
    r""":math:`(\sum_{i: m_i} |x_i|^{p})^{1/p}` over dim, torch.linalg.vector_norm of the input with
    masked-out elements set to 0 (to inf for ord=-inf)."""
    masked = combine("norm", input, mask, ord)
    return vector_norm(masked, ord, canonical_dim(dim, input.ndim), bool(keepdim), dtype=dtype or input.dtype)


def _std_var(input: Any, dim: DimOrDims, unbiased: Optional[bool], correction: Optional[float],
             keepdim: Optional[bool], dtype: Optional[_dtype.dtype], mask: Optional[Any], take_sqrt: bool) -> Any:
    r"""torch's masked variance: :math:`\sum_i m_i (x_i - \bar x)^2 / \max(0, \sum_i m_i - c)`
    with :math:`\bar x` the masked mean, computed in float32 for integer inputs."""
    if unbiased is not None and correction is not None:
        raise AssertionError("Only one of unbiased and correction may be given")
    c = 1.0 if unbiased is None else float(bool(unbiased))
    if correction is not None:
        c = float(correction)
    if dtype is None:
        dtype = input.dtype if input.dtype.is_floating_point else _dtype.float32
    compute_dtype = dtype if dtype.is_floating_point else _dtype.float32
    mask = None if mask is None else input_mask(input, mask)
    count = _count(input, dim, True, mask)
    sample_mean = sum(input, dim, keepdim=True, dtype=dtype, mask=mask) / count
    x = input - sample_mean
    total = sum(x * x, dim, keepdim=keepdim, dtype=compute_dtype, mask=mask)
    if not keepdim:
        count = count.reshape(total.shape)
    if c != 0:
        count = count.to(compute_dtype) - c
        count = count.maximum(count.new_zeros([]))
    output = (total / count).to(dtype=dtype)
    return output.sqrt() if take_sqrt else output


def var(input: Any, dim: DimOrDims = None, unbiased: Optional[bool] = None, *, correction: Optional[float] = None,
        keepdim: Optional[bool] = False, dtype: Optional[_dtype.dtype] = None, mask: Optional[Any] = None) -> Any:
    r"""The masked variance, :math:`\sum_i m_i (x_i - \bar x)^2 / \max(0, N - c)` with
    :math:`N = \sum_i m_i` and c the correction (1 unless unbiased=False or correction says)."""
    return _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, take_sqrt=False)


def std(input: Any, dim: DimOrDims = None, unbiased: Optional[bool] = None, *, correction: Optional[int] = None,
        keepdim: Optional[bool] = False, dtype: Optional[_dtype.dtype] = None, mask: Optional[Any] = None) -> Any:
    r"""The square root of the masked variance (see `var`)."""
    return _std_var(input, dim, unbiased, correction, keepdim, dtype, mask, take_sqrt=True)
