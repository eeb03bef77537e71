"""Triangular solves (torch.linalg.solve_triangular) and solves with a Cholesky factor
(torch.cholesky_solve), batched with broadcasting; gradients as torch's derivatives.yaml,
written with these ops so that they differentiate again:

    X = A^-1 B (A triangular):  dB = A^-T g,  dA = -dB X^T restricted to A's triangle
                                (its strict triangle when unitriangular)
    X = (L L^T)^-1 B:           dB = (L L^T)^-1 g,  dL = -(dB X^T + X dB^T) L   (full, as torch's)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ._util import sum_to


def substitute(A: np.ndarray, B: np.ndarray, upper: bool, unitriangular: bool) -> np.ndarray:
    """X with A X = B by forward (lower) or back (upper) substitution, reading only A's triangle
    (not its diagonal when unitriangular); a zero on the diagonal gives inf/nan, as trsm's."""
    batch = np.broadcast_shapes(A.shape[:-2], B.shape[:-2])
    n = A.shape[-1]
    A = np.broadcast_to(A, batch + A.shape[-2:])
    X = np.array(np.broadcast_to(B, batch + B.shape[-2:]), dtype=np.result_type(A, B))
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in range(n - 1, -1, -1) if upper else range(n):
            done = slice(i + 1, n) if upper else slice(0, i)
            if done.start != done.stop:
                X[..., i : i + 1, :] -= A[..., i : i + 1, done] @ X[..., done, :]
            if not unitriangular:
                X[..., i, :] /= A[..., i, i : i + 1]
    return X


class SolveTriangular(Function):
    """X with A X = B, A upper or lower triangular;  dB = A^-T g,
    dA = -dB X^T (triu/tril of it, strict when unitriangular)."""

    _array_forward = True
    backward_name = "LinalgSolveTriangularBackward0"

    @staticmethod
    def forward(ctx, A, B, upper, unitriangular):
        X = substitute(A, B, upper, unitriangular)
        ctx.save_for_backward(A, X)
        ctx.flags = upper, unitriangular
        ctx.shapes = A.shape, B.shape
        return X

    @staticmethod
    def backward(ctx, grad):
        A, X = ctx.saved_tensors
        upper, unit = ctx.flags
        gB = solve_triangular(A.mT, grad, not upper, unit)
        gA = None
        if ctx.needs_input_grad[0]:
            gA = -(gB @ X.mT)
            gA = sum_to(gA.triu(int(unit)) if upper else gA.tril(-int(unit)), ctx.shapes[0])
        return gA, sum_to(gB, ctx.shapes[1]), None, None


def solve_triangular(A: Any, B: Any, upper: bool, unitriangular: bool = False) -> Any:
    """A^-1 B for a triangular A (left side, matrices B)."""
    return SolveTriangular.apply(A, B, upper, unitriangular)


class CholeskySolve(Function):
    """X = (L L^T)^-1 B (or (U^T U)^-1 B when upper);  dB = cholesky_solve(g, L),
    dL = -(dB X^T + X dB^T) L  (U: -U (dB X^T + X dB^T)), on every entry of L."""

    _array_forward = True
    backward_name = "CholeskySolveBackward0"

    @staticmethod
    def forward(ctx, B, L, upper):
        if upper:
            X = substitute(L, substitute(L.swapaxes(-1, -2), B, False, False), True, False)
        else:
            X = substitute(L.swapaxes(-1, -2), substitute(L, B, False, False), True, False)
        ctx.save_for_backward(L, X)
        ctx.upper = upper
        ctx.shapes = B.shape, L.shape
        return X

    @staticmethod
    def backward(ctx, grad):
        L, X = ctx.saved_tensors
        gB = cholesky_solve(grad, L, ctx.upper)
        gL = None
        if ctx.needs_input_grad[1]:
            common = gB @ X.mT
            common = common + common.mT
            gL = sum_to(-(L @ common) if ctx.upper else -(common @ L), ctx.shapes[1])
        return sum_to(gB, ctx.shapes[0]), gL, None


def cholesky_solve(B: Any, L: Any, upper: bool = False) -> Any:
    return CholeskySolve.apply(B, L, upper)
