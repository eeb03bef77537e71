"""Triangular and Cholesky-factor solves: torch.linalg.solve_triangular and the top-level
torch.triangular_solve, torch.cholesky_solve, torch.cholesky_inverse (`ops/triangular.py`)."""

from __future__ import annotations

from collections import namedtuple
from typing import Any

from .._creation import eye
from .._dtype import torch_name
from ..ops._linalg_checks import check_matrix
from ..ops.triangular import CholeskySolve, SolveTriangular

triangular_solve_result = namedtuple("triangular_solve", ["solution", "cloned_coefficient"])


def _check_float(kernel: str, *tensors: Any) -> None:
    for t in tensors:
        if not t.is_floating_point():
            raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'{torch_name(t.dtype)}\'')


def _check_b_fits(name: str, A: Any, b: Any) -> None:
    """torch's message when b's rows are not A's columns (the older solves)."""
    if A.shape[-1] != b.shape[-2]:
        raise RuntimeError(
            f"Incompatible matrix sizes for {name}: each A matrix is {A.shape[-2]} by {A.shape[-1]} "
            f"but each b matrix is {b.shape[-2]} by {b.shape[-1]}"
        )


def _check_same_dtype(b: Any, A: Any) -> None:
    if b.dtype != A.dtype:
        raise RuntimeError(
            f"Expected b and A to have the same dtype, but found b of type {torch_name(b.dtype)} and A of type "
            f"{torch_name(A.dtype)} instead."
        )


def solve_triangular(A: Any, B: Any, *, upper: bool, left: bool = True, unitriangular: bool = False) -> Any:
    """X with A X = B (left) or X A = B, A upper or lower triangular (only that triangle is read;
    its diagonal is taken as ones when unitriangular); batch dimensions broadcast."""
    name = "linalg.solve_triangular"
    check_matrix(name, A, floating=False)
    if B.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    rows = B.shape[-2] if left else B.shape[-1]
    if rows != A.shape[-1]:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(
            f"{name}: Incompatible shapes of A and B for the equation {eq} "
            f"({A.shape[-2]}x{A.shape[-1]} and {B.shape[-2]}x{B.shape[-1]})"
        )
    _check_float("triangular_solve", A, B)
    if left:
        return SolveTriangular.apply(A, B, upper, unitriangular)
    return SolveTriangular.apply(A.mT, B.mT, not upper, unitriangular).mT


def triangular_solve(
    b: Any, A: Any, upper: bool = True, transpose: bool = False, unitriangular: bool = False
) -> Any:
    """(X, A.clone()) with A X = b (A^T X = b when transpose): torch's older spelling."""
    if b.ndim < 2:
        raise RuntimeError(
            f"torch.triangular_solve: Expected b to have at least 2 dimensions, but it has {b.ndim} dimensions instead"
        )
    check_matrix("torch.triangular_solve", A, floating=False)
    _check_b_fits("triangular_solve", A, b)
    _check_float("triangular_solve", A, b)
    X = SolveTriangular.apply(A.mT if transpose else A, b, upper != transpose, unitriangular)
    return triangular_solve_result(X, A.clone())


def cholesky_solve(input: Any, input2: Any, upper: bool = False) -> Any:
    """X = (L L^T)^-1 B for B = input and the Cholesky factor L = input2 (U^T U when upper)."""
    if input.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {input.ndim} dimensions instead")
    if input2.ndim < 2:
        raise RuntimeError(f"u should have at least 2 dimensions, but has {input2.ndim} dimensions instead")
    if input2.shape[-1] != input2.shape[-2]:
        raise RuntimeError(
            f"A must be batches of square matrices, but they are {input2.shape[-2]} by {input2.shape[-1]} matrices"
        )
    _check_b_fits("cholesky_solve", input2, input)
    _check_same_dtype(input, input2)
    _check_float("cholesky_solve", input)
    return CholeskySolve.apply(input, input2, upper)


def cholesky_inverse(input: Any, upper: bool = False) -> Any:
    """(L L^T)^-1 from the Cholesky factor L (U^T U when upper): cholesky_solve of the identity,
    whose gradient -(A^-1 (g + g^T) A^-1) L is torch's cholesky_inverse_backward."""
    check_matrix("cholesky_inverse", input, floating=False)
    _check_float("cholesky_inverse", input)
    return CholeskySolve.apply(eye(input.shape[-1], dtype=input.dtype), input, upper)
