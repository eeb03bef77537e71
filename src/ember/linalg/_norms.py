"""torch.linalg's norms, composed from ember's ops (the vector norm is `ops.reduce.Norm`; the
spectral and nuclear norms come from the singular values, so their gradients are svd's).

    vector_norm(x, ord) = (sum |x_i|^ord)^(1/ord)   (inf: max |x_i|, 0: the count of nonzeros)
    matrix_norm(A, 'fro') = sqrt(sum A_ij^2),  'nuc' = sum sigma_i,  2 / -2 = max / min sigma,
                1 / -1 = max / min column sum of |A|,  inf / -inf = max / min row sum of |A|
"""

from __future__ import annotations

import math
from typing import Any, Optional, Sequence, Union

from .. import ops
from .._dtype import torch_name
from ..ops._linalg_checks import check_matrix
from ..ops._util import normalize_dims
from ..ops.pnorm import check_identity
from ..ops.reduce import Norm
from ._decompositions import svdvals

Dim = Optional[Union[int, Sequence[int]]]


def vector_norm(x: Any, ord: float = 2, dim: Dim = None, keepdim: bool = False, *, dtype: Any = None) -> Any:
    """The ord-norm of x's entries along dim (all of them by default), computed in dtype."""
    if isinstance(ord, str):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' must be Number, not str")
    if not x.is_floating_point():
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {torch_name(x.dtype)}")
    if dtype is not None:
        x = x.to(dtype)
    if math.isinf(ord) and 0 in tuple(x.shape):
        _check_identity(x, ord, dim)
    if x.ndim == 0:  # a scalar is a vector of one; dim 0 or -1 names it
        normalize_dims(dim, 0)
        return Norm.apply(x.reshape(1), float(ord), None, False).reshape(())
    axes = None if dim is None or dim == () else normalize_dims(dim, x.ndim)
    check_identity(x.shape, ord, dim)
    return Norm.apply(x, float(ord), axes, keepdim)


def _check_identity(x: Any, ord: float, dim: Dim) -> None:
    """max and min have no identity: the inf-norms of an empty reduction are torch's error."""
    name = f"linalg.vector_norm cannot compute the {ord} norm on"
    if dim is None or dim == ():
        raise RuntimeError(f"{name} an empty tensor because the operation does not have an identity")
    for d in (dim,) if isinstance(dim, int) else dim:
        if x.shape[d] == 0:
            raise RuntimeError(
                f"{name} the dimension {d}because this dimension is empty and the operation does not have an identity"
            )


_MATRIX_ORDS = ("fro", "nuc", 2, -2, 1, -1, math.inf, -math.inf)


def matrix_norm(
    A: Any, ord: Union[str, float] = "fro", dim: tuple[int, int] = (-2, -1), keepdim: bool = False, *, dtype: Any = None
) -> Any:
    """A matrix norm of each matrix over the dims `dim` (see the module docstring)."""
    check_matrix("linalg.matrix_norm", A, square=False, floating=False)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    if ord not in _MATRIX_ORDS:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if not A.is_floating_point():
        raise RuntimeError(f"linalg.matrix_norm: Expected a floating point or complex tensor as input. Got {torch_name(A.dtype)}")
    if dtype is not None:
        A = A.to(dtype)
    d0, d1 = (d % A.ndim for d in dim)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord in ("nuc", 2, -2):
        s = svdvals(A.movedim((d0, d1), (-2, -1)))
        out = s.sum(-1) if ord == "nuc" else _extreme(s, -1, False, ord > 0)
        return _keep(out, (d0, d1)) if keepdim else out
    across, along = (d0, d1) if abs(ord) == 1 else (d1, d0)
    sums = A.abs().sum(across, keepdim=True)
    if not keepdim and sums.shape[along] == 0 and ord < 0:  # torch names the dim after dropping `across`
        raise IndexError(f"amin(): Expected reduction dim {along - (across < along)} to have non-zero size.")
    out = _extreme(sums, along, True, ord > 0)
    return out if keepdim else out.squeeze(max(d0, d1)).squeeze(min(d0, d1))


def _extreme(x: Any, dim: int, keepdim: bool, largest: bool) -> Any:
    """amax or amin over dim; over an empty dim the largest is 0 (torch's matrix norms of an
    empty matrix) and the smallest is torch's IndexError."""
    if x.shape[dim] == 0:
        if not largest:
            raise IndexError(f"amin(): Expected reduction dim {dim} to have non-zero size.")
        return x.sum(dim, keepdim=keepdim)
    return x.amax(dim, keepdim=keepdim) if largest else x.amin(dim, keepdim=keepdim)


def _keep(out: Any, dims: tuple[int, int]) -> Any:
    for d in sorted(dims):
        out = out.unsqueeze(d)
    return out


def norm(A: Any, ord: Any = None, dim: Dim = None, keepdim: bool = False, *, dtype: Any = None) -> Any:
    """vector_norm or matrix_norm, chosen by ord and dim as torch.linalg.norm does."""
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None and len(dim) == 2:
        return matrix_norm(A, "fro" if ord is None else ord, tuple(dim), keepdim, dtype=dtype)
    if dim is not None or ord is None:
        if isinstance(ord, str):
            raise RuntimeError(f"linalg.norm: If dim is specified, it mut be of length 1 or 2. Got {list(dim)}")
        return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
    if A.ndim == 2 or isinstance(ord, str):
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    if A.ndim == 1:
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {A.ndim}D.")


_COND_ORDS = (None, "fro", "nuc", 2, -2, 1, -1, math.inf, -math.inf)


def cond(A: Any, p: Union[str, float, None] = None) -> Any:
    """The condition number ||A||_p ||A^-1||_p; for p = None or +-2 the ratio of the extreme
    singular values (sigma_max / sigma_min, or its inverse for -2), defined for rectangular A.
    For the other orders a singular (or nan) A has condition number inf; an empty A has 0."""
    if A.ndim < 2:
        if isinstance(p, str):  # torch's string orders check the shape first, in their own words
            raise RuntimeError(f"linalg.cond(ord={p}): The input tensor A must have at least 2 dimensions.")
        raise RuntimeError("linalg.cond: The input tensor must have at least 2 dimensions.")
    if p not in _COND_ORDS and not isinstance(p, str):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    if p not in (None, 2, -2) and A.shape[-1] != A.shape[-2]:
        name = p if isinstance(p, str) else ("inf" if p == math.inf else "-inf" if p == -math.inf else int(p))
        raise RuntimeError(
            f"linalg.cond(ord={name}): A must be batches of square matrices, but they are {A.shape[-2]} by "
            f"{A.shape[-1]} matrices"
        )
    if p not in _COND_ORDS:
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    if not A.numel():
        return ops.zeros_like(A).sum((-2, -1))
    if p in (None, 2, -2):
        s = svdvals(A)
        big, small = s[..., 0], s[..., -1]
        return small / big if p == -2 else big / small
    from ._solvers import inv_ex

    inverse, info = inv_ex(A)
    inverse = ops.where((info > 0).unsqueeze(-1).unsqueeze(-1), math.inf, inverse)
    return ops.nan_to_num(matrix_norm(A, p) * matrix_norm(inverse, p), math.inf, math.inf, -math.inf)
