"""torch.linalg's products and structured matrices, composed from ember's ops:

    cross(a, b) = (a1 b2 - a2 b1, a2 b0 - a0 b2, a0 b1 - a1 b0)
    vecdot(x, y) = sum_i x_i y_i,  multi_dot(A, B, ...) = A @ B @ ...
    vander(x)[..., i, j] = x_i^j,  diagonal(A, offset)[..., i] = A[..., i, i + offset]
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from .. import ops
from .._creation import eye, ones_like, zeros
from .._dtype import bool_
from ..ops._util import normalize_dims


def cross(input: Any, other: Any, *, dim: int = -1) -> Any:
    if input.ndim != other.ndim:
        raise RuntimeError(
            f"linalg.cross: inputs must have the same number of dimensions. Got {input.ndim} and {other.ndim}"
        )
    normalize_dims(dim, input.ndim)
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got {input.shape[dim]} and {other.shape[dim]}"
        )
    shape = np.broadcast_shapes(tuple(input.shape), tuple(other.shape))
    a, b = input.expand(shape), other.expand(shape)
    a0, a1, a2 = (a.narrow(dim, i, 1) for i in range(3))
    b0, b1, b2 = (b.narrow(dim, i, 1) for i in range(3))
    return ops.cat([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], dim)


def vecdot(x: Any, y: Any, *, dim: int = -1) -> Any:
    return (x * y).sum(dim)


def multi_dot(tensors: Sequence[Any]) -> Any:
    """The chained product; a 1-d first (last) operand is a row (column) vector, dropped after."""
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    first, last = tensors[0], tensors[-1]
    if first.ndim not in (1, 2) or last.ndim not in (1, 2):
        raise RuntimeError(
            f"multi_dot(): the first and last tensors must be 1D or 2D but got {first.ndim}D and {last.ndim}D"
        )
    for i, t in enumerate(tensors[1:-1], 1):
        if t.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
    out = first
    for t in tensors[1:]:
        out = out @ t
    return out


def vander(x: Any, *, N: Optional[int] = None) -> Any:
    """Columns x^0, x^1, ..., x^(N-1) (N = x.shape[-1] by default), as cumulative products; a
    0-d x is a vector of one."""
    x = x.reshape(1) if x.ndim == 0 else x
    N = x.shape[-1] if N is None else N
    if N <= 1:
        raise RuntimeError("N must be greater than 1.")
    col = x.unsqueeze(-1)
    powers = ops.cat([ones_like(col), col.expand(tuple(x.shape) + (N - 1,))], -1)
    return powers.cumprod(-1)


def diagonal(A: Any, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Any:
    """The offset diagonal of the matrices in dims (dim1, dim2), as a new last dimension."""
    d1, d2 = normalize_dims(dim1, A.ndim)[0], normalize_dims(dim2, A.ndim)[0]
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    M = A.movedim((dim1, dim2), (-2, -1))
    M = M[..., :, offset:] if offset >= 0 else M[..., -offset:, :]
    rows, cols = M.shape[-2], M.shape[-1]
    k = max(min(rows, cols), 0)
    flat = M.reshape(tuple(M.shape[:-2]) + (rows * cols,))
    return flat[..., : k * (cols + 1) : cols + 1] if k else flat[..., :0]


def reflectors_product(A: Any, tau: Any) -> Any:
    """The m x m product H_1 H_2 ... H_k of the k = tau.shape[-1] reflectors stored in A's first
    k columns (H_i = I - tau_i v_i v_i^T, v_i: column i below the diagonal, 1 on it), built from
    differentiable ops; no checks (the callers make them)."""
    m, n = A.shape[-2:]
    V = A.tril(-1) + eye(m, n, dtype=A.dtype)
    Q = eye(m, dtype=A.dtype).expand(tuple(A.shape[:-2]) + (m, m))
    for i in range(tau.shape[-1]):
        v = V[..., :, i : i + 1]
        Q = Q - (Q @ v) @ (tau[..., i : i + 1].unsqueeze(-1) * v.mT)
    return Q


def householder_product(A: Any, tau: Any) -> Any:
    """The first n columns of H_1 H_2 ... H_k, H_i = I - tau_i v_i v_i^T, where v_i is column i of
    A below the diagonal with a 1 on it (LAPACK's orgqr), composed from differentiable ops."""
    name = "torch.linalg.householder_product"
    if A.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    m, n = A.shape[-2:]
    if m < n:
        raise RuntimeError(f"{name}: input.shape[-2] must be greater than or equal to input.shape[-1]")
    if tau.ndim != A.ndim - 1:
        raise RuntimeError(
            f"{name}: Expected tau to have one dimension less than input, but got tau.ndim equal to {tau.ndim} "
            f"and input.ndim is equal to {A.ndim}"
        )
    if n < tau.shape[-1]:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to tau.shape[-1]")
    Q = reflectors_product(A, tau)
    if not tau.shape[-1]:  # no reflectors: the identity, still in A's graph (as torch's)
        return ops.where(zeros(A.shape, dtype=bool_), A, Q[..., :, :n])
    return Q[..., :, :n]
