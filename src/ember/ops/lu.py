"""LU factorization with partial pivoting (torch.linalg.lu_factor_ex: LAPACK's getrf), batched,
with torch's gradient (FunctionsManual's linalg_lu_backward), written with ember ops so that it
differentiates again. A = P L U, L unit lower (m x k), U upper (k x n), k = min(m, n); the
gradient of the packed LU takes gL = tril(g, -1) and gU = triu(g):

    m = n:  dA = P L^-T phi U^-T,            phi = tril(L^T gL, -1) + triu(gU U^T)
    m < n:  dA = P L^-T [phi U1^-T | gU2],   phi = tril(L^T gL - gU2 U2^T, -1) + triu(gU1 U1^T)
    m > n:  dA = P [L1^-T phi ; gL2] U^-T,   phi = tril(L1^T gL1, -1) + triu(gU U^T - L2^T gL2)

(U = [U1 | U2] and L = [L1 ; L2] split at k.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from .triangular import solve_triangular


def getrf(A: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(LU, pivots, info) as LAPACK's getrf: at step j the row of the largest |a_ij| (the first
    of equals) is swapped up (pivots are 1-based), the column below is divided by the pivot
    (left as is when the pivot is 0, and info is then the first such j, 1-based)."""
    m, n = A.shape[-2:]
    k = min(m, n)
    batch = A.shape[:-2]
    a = np.array(A.reshape((-1, m, n)), dtype=A.dtype)
    pivots = np.zeros((a.shape[0], k), np.int32)
    info = np.zeros(a.shape[0], np.int32)
    rows = np.arange(a.shape[0])
    for j in range(k):
        p = j + np.argmax(np.abs(a[:, j:, j]), axis=1)
        pivots[:, j] = p + 1
        top = a[rows, j].copy()
        a[rows, j] = a[rows, p]
        a[rows, p] = top
        pivot = a[:, j, j]
        zero = pivot == 0
        info[(info == 0) & zero] = j + 1
        a[:, j + 1 :, j] /= np.where(zero, 1, pivot)[:, None]
        a[:, j + 1 :, j + 1 :] -= a[:, j + 1 :, j : j + 1] * a[:, j : j + 1, j + 1 :]
    return a.reshape(A.shape), pivots.reshape(batch + (k,)), info.reshape(batch)


def permutation(pivots: np.ndarray, m: int) -> np.ndarray:
    """perm with (P^T A)[i] = A[perm[i]]: the row swaps of `pivots` (1-based) applied in order."""
    batch = pivots.shape[:-1]
    flat = pivots.reshape((int(np.prod(batch)), pivots.shape[-1])).astype(np.int64) - 1
    perm = np.broadcast_to(np.arange(m), (flat.shape[0], m)).copy()
    rows = np.arange(flat.shape[0])
    for i in range(flat.shape[1]):
        here, there = perm[:, i].copy(), perm[rows, flat[:, i]]
        perm[:, i] = there
        perm[rows, flat[:, i]] = here
    return perm.reshape(batch + (m,))


def permutation_matrix(pivots: np.ndarray, m: int, dtype: Any) -> np.ndarray:
    """P with A = P L U: P[perm[i], i] = 1."""
    return np.eye(m, dtype=dtype)[permutation(pivots, m)].swapaxes(-1, -2)


class LUFactor(Function):
    """(LU, pivots, info) = getrf(A);  dA = P L^-T phi U^-T with phi = tril(L^T gL, -1) +
    triu(gU U^T) (square; the module docstring has the rectangular cases)."""

    _array_forward = True
    backward_name = "LinalgLuFactorExBackward0"

    @staticmethod
    def forward(ctx, A):
        LU, pivots, info = getrf(A)
        ctx.mark_non_differentiable(pivots, info)
        ctx.save_for_backward(LU)
        ctx.P = permutation_matrix(pivots, A.shape[-2], A.dtype)
        return LU, pivots, info

    @staticmethod
    def backward(ctx, grad, _pivots, _info):
        from .._creation import eye, tensor
        from .join import cat

        (LU,) = ctx.saved_tensors
        m, n = LU.shape[-2:]
        k = min(m, n)
        L = LU[..., :, :k].tril(-1) + eye(m, k, dtype=LU.dtype)
        U = LU[..., :k, :].triu()
        gL, gU = grad[..., :, :k].tril(-1), grad[..., :k, :].triu()
        if m <= n:
            U1, gU1 = U[..., :, :m], gU[..., :, :m]
            inner = L.mT @ gL
            if m < n:
                inner = inner - gU[..., :, m:] @ U[..., :, m:].mT
            phi = inner.tril(-1) + (gU1 @ U1.mT).triu()
            X = solve_triangular(U1, phi.mT, upper=True).mT
            if m < n:
                X = cat([X, gU[..., :, m:]], -1)
            gA = solve_triangular(L.mT, X, upper=True, unitriangular=True)
        else:
            L1, L2, gL1, gL2 = L[..., :n, :], L[..., n:, :], gL[..., :n, :], gL[..., n:, :]
            phi = (L1.mT @ gL1).tril(-1) + (gU @ U.mT - L2.mT @ gL2).triu()
            X = cat([solve_triangular(L1.mT, phi, upper=True, unitriangular=True), gL2], -2)
            gA = solve_triangular(U, X.mT, upper=True).mT
        return tensor(ctx.P) @ gA
