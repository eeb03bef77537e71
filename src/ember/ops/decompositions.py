"""Matrix decompositions (torch.linalg.cholesky/qr/eigh/svd) on NumPy's LAPACK, batched over
leading dimensions, with torch's gradients (FunctionsManual.cpp), written with ember ops so that
they differentiate again. Real dtypes only. Notation: sym(X) = X + X^T, skew(X) = X - X^T.

Eigenvector and singular-vector gradients divide by the gaps between eigenvalues (squared singular
values): they are only defined for distinct ones, and are inf/nan otherwise, as torch's.
"""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ._linalg_checks import LinAlgError, diag_embed, diagonal, not_positive_definite
from .solve import solve


def _gaps(values):
    """E[i, j] = values[j] - values[i], with ones on the diagonal (divided by nothing there)."""
    E = values.reshape(values.shape[:-1] + (1, values.shape[-1])) - values.reshape(values.shape + (1,))
    return E + diag_embed(values.new_ones(values.shape))


class Cholesky(Function):
    """A = L L^T, L lower;  dA = L^-T Phi(L^T gL) L^-1 with Phi(M) = tril(M) with half its
    diagonal mirrored onto the upper part: 0.5 (M + tril(M, -1)^T), M = tril(L^T gL)."""

    _array_forward = True
    backward_name = "LinalgCholeskyExBackward0"

    @staticmethod
    def forward(ctx, A):
        try:
            L = np.linalg.cholesky(A)
        except np.linalg.LinAlgError:
            raise not_positive_definite("linalg.cholesky", A) from None
        ctx.save_for_backward(L)
        return L

    @staticmethod
    def backward(ctx, grad):
        (L,) = ctx.saved_tensors
        M = (L.mT @ grad).tril()
        M = 0.5 * (M + M.tril(-1).mT)
        return solve(L.mT, solve(L.mT, M).mT).mT


class QR(Function):
    """A = Q R;  for m >= n (reduced): M = R gR^T - gQ^T Q,
    dA = (gQ + Q copyltu(M)) R^-T with copyltu(M) = tril(M) + tril(M, -1)^T.
    For m < n, A = Q [X | Y], R = [U | V]: gY = Q gV and X takes the square rule with
    gQ + Y gV^T. Neither mode 'r' nor 'complete' with m > n has a gradient (as torch's)."""

    _array_forward = True
    backward_name = "LinalgQrBackward0"

    @staticmethod
    def forward(ctx, A, mode):
        Q, R = np.linalg.qr(A, mode="complete" if mode == "complete" else "reduced")
        ctx.save_for_backward(Q, R)
        ctx.mode = mode
        return Q, R

    @staticmethod
    def backward(ctx, gQ, gR):
        Q, R = ctx.saved_tensors
        m, n = Q.shape[-2], R.shape[-1]
        if ctx.mode == "r":
            raise RuntimeError(
                "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use "
                "linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr."
            )
        if ctx.mode == "complete" and m > n:
            raise RuntimeError(
                "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
            )
        if m >= n:
            return _qr_square_rule(Q, R, gQ, gR), None
        Y = Q @ R[..., m:]
        gX = _qr_square_rule(Q, R[..., :m], gQ + Y @ gR[..., m:].mT, gR[..., :m])
        return _cat_last(gX, Q @ gR[..., m:]), None


def _qr_square_rule(Q, R, gQ, gR):
    M = R @ gR.mT - gQ.mT @ Q
    M = M.tril() + M.tril(-1).mT
    return solve(R, (gQ + Q @ M).mT).mT


def _cat_last(a, b):
    from .join import cat

    return cat([a, b], -1)


class Eigh(Function):
    """A = V diag(L) V^T (reading one triangle);  dA = V (diag(gL) + skew(V^T gV)/2 / E) V^T,
    E[i, j] = L[j] - L[i] (torch's linalg_eig_backward for Hermitian A)."""

    _array_forward = True
    backward_name = "LinalgEighBackward0"

    @staticmethod
    def forward(ctx, A, UPLO):
        L, V = np.linalg.eigh(A, UPLO=UPLO)
        ctx.save_for_backward(L, V)
        ctx.set_materialize_grads(False)
        return L, V

    @staticmethod
    def backward(ctx, gL, gV):
        L, V = ctx.saved_tensors
        inner = diag_embed(gL) if gL is not None else 0
        if gV is not None:
            VhgV = V.mT @ gV
            inner = inner + 0.5 * (VhgV - VhgV.mT) / _gaps(L)
        return V @ inner @ V.mT, None


def _svd(A: np.ndarray, full_matrices: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """NumPy's SVD with torch's (MKL's) answer to non-finite input: a matrix holding a nan does
    not converge (LinAlgError); one holding only infinities has nan singular values and vectors."""
    infinite = ~np.isfinite(A).all((-2, -1))
    if not infinite.any():
        return np.linalg.svd(A, full_matrices=full_matrices)
    nan = np.isnan(A).any((-2, -1)).reshape(-1)
    if nan.any():
        prefix = f"(Batch element {int(nan.argmax())}): " if A.ndim > 2 else ""
        raise LinAlgError(
            f"linalg.svd: {prefix}The algorithm failed to converge because the input matrix contained non-finite values."
        )
    U, S, Vh = np.linalg.svd(np.where(infinite[..., None, None], 0, A), full_matrices=full_matrices)
    return tuple(np.where(infinite.reshape(infinite.shape + (1,) * (x.ndim - A.ndim + 2)), np.nan, x) for x in (U, S, Vh))


class SVD(Function):
    """A = U diag(S) Vh (k = min(m, n) singular values);  with J = skew(U^T gU), K = skew(V^T gV):
    dA = U [(J S_j + S_i K) / (S_j^2 - S_i^2) + diag(gS)] Vh
         + (I - U U^T) gU S^-1 Vh   (m > n)   + U S^-1 gV^T (I - V V^T)   (m < n).
    With full_matrices, the extra columns of U and rows of Vh get no gradient (torch narrows)."""

    _array_forward = True
    backward_name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx, A, full_matrices):
        U, S, Vh = _svd(A, full_matrices)
        ctx.save_for_backward(U, S, Vh)
        ctx.set_materialize_grads(False)
        return U, S, Vh

    @staticmethod
    def backward(ctx, gU, gS, gVh):
        U, S, Vh = ctx.saved_tensors
        m, n, k = U.shape[-2], Vh.shape[-1], S.shape[-1]
        U, Vh = U[..., :k], Vh[..., :k, :]
        if gU is None and gVh is None:
            return U @ diag_embed(gS) @ Vh, None
        gU = U * 0 if gU is None else gU[..., :k]
        gV = Vh.mT * 0 if gVh is None else gVh[..., :k, :].mT
        gS = S * 0 if gS is None else gS
        V = Vh.mT
        J, K = U.mT @ gU, Vh @ gV
        J, K = J - J.mT, K - K.mT
        row, col = S.reshape(S.shape + (1,)), S.reshape(S.shape[:-1] + (1, k))
        inner = (J * col + row * K) / _gaps(S * S) + diag_embed(gS)
        gA = U @ inner @ Vh
        if m > n:
            gUS = gU / col
            gA = gA + (gUS - U @ (U.mT @ gUS)) @ Vh
        elif m < n:
            gVS = gV / col
            gA = gA + U @ (gVS - V @ (Vh @ gVS)).mT
        return gA, None
