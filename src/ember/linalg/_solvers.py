"""torch.linalg's determinants, inverses and solvers on ember's ops (`ops/solve.py`,
`ops/matrix_functions.py`, `ops/lstsq.py`)."""

from __future__ import annotations

import math
from typing import Any, Optional, Sequence

import numpy as np

from .. import ops
from .._creation import eye, full, tensor, zeros
from .._dtype import bool_ as ember_bool, int32
from ..ops._linalg_checks import LinAlgError, check_matrix
from ..ops.lstsq import Lstsq
from ..ops.matrix_functions import Pinv, cutoff
from ..ops.solve import Det, Inv, Slogdet, Solve
from . import _types


def det(A: Any) -> Any:
    """det(A) of each matrix in the batch."""
    check_matrix("linalg.det", A)
    return Det.apply(A)


def slogdet(A: Any) -> Any:
    """(sign(det A), log|det A|)."""
    check_matrix("linalg.slogdet", A)
    return _types.linalg_slogdet(*Slogdet.apply(A))


def logdet(A: Any) -> Any:
    """log(det A): nan where det A < 0, -inf where it is 0 (real A)."""
    check_matrix("linalg.logdet", A)
    sign, logabsdet = Slogdet.apply(A)
    return ops.where(sign < 0, math.nan, logabsdet)


def inv(A: Any) -> Any:
    """A^-1; raises LinAlgError for a singular matrix."""
    check_matrix("linalg.inv", A)
    return Inv.apply(A)


def inv_ex(A: Any, *, check_errors: bool = False) -> Any:
    """(A^-1, info): info is 0, or the 1-based index of U's zero diagonal element of a singular A
    (whose inverse is then nan, as LAPACK leaves no inverse)."""
    return _types.linalg_inv_ex(*_ex(inv, A, check_errors))


def _ex(fn: Any, A: Any, check_errors: bool, *args: Any) -> tuple[Any, Any]:
    """(fn(A), info) of the `_ex` variants: info 0 where fn succeeds; where it fails (unless
    check_errors), LAPACK's info and a nan result for that matrix."""
    try:
        return fn(A, *args), zeros(A.shape[:-2], dtype=int32)
    except LinAlgError:
        if check_errors:
            raise
    flat = A.reshape((-1,) + tuple(A.shape[-2:]))
    outs, infos = [], []
    for i in range(flat.shape[0]):
        try:
            outs.append(fn(flat[i], *args))
            infos.append(0)
        except LinAlgError as e:
            outs.append(full(A.shape[-2:], math.nan, dtype=A.dtype))
            infos.append(getattr(e, "info", 1))
    result = ops.stack(outs)
    info = tensor(infos, dtype=int32).reshape(tuple(A.shape[:-2]))
    return result.reshape(tuple(A.shape[:-2]) + tuple(result.shape[1:])), info


def solve(A: Any, B: Any, *, left: bool = True) -> Any:
    """X with A X = B (left) or X A = B; B is a vector (batch) when it has one dimension, or one
    fewer than A with A's batch shape, as torch decides."""
    check_matrix("linalg.solve", A)
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    Bm = B.unsqueeze(-1 if left else -2) if vector else B
    rows = Bm.shape[-2] if left else Bm.shape[-1]
    if rows != A.shape[-1]:
        shape = f"{Bm.shape[-2]}x{Bm.shape[-1]}"
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation {eq} ({A.shape[-2]}x{A.shape[-1]} and {shape})")
    X = Solve.apply(A, Bm) if left else Solve.apply(A.mT, Bm.mT).mT
    return X.squeeze(-1 if left else -2) if vector else X


def solve_ex(A: Any, B: Any, *, left: bool = True, check_errors: bool = False) -> Any:
    """(solve(A, B), info) as inv_ex; when a matrix is singular the whole result is nan."""
    try:
        return _types.linalg_solve_ex(solve(A, B, left=left), zeros(A.shape[:-2], dtype=int32))
    except LinAlgError:
        if check_errors:
            raise
    shape = (A @ B if left else B @ A).shape
    return _types.linalg_solve_ex(full(shape, math.nan, dtype=A.dtype), _ex(inv, A, False)[1])


