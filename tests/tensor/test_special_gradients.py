"""Second derivatives of special functions and logcumsumexp against torch's: torch's i1 and
i1e gradients guard |x| <= eps (second derivative 0 there, not NaN), and its logcumsumexp
gradient sums in log space, whose double backward ember follows."""

from __future__ import annotations

from typing import Callable

import numpy as np
import pytest
import torch

import ember
from tests.tolerances import TOLERANCES, TRANSCENDENTAL

RTOL, ATOL = TOLERANCES[TRANSCENDENTAL]["float64"]


def _second_derivatives(fn: Callable, values: np.ndarray, cotangent: np.ndarray, lib) -> tuple[np.ndarray, np.ndarray]:
    x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
    g = lib.tensor(cotangent, dtype=lib.float64, requires_grad=True)
    (first,) = lib.autograd.grad(fn(lib, x), x, g, create_graph=True)
    second_x, second_g = lib.autograd.grad((first * first).sum(), (x, g))
    return second_x.detach().numpy(), second_g.detach().numpy()


@pytest.mark.parametrize("name", ["i1", "i1e"])
def test_i1_second_derivative_is_torchs_at_zero_and_beside_it(name: str) -> None:
    # (just above eps, I0(x) - I1(x)/x cancels to rounding noise of O(1) in both libraries)
    values = np.array([0.0, -0.0, 1e-17, -2e-16, 0.01, 0.3, -2.0, 40.0])
    cotangent = np.linspace(0.5, 2.0, values.size)
    fn = lambda lib, x: getattr(lib.special, name)(x)  # noqa: E731
    got, expected = _second_derivatives(fn, values, cotangent, ember), _second_derivatives(fn, values, cotangent, torch)
    for e, t in zip(got, expected):
        np.testing.assert_allclose(e, t, rtol=RTOL, atol=ATOL)
    assert not np.isnan(got[0]).any()


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_logcumsumexp_double_backward_is_torchs(dim: int) -> None:
    rng = np.random.default_rng(dim + 5)
    values = rng.normal(size=(4, 5)) * 3
    cotangent = rng.normal(size=(4, 5))
    fn = lambda lib, x: lib.logcumsumexp(x, dim)  # noqa: E731
    got, expected = _second_derivatives(fn, values, cotangent, ember), _second_derivatives(fn, values, cotangent, torch)
    for e, t in zip(got, expected):
        np.testing.assert_allclose(e, t, rtol=RTOL, atol=ATOL)


def test_logcumsumexp_gradient_rules_agree_and_pass_gradgradcheck() -> None:
    x = ember.tensor(np.random.default_rng(1).normal(size=(3, 4)), dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda t: ember.logcumsumexp(t, 1), (x,))
    assert ember.autograd.gradgradcheck(lambda t: ember.logcumsumexp(t, 1), (x,))
    g = ember.tensor(np.random.default_rng(2).normal(size=(3, 4)), dtype=ember.float64)
    (fast,) = ember.autograd.grad(ember.logcumsumexp(x, 1), x, g)
    (reference,) = ember.autograd.grad(ember.logcumsumexp(x, 1), x, g, create_graph=True)
    np.testing.assert_allclose(fast.numpy(), reference.detach().numpy(), rtol=1e-12, atol=1e-15)
