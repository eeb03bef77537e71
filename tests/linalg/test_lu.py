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
from tolerances import REDUCTION, TOLERANCES

RNG = np.random.default_rng(0)
L = ember.linalg


def _same(got: Any, expected: torch.Tensor) -> None:
    dtype = str(expected.dtype).removeprefix("torch.")
    rtol, atol = TOLERANCES[REDUCTION].get(dtype, (0.0, 0.0))
    assert str(got.dtype).removeprefix("ember.") == dtype and tuple(got.shape) == tuple(expected.shape)
    np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol, atol)


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
        _same(g, e)
    for e, g in zip(torch.linalg.lu(torch.tensor(a)), L.lu(ember.tensor(a))):
        _same(g, e)


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
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    ea, eb = ember.tensor(a, requires_grad=True), ember.tensor(b, requires_grad=True)
    tlu, tp = torch.linalg.lu_factor(ta)
    elu, ep = L.lu_factor(ea)
    expected = torch.linalg.lu_solve(tlu, tp, tb, left=left, adjoint=adjoint)
    got = L.lu_solve(elu, ep, eb, left=left, adjoint=adjoint)
    _same(got, expected)
    g = RNG.standard_normal(tuple(expected.shape)).astype(dtype)
    expected.backward(torch.tensor(g))
    got.backward(ember.tensor(g))
    _same(ea.grad, ta.grad)
    _same(eb.grad, tb.grad)


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
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(Exception) as got:
        call(ember)
    assert type(got.value) is type(expected.value)
    assert str(got.value) == str(expected.value).split("\n")[0]
