"""Triangular and Cholesky-factor solves beyond the OpInfo samples: float32, broadcasting batch
dimensions, a zero on the diagonal (inf/nan, no error, as LAPACK's trsm), gradcheck and
gradgradcheck on every flag, and torch's errors."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember
from ember import autograd
from ._torch_compare import raises_like, same, same_with_gradients

RNG = np.random.default_rng(0)



def _triangular(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape) + 3 * np.eye(shape[-1])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("upper, left, unit", [(u, l, n) for u in (True, False) for l in (True, False) for n in (True, False)])
def test_solve_triangular_broadcasts_and_matches_torch(dtype: Any, upper: bool, left: bool, unit: bool) -> None:
    a, b = _triangular(2, 1, 3, 3).astype(dtype), RNG.standard_normal((4, 3, 3)).astype(dtype)
    same_with_gradients(
        lambda a, b: torch.linalg.solve_triangular(a, b, upper=upper, left=left, unitriangular=unit),
        lambda a, b: ember.linalg.solve_triangular(a, b, upper=upper, left=left, unitriangular=unit), a, b,
    )


@pytest.mark.parametrize(
    "fn",
    [
        lambda a, b: ember.linalg.solve_triangular(a, b, upper=False, left=False),
        lambda a, b: ember.triangular_solve(b.mT, a, upper=True, transpose=True, unitriangular=True).solution,
        lambda a, b: ember.cholesky_solve(b.mT, a.triu(), upper=True),  # torch's dL is not triangular
        lambda a, b: ember.cholesky_inverse(a.tril()) @ b.mT,
    ],
)
def test_gradients_check_numerically(fn: Callable) -> None:
    a = ember.tensor(_triangular(2, 3, 3), requires_grad=True)
    b = ember.tensor(RNG.standard_normal((2, 3)), requires_grad=True)
    assert autograd.gradcheck(fn, (a, b))
    assert autograd.gradgradcheck(fn, (a, b))


def test_a_zero_on_the_diagonal_gives_inf_and_nan_as_torch() -> None:
    a, b = np.triu(np.ones((3, 3))), np.ones((3, 1))
    a[1, 1] = 0.0
    same(ember.linalg.solve_triangular(ember.tensor(a), ember.tensor(b), upper=True),
          torch.linalg.solve_triangular(torch.tensor(a), torch.tensor(b), upper=True))


def test_triangular_solve_returns_a_clone_of_the_coefficients() -> None:
    a = ember.tensor(_triangular(3, 3))
    out = ember.triangular_solve(ember.ones(3, 2, dtype=ember.float64), a)
    assert type(out).__name__ == "triangular_solve" and out.cloned_coefficient is not a
    np.testing.assert_array_equal(out.cloned_coefficient.numpy(), a.numpy())


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.linalg.solve_triangular(m.ones(3, 3), m.ones(4, 2), upper=True),
        lambda m: m.linalg.solve_triangular(m.ones(3, 4), m.ones(3, 2), upper=True),
        lambda m: m.linalg.solve_triangular(m.ones(3, 3), m.ones(3), upper=True),
        lambda m: m.linalg.solve_triangular(m.ones(3, 3, dtype=m.int64), m.ones(3, 2, dtype=m.int64), upper=True),
        lambda m: m.triangular_solve(m.ones(4, 2), m.ones(3, 3)),
        lambda m: m.triangular_solve(m.ones(3), m.ones(3, 3)),
        lambda m: m.cholesky_solve(m.ones(4, 2), m.ones(3, 3)),
        lambda m: m.cholesky_solve(m.ones(3, 2), m.ones(3, 4)),
        lambda m: m.cholesky_solve(m.ones(3, 2), m.ones(3)),
        lambda m: m.cholesky_solve(m.ones(3), m.ones(3, 3)),
        lambda m: m.cholesky_solve(m.ones(3, 2, dtype=m.float64), m.ones(3, 3)),
        lambda m: m.cholesky_inverse(m.ones(3, 4)),
        lambda m: m.cholesky_inverse(m.ones(3)),
    ],
)
def test_errors_match_torch(call: Callable) -> None:
    raises_like(call)
