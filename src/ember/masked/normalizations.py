r"""Masked normalizations and scans, torch.masked's: softmax, log_softmax and softmin over the
masked-in elements of each slice along dim, normalize, cumsum, cumprod, and the elementwise
logaddexp. Masked-out elements are replaced by the identity of the underlying reduction first:

.. math:: \operatorname{softmax}(x, m)_i = \frac{m_i e^{x_i}}{\sum_j m_j e^{x_j}}, \qquad
          \operatorname{normalize}(x, m) = \frac{m \odot x}{\max(\lVert x \rVert_{p, m}, \epsilon)}

(a softmax slice with every element masked out is nan, as torch's is).

>>> ember.masked.softmax(ember.tensor([1., 2., 3.]), 0, mask=ember.tensor([True, False, True]))
tensor([0.1192, 0.0000, 0.8808])
"""

from __future__ import annotations

from typing import Any, Optional

from .. import _dtype
from ..nn import functional as F
from ..ops import cumprod as _cumprod, cumsum as _cumsum, maximum
from ..ops.pointwise import logaddexp as _logaddexp
from ._mask import canonical_dim, combine
from .reductions import norm


def cumsum(input: Any, dim: int, *, dtype: Optional[_dtype.dtype] = None, mask: Optional[Any] = None) -> Any:
    r""":math:`y_k = \sum_{i \le k} m_i x_i` along dim."""
    dtype = dtype or input.dtype
    return _cumsum(combine("sum", input, mask), canonical_dim(dim, input.ndim)[0], dtype=dtype).to(dtype=dtype)


def cumprod(input: Any, dim: int, *, dtype: Optional[_dtype.dtype] = None, mask: Optional[Any] = None) -> Any:
    r""":math:`y_k = \prod_{i \le k,\ m_i} x_i` along dim."""
    dtype = dtype or input.dtype
    return _cumprod(combine("prod", input, mask), canonical_dim(dim, input.ndim)[0], dtype=dtype).to(dtype=dtype)


def softmax(input: Any, dim: int, *, dtype: Optional[_dtype.dtype] = None, mask: Optional[Any] = None) -> Any:
    r""":math:`m_i e^{x_i} / \sum_j m_j e^{x_j}` along dim (masked-out elements set to -inf)."""
    masked = combine("amax", input, mask)
    return F.softmax(masked, canonical_dim(dim, input.ndim)[0], dtype=dtype or input.dtype)


def log_softmax(input: Any, dim: int, *, dtype: Optional[_dtype.dtype] = None, mask: Optional[Any] = None) -> Any:
    r""":math:`x_i - \log \sum_j m_j e^{x_j}` along dim (-inf at masked-out elements)."""
    masked = combine("amax", input, mask)
    return F.log_softmax(masked, canonical_dim(dim, input.ndim)[0], dtype=dtype or input.dtype)


def softmin(input: Any, dim: int, *, dtype: Optional[_dtype.dtype] = None, mask: Optional[Any] = None) -> Any:
    r""":math:`m_i e^{-x_i} / \sum_j m_j e^{-x_j}` along dim (masked-out elements set to inf)."""
    masked = combine("amin", input, mask)
    return F.softmin(masked, canonical_dim(dim, input.ndim)[0], dtype=dtype or input.dtype)


def normalize(input: Any, ord: float, dim: int, *, eps: float = 1e-12, dtype: Optional[_dtype.dtype] = None,
              mask: Optional[Any] = None) -> Any:
    r""":math:`m \odot x / \max(\lVert x \rVert_{p, m}, \epsilon)`, the masked p-norm along dim."""
    masked = combine("sum", input, mask)
    denominator = norm(input, ord, dim, keepdim=True, dtype=dtype or input.dtype, mask=mask)
    return masked / maximum(denominator, denominator.new_full([], eps))


def logaddexp(input: Any, other: Any, *, dtype: Optional[_dtype.dtype] = None, input_mask: Optional[Any] = None,
              other_mask: Optional[Any] = None) -> Any:
    r""":math:`\log(e^{x} + e^{y})` with masked-out elements of either side taken as -inf
    (so the other side's value, or -inf where both are masked out)."""
    result = _logaddexp(combine("logaddexp", input, input_mask), combine("logaddexp", other, other_mask))
    return result.to(dtype=dtype or input.dtype)
