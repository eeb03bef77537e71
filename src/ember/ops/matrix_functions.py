"""Functions of a matrix: the exponential and the pseudo-inverse, batched, with torch's gradients.

    d exp(A):  gA = the top-right block of exp([[A^T, g], [0, A^T]])   (Mathias' block trick)
    P = A^+:   gA = -P^T g P^T + (I - A P) g^T P P^T + P^T P g^T (I - P A)
               (the derivative of the pseudo-inverse at constant rank: torch's pinv_backward)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ._linalg_checks import eye_like


class MatrixExp(Function):
    """exp(A) = sum A^k / k!;  dA = exp([[A^T, g], [0, A^T]])[:n, n:]."""

    _array_forward = True
    backward_name = "LinalgMatrixExpBackward0"

    @staticmethod
    def forward(ctx, A):
        ctx.save_for_backward(A)
        return _expm(A) if A.shape[-1] else A.copy()

    @staticmethod
    def backward(ctx, grad):
        from .join import cat

        (A,) = ctx.saved_tensors
        n = A.shape[-1]
        At = A.mT.expand(grad.shape)
        top = cat([At, grad], -1)
        bottom = cat([grad * 0, At], -1)
        return matrix_exp(cat([top, bottom], -2))[..., :n, n:]


def matrix_exp(A: Any) -> Any:
    return MatrixExp.apply(A)


# Higham's degree-13 Pade approximant of exp (SIAM J. Matrix Anal. Appl. 26(4), 2005), accurate
# to double precision for 1-norms up to THETA_13; larger matrices are scaled by 2^-s first and
# the result squared s times.
_PADE_13 = (
    64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0, 129060195264000.0,
    10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0, 40840800.0, 960960.0, 16380.0, 182.0, 1.0,
)
_THETA_13 = 5.371920351148152


def _expm(A: np.ndarray) -> np.ndarray:
    """exp of each matrix by scaling and squaring the [13/13] Pade approximant."""
    a = A.astype(np.float64) if A.dtype != np.float64 else A
    norm = np.abs(a).sum(-2).max(-1)
    s = np.maximum(0, np.ceil(np.log2(np.maximum(norm, 1e-300) / _THETA_13))).astype(int)
    a = a / (2.0 ** s)[..., None, None]
    b = _PADE_13
    eye = np.eye(a.shape[-1])
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    r = np.linalg.solve(v - u, v + u)
    for i in range(int(s.max(initial=0))):
        r = np.where((i < s)[..., None, None], r @ r, r)
    return r.astype(A.dtype, copy=False)


class Pinv(Function):
    """The Moore-Penrose pseudo-inverse from the SVD (eigendecomposition when hermitian), with
    singular values at most max(atol, rtol * sigma_max) taken as zero;
    dA = -P^T g P^T + (I - A P) g^T P P^T + P^T P g^T (I - P A)."""

    _array_forward = True
    backward_name = "LinalgPinvBackward0"

    @staticmethod
    def forward(ctx, A, atol, rtol, hermitian):
        if hermitian:
            S, V = np.linalg.eigh(A)
            U, Vh, size = V, V.swapaxes(-1, -2), np.abs(S)
        else:
            U, S, Vh = np.linalg.svd(A, full_matrices=False)
            size = S
        keep = size > cutoff(size, atol, rtol, max(A.shape[-2:]))
        inv_s = np.where(keep, 1 / np.where(keep, S, 1), 0)
        out = (Vh.swapaxes(-1, -2) * inv_s[..., None, :]) @ U.swapaxes(-1, -2)
        ctx.save_for_backward(A, out)
        return out.astype(A.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        A, P = ctx.saved_tensors
        return pinv_grad(A, P, grad), None, None, None


def pinv_grad(A: Any, P: Any, grad: Any) -> Any:
    """The gradient through P = A^+ (see the module docstring), with differentiable ops."""
    gA = -(P.mT @ grad @ P.mT)
    gA = gA + (eye_like(A.mT) - A @ P) @ grad.mT @ (P @ P.mT)
    return gA + (P.mT @ P) @ grad.mT @ (eye_like(A) - P @ A)


def cutoff(size: np.ndarray, atol: Any, rtol: Any, longest: int) -> np.ndarray:
    """torch's tolerance for singular values: max(atol, rtol * the largest), per matrix, with
    rtol = eps * max(m, n) when not given, or 0 where a positive atol is given."""
    largest = size.max(-1, initial=0.0)[..., None]
    a = np.zeros((), size.dtype) if atol is None else np.asarray(atol, size.dtype)[..., None]
    if rtol is None:
        rtol = np.where(a > 0, 0.0, np.finfo(size.dtype).eps * longest)
    else:
        rtol = np.asarray(rtol, size.dtype)[..., None]
    return np.maximum(a, rtol * largest)
