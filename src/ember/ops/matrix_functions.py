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
from ._matrix_exp_taylor import expm


class MatrixExp(Function):
    """exp(A) = sum A^k / k! (torch's Taylor approximants, `_matrix_exp_taylor.py`);  dA = exp([[A^T, g], [0, A^T]])[:n, n:]."""

    _array_forward = True
    backward_name = "LinalgMatrixExpBackward0"

    @staticmethod
    def forward(ctx, A):
        ctx.save_for_backward(A)
        n = A.shape[-1]
        return expm(A) if n > 1 else np.exp(A) if n else A.copy()

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