def pinv(A: Any, rcond: Any = None, hermitian: bool = False, *, atol: Any = None, rtol: Any = None) -> Any:
    """The pseudo-inverse, singular values <= max(atol, rtol * sigma_max) dropped (rcond: torch's
    older name for rtol)."""
    check_matrix("linalg.pinv", A, square=False)
    if rcond is not None:
        rtol = rcond
    if not A.numel():  # torch returns an empty A^T shape before looking at atol and rtol
        return A.mT.clone()
    return Pinv.apply(A, _number(atol), _number(rtol), hermitian)


def _number(x: Any) -> Any:
    return x._data if hasattr(x, "_data") else x


def matrix_rank(A: Any, *, atol: Any = None, rtol: Any = None, hermitian: bool = False) -> Any:
    """The number of singular values above max(atol, rtol * sigma_max), as int64."""
    check_matrix("linalg.matrix_rank", A, square=False)
    a = A._data
    size = np.abs(np.linalg.eigvalsh(a)) if hermitian else np.linalg.svd(a, compute_uv=False)
    return tensor(np.sum(size > cutoff(size, _number(atol), _number(rtol), max(a.shape[-2:])), -1))


_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A: Any, B: Any, rcond: Optional[float] = None, *, driver: Optional[str] = None) -> Any:
    """(solution, residuals, rank, singular_values) as torch fills them on CPU (default driver
    gelsy): rank for gelsy/gelsd/gelss, singular values for gelsd/gelss, residuals (the squared
    column norms of A X - B) when m > n, every A has full rank and the driver is not gelsy."""
    check_matrix("linalg.lstsq", A, square=False)
    driver = driver or "gelsy"
    if driver not in _DRIVERS:
        raise RuntimeError(f"parameter `driver` should be one of {_DRIVERS}")
    vector = B.ndim == A.ndim - 1
    Bm = B.unsqueeze(-1) if vector else B
    if Bm.shape[-2] != A.shape[-2]:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    rcond = float(np.finfo(A._data.dtype).eps * max(A.shape[-2:])) if rcond is None else rcond
    X, rank, svals = Lstsq.apply(A, Bm, rcond)
    m, n = A.shape[-2:]
    empty = zeros(0, dtype=A.dtype)
    residuals = empty
    if m > n and driver != "gelsy" and bool((rank == n).all()):
        residuals = ((A @ X - Bm) ** 2).sum(-2)
    X = X.squeeze(-1) if vector else X
    rank = rank if driver != "gels" else zeros(0, dtype=rank.dtype)
    svals = svals if driver in ("gelsd", "gelss") else empty
    return _types.linalg_lstsq(X, residuals, rank, svals)


def matrix_power(A: Any, n: int) -> Any:
    """A^n by repeated squaring; A^0 = I, A^-n = (A^-1)^n."""
    check_matrix("linalg.matrix_power", A, floating=n < 0)
    if n == 0:  # the identity, with a zero gradient to A (as torch's)
        return ops.where(zeros(A.shape, dtype=ember_bool), A, eye(A.shape[-1], dtype=A.dtype))
    base, result = (inv(A) if n < 0 else A), None
    n = abs(n)
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return result


def tensorinv(A: Any, ind: int = 2) -> Any:
    """The inverse of A seen as a map from its last dims to its first `ind` dims."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    out, into = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    rows, cols = math.prod(out), math.prod(into)
    if rows != cols:
        raise RuntimeError(
            f"Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), "
            f"but got {cols} != {rows}"
        )
    return inv(A.reshape(rows, cols)).reshape(into + out)


def tensorsolve(A: Any, B: Any, dims: Optional[Sequence[int]] = None) -> Any:
    """X with tensordot(A, X, X.ndim) = B."""
    if dims is not None:
        dims = [d % A.ndim for d in dims]
        A = A.movedim(dims, list(range(A.ndim - len(dims), A.ndim)))
    result = tuple(A.shape[B.ndim:])
    rows, cols = B.numel(), math.prod(result)
    if rows != cols:
        raise RuntimeError(
            f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == prod(self.shape[:other.ndim]), "
            f"but got {cols} != {rows}"
        )
    return solve(A.reshape(rows, cols), B.reshape(rows)).reshape(result)
