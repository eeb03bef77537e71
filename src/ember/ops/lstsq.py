"""Least squares, min ||A X - B||_F, through NumPy's `lstsq` (LAPACK's SVD-based gelsd), one matrix
at a time over the broadcast batch. torch's drivers agree with it on full-rank inputs; on
rank-deficient ones gelsy's pivoted QR may find another rank than the SVD with the same rcond. The gradient is torch's: X's dependence on A and B is taken as
X = A^+ B, so gB = A^+T g and gA is the pseudo-inverse's gradient with gP = g B^T."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from .matrix_functions import pinv_grad


class Lstsq(Function):
    """X = argmin ||A X - B||, differentiated as X = A^+ B:  dB = P^T g,  dA = pinv_grad(A, P, g B^T)."""

    _array_forward = True
    backward_name = "LinalgLstsqBackward0"

    @staticmethod
    def forward(ctx, A, B, rcond):
        batch = np.broadcast_shapes(A.shape[:-2], B.shape[:-2])
        As = np.broadcast_to(A, batch + A.shape[-2:]).reshape((-1,) + A.shape[-2:])
        Bs = np.broadcast_to(B, batch + B.shape[-2:]).reshape((-1,) + B.shape[-2:])
        n, k = A.shape[-1], B.shape[-1]
        X = np.empty((len(As), n, k), A.dtype)
        ranks = np.empty(len(As), np.int64)
        svals = np.empty((len(As), min(A.shape[-2:])), A.dtype)
        for i, (a, b) in enumerate(zip(As, Bs)):
            X[i], _, ranks[i], svals[i] = np.linalg.lstsq(a, b, rcond=rcond)
        ctx.save_for_backward(A, B)
        ctx.shapes = A.shape, B.shape
        ranks, svals = ranks.reshape(batch), svals.reshape(batch + svals.shape[-1:])
        ctx.mark_non_differentiable(ranks, svals)
        return X.reshape(batch + (n, k)), ranks, svals

    @staticmethod
    def backward(ctx, grad, *_):
        from ..linalg import pinv
        from ._util import sum_to

        A, B = ctx.saved_tensors
        P = pinv(A)
        gA = sum_to(pinv_grad(A, P, grad @ B.mT), ctx.shapes[0]) if ctx.needs_input_grad[0] else None
        gB = sum_to(P.mT @ grad, ctx.shapes[1]) if ctx.needs_input_grad[1] else None
        return gA, gB, None
