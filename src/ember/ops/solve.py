"""Determinants, inverses and linear solves (torch.linalg.det/slogdet/inv/solve), batched over
leading dimensions. The gradients are torch's (derivatives.yaml), written with these same ops so
that they differentiate again:

    d det(A)        = det(A) A^-T             (A invertible)
    d log|det(A)|   = A^-T
    d A^-1:  gA     = -A^-T g A^-T
    X = A^-1 B:  gB = A^-T g,  gA = -gB X^T
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ._linalg_checks import LinAlgError, eye_like, singular_error
from ._util import broadcast_error, sum_to


def _matrices(x: Any) -> Any:
    """A batch of scalars as a batch of 1x1 matrices, to scale matrices."""
    return x.reshape(tuple(x.shape) + (1, 1))


class Det(Function):
    """det(A);  dA = g det(A) A^-T, which is 0 where det(A) is exactly 0: torch 2.13 returns a
    zero gradient there too (not the cofactor matrix), and so does ember."""

    _array_forward = True
    backward_name = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx, A):
        out = np.asarray(np.linalg.det(A))
        ctx.save_for_backward(A, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        A, out = ctx.saved_tensors
        from .index import where

        invertible = where(_matrices(out) == 0, eye_like(A), A)
        return _matrices(grad * out) * inv(invertible).mT


class Slogdet(Function):
    """(sign, log|det A|);  dA = g_logabsdet A^-T; the sign has no gradient."""

    _array_forward = True
    backward_name = "LinalgSlogdetBackward0"

    @staticmethod
    def forward(ctx, A):
        sign, logabsdet = np.linalg.slogdet(A)
        sign, logabsdet = np.asarray(sign), np.asarray(logabsdet)
        ctx.mark_non_differentiable(sign)
        ctx.save_for_backward(A)
        return sign, logabsdet

    @staticmethod
    def backward(ctx, _, grad):
        (A,) = ctx.saved_tensors
        return _matrices(grad) * inv(A).mT


class Inv(Function):
    """A^-1;  dA = -A^-T g A^-T."""

    _array_forward = True
    backward_name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx, A):
        try:
            out = np.linalg.inv(A)
        except np.linalg.LinAlgError:
            raise singular_error("linalg.inv", A) from None
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return -(out.mT @ grad @ out.mT)


class Solve(Function):
    """X = A^-1 B for matrices B (batch dims broadcast);  dB = A^-T g,  dA = -dB X^T."""

    _array_forward = True
    backward_name = "LinalgSolveExBackward0"

    @staticmethod
    def forward(ctx, A, B):
        try:
            np.broadcast_shapes(A.shape[:-2], B.shape[:-2])
        except ValueError:
            raise RuntimeError(str(broadcast_error(B.shape[:-2], A.shape[:-2])).split(" (shapes")[0]) from None
        try:
            out = np.linalg.solve(A, B)
        except np.linalg.LinAlgError:
            raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.") from None
        ctx.save_for_backward(A, out)
        ctx.shapes = A.shape, B.shape
        return out

    @staticmethod
    def backward(ctx, grad):
        A, X = ctx.saved_tensors
        gB = solve(A.mT, grad)
        gA = -(gB @ X.mT) if ctx.needs_input_grad[0] else None
        return (sum_to(gA, ctx.shapes[0]) if gA is not None else None), sum_to(gB, ctx.shapes[1])


def inv(A: Any) -> Any:
    return Inv.apply(A)


def solve(A: Any, B: Any) -> Any:
    """A^-1 B for a matrix B (the public linalg.solve handles vectors and left=False)."""
    return Solve.apply(A, B)
