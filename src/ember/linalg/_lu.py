"""LU factorization and its solves: torch.linalg.lu_factor(_ex), lu, lu_solve and the top-level
torch.lu, torch.lu_unpack, torch.lu_solve (`ops/lu.py`, `ops/triangular.py`).

A = P L U with partial pivoting; `pivots` are LAPACK's 1-based row swaps (int32). Unpacking
(L = tril(LU, -1) + I, U = triu(LU)) and solving (X = U^-1 L^-1 P^T B) are composed from
differentiable ops, so their gradients are those of the pieces, which is torch's.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

from .._creation import eye, tensor, zeros
from .._dtype import int32
from ..ops._linalg_checks import LinAlgError
from ..ops.lu import LUFactor, permutation_matrix
from ..ops.triangular import solve_triangular
from ._triangular import _check_float

linalg_lu_factor = namedtuple("linalg_lu_factor", ["LU", "pivots"])
linalg_lu_factor_ex = namedtuple("linalg_lu_factor_ex", ["LU", "pivots", "info"])
linalg_lu = namedtuple("linalg_lu", ["P", "L", "U"])
lu_unpack_result = namedtuple("lu_unpack", ["P", "L", "U"])


def _factor(name: str, A: Any, pivot: bool) -> tuple[Any, Any, Any]:
    if A.ndim < 2:
        raise RuntimeError(f"{name}: Expected tensor with 2 or more dimensions. Got size: {list(A.shape)} instead")
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    _check_float("lu", A)
    return LUFactor.apply(A)


def lu_factor_ex(A: Any, *, pivot: bool = True, check_errors: bool = False) -> Any:
    """(LU, pivots, info): info is 0, or the 1-based index of U's first zero diagonal element."""
    LU, pivots, info = _factor("torch.lu_factor", A, pivot)
    if check_errors:
        _raise_singular("torch.linalg.lu_factor_ex", info)
    return linalg_lu_factor_ex(LU, pivots, info)


def lu_factor(A: Any, *, pivot: bool = True) -> Any:
    """(LU, pivots); raises for a singular A, whose U could not be used to solve."""
    LU, pivots, info = _factor("torch.lu_factor", A, pivot)
    _raise_singular("torch.linalg.lu_factor", info)
    return linalg_lu_factor(LU, pivots)


def _raise_singular(name: str, info: Any) -> None:
    flat = info._data.reshape(-1)
    bad = flat.nonzero()[0]
    if bad.size:
        i = int(bad[0])
        prefix = f"(Batch element {i}): " if info.ndim else ""
        raise LinAlgError(
            f"{name}: {prefix}U[{flat[i]},{flat[i]}] is zero and using it on lu_solve would result in a division by "
            "zero. If you still want to perform the factorization, consider calling linalg.lu(A, pivot) or "
            "linalg.lu_factor_ex(A, pivot)"
        )


def lu_unpack(LU_data: Any, LU_pivots: Any, unpack_data: bool = True, unpack_pivots: bool = True) -> Any:
    """(P, L, U) from lu_factor's result; the parts not asked for are empty."""
    if LU_pivots.dtype != int32:
        raise RuntimeError("torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype.")
    m, n = LU_data.shape[-2:]
    k = min(m, n)
    if LU_pivots.shape[-1] != k or (LU_pivots.numel() and not bool(((LU_pivots >= 1) & (LU_pivots <= m)).all())):
        raise RuntimeError(
            "pivots passed to lu_unpack must be between 1 and LU.size(-2) inclusive.Did you properly pass the result "
            "of lu_factor?"
        )
    empty = zeros(0, dtype=LU_data.dtype)
    L = U = P = empty
    if unpack_data:
        L = LU_data[..., :, :k].tril(-1) + eye(m, k, dtype=LU_data.dtype)
        U = LU_data[..., :k, :].triu()
    if unpack_pivots:
        P = tensor(permutation_matrix(LU_pivots._data, m, LU_data._data.dtype))
    return lu_unpack_result(P, L, U)


def lu(A: Any, *, pivot: bool = True) -> Any:
    """(P, L, U) with A = P L U (no error for a singular A)."""
    if A.ndim < 2:
        raise RuntimeError(f"linalg.lu: Expected tensor with 2 or more dimensions. Got size: {list(A.shape)} instead")
    LU, pivots, _ = _factor("linalg.lu", A, pivot)
    return linalg_lu(*lu_unpack(LU, pivots))


def lu_solve(LU: Any, pivots: Any, B: Any, *, left: bool = True, adjoint: bool = False) -> Any:
    """X with A X = B (left) or X A = B, or with A^T in place of A (adjoint), A = P L U."""
    name = "linalg.lu_solve"
    if B.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    if LU.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor LU must have at least 2 dimensions.")
    if LU.shape[-1] != LU.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {LU.shape[-2]} by {LU.shape[-1]} matrices")
    if (B.shape[-2] if left else B.shape[-1]) != LU.shape[-1]:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(
            f"{name}: Incompatible shapes of A and B for the equation {eq} "
            f"({LU.shape[-2]}x{LU.shape[-1]} and {B.shape[-2]}x{B.shape[-1]})"
        )
    if tuple(pivots.shape) != tuple(LU.shape[:-1]):
        raise RuntimeError(f"{name}: Expected LU.shape[:-1] and pivots.shape to be the same, but got pivots with shape {list(pivots.shape)} instead")
    if pivots.dtype != int32:
        raise RuntimeError(f"{name}: pivots should be a Tensor of scalar type int32")
    _check_float("lu_solve", LU, B)
    if not left:
        return lu_solve(LU, pivots, B.mT, adjoint=not adjoint).mT
    P = tensor(permutation_matrix(pivots._data, LU.shape[-1], LU._data.dtype))
    if adjoint:
        Y = solve_triangular(LU.mT, B, upper=False)
        return P @ solve_triangular(LU.mT, Y, upper=True, unitriangular=True)
    Y = solve_triangular(LU, P.mT @ B, upper=False, unitriangular=True)
    return solve_triangular(LU, Y, upper=True)


def torch_lu(A: Any, pivot: bool = True, get_infos: bool = False) -> Any:
    """torch.lu: (LU, pivots), or (LU, pivots, infos) with get_infos (else a singular A raises)."""
    LU, pivots, info = lu_factor_ex(A, pivot=pivot, check_errors=not get_infos)
    return (LU, pivots, info) if get_infos else (LU, pivots)


def torch_lu_solve(b: Any, LU_data: Any, LU_pivots: Any) -> Any:
    """torch.lu_solve: X = A^-1 b from lu_factor's (LU, pivots); arguments in the old order."""
    return lu_solve(LU_data, LU_pivots, b)
