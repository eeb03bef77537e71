"""LU factorization beyond the OpInfo samples: getrf's pivots and infos (ties, zero columns,
singular batches), float32, the unpacked factors, solves with every flag, gradcheck and
gradgradcheck on square, wide and tall matrices, and torch's errors."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember
from ember import autograd
from ._torch_compare import raises_like, same, same_with_gradients

RNG = np.random.default_rng(0)
L = ember.linalg



@pytest.mark.parametrize(
    "a",
    [
        RNG.standard_normal((2, 3, 4, 4)), RNG.standard_normal((3, 5)), RNG.standard_normal((5, 3)),
        np.array([[1.0, 2.0], [2.0, 4.0]]), np.array([[0.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 1.0], [-1.0, 2.0]]),
        np.stack([np.eye(3), np.ones((3, 3))]), RNG.standard_normal((4, 4)).astype(np.float32), np.zeros((0, 3, 3)),
    ],
)
def test_factor_ex_and_unpack_match_getrf(a: np.ndarray) -> None:
    expected, got = torch.linalg.lu_factor_ex(torch.tensor(a)), L.lu_factor_ex(ember.tensor(a))
    for e, g in zip(expected, got):
        same(g, e)
    for e, g in zip(torch.linalg.lu(torch.tensor(a)), L.lu(ember.tensor(a))):
        same(g, e)


def test_singular_input_raises_where_torch_does() -> None:
    a = np.stack([np.eye(2), np.array([[1.0, 2.0], [2.0, 4.0]])])
    with pytest.raises(RuntimeError) as expected:
        torch.linalg.lu_factor(torch.tensor(a))
    with pytest.raises(L.LinAlgError) as got:
        L.lu_factor(ember.tensor(a))
    assert str(got.value) == str(expected.value)
    assert len(ember.lu(ember.tensor(a), get_infos=True)) == 3


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("left, adjoint", [(True, False), (True, True), (False, False), (False, True)])
def test_lu_solve_matches_torch(dtype: Any, left: bool, adjoint: bool) -> None:
    a = (RNG.standard_normal((2, 4, 4)) + 2 * np.eye(4)).astype(dtype)
    b = RNG.standard_normal((3, 1, 4, 2) if left else (3, 1, 2, 4)).astype(dtype)
    same_with_gradients(
        lambda a, b: torch.linalg.lu_solve(*torch.linalg.lu_factor(a), b, left=left, adjoint=adjoint),
        lambda a, b: L.lu_solve(*L.lu_factor(a), b, left=left, adjoint=adjoint), a, b,
    )


@pytest.mark.parametrize("shape", [(3, 3), (2, 4), (4, 2)])
def test_factorization_gradients_check_numerically(shape: tuple) -> None:
    a = ember.tensor(RNG.standard_normal(shape), requires_grad=True)
    assert autograd.gradcheck(lambda x: L.lu_factor(x).LU, (a,))
    assert autograd.gradgradcheck(lambda x: L.lu_factor(x).LU, (a,))
    assert autograd.gradcheck(lambda x: tuple(L.lu(x))[1:], (a,))


def test_solve_gradients_check_numerically() -> None:
    a = ember.tensor(RNG.standard_normal((3, 3)) + 2 * np.eye(3), requires_grad=True)
    b = ember.tensor(RNG.standard_normal((3, 2)), requires_grad=True)
    fn = lambda a, b: L.lu_solve(*L.lu_factor(a), b, adjoint=True)
    assert autograd.gradcheck(fn, (a, b))
    assert autograd.gradgradcheck(fn, (a, b))


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.linalg.lu_factor(m.ones(3, 3), pivot=False),
        lambda m: m.linalg.lu(m.ones(3)),
        lambda m: m.linalg.lu_factor(m.ones(3)),
        lambda m: m.linalg.lu_factor(m.ones(3, 3, dtype=m.int32)),
        lambda m: m.lu_unpack(m.ones(3, 3), m.ones(2, dtype=m.int32)),
        lambda m: m.lu_unpack(m.ones(3, 3), m.ones(3, dtype=m.int64)),
        lambda m: m.linalg.lu_solve(m.ones(3, 3), m.ones(3, dtype=m.int32), m.ones(4, 2)),
        lambda m: m.linalg.lu_solve(m.ones(3, 3), m.ones(3, dtype=m.int32), m.ones(3)),
    ],
)
def test_errors_match_torch(call: Callable) -> None:
    raises_like(call)
