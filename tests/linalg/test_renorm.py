"""torch.renorm and Tensor.renorm_: values and gradients against torch (slices above and below
maxnorm, an all-zero slice), float32, the in-place form in a graph, gradgradcheck, errors."""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember
from ember import autograd
from ._torch_compare import raises_like, same

RNG = np.random.default_rng(0)



def _input(dtype: Any) -> np.ndarray:
    x = RNG.standard_normal((3, 4, 2)) * np.array([0.1, 1.0, 3.0])[:, None, None]
    x[:, 2] = 0.0
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("p, dim, maxnorm", [(2, 0, 1.0), (1, 1, 0.5), (3.5, -1, 2.0), (math.inf, 0, 1.0), (2, 1, 0.0)])
def test_renorm_matches_torch(dtype: Any, p: float, dim: int, maxnorm: float) -> None:
    x = _input(dtype)
    t, e = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    expected, got = torch.renorm(t, p, dim, maxnorm), ember.renorm(e, p, dim, maxnorm)
    same(got, expected)
    g = RNG.standard_normal(x.shape).astype(dtype)
    expected.backward(torch.tensor(g))
    got.backward(ember.tensor(g))
    same(e.grad, t.grad)


def test_in_place_renorm_records_the_graph() -> None:
    x = _input(np.float64)
    t, e = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    ty, ey = t * 2, e * 2
    assert ey.renorm_(2, 0, 1.0) is ey
    ty.renorm_(2, 0, 1.0)
    same(ey, ty)
    ty.sum().backward()
    ey.sum().backward()
    same(e.grad, t.grad)


def test_gradients_check_numerically() -> None:
    x = ember.tensor(RNG.standard_normal((3, 4)) * np.array([[0.1], [1.0], [3.0]]), requires_grad=True)
    assert autograd.gradcheck(lambda x: ember.renorm(x, 2, 0, 1.0), (x,))
    assert autograd.gradgradcheck(lambda x: ember.renorm(x, 1.5, 0, 1.0), (x,))


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.renorm(m.ones(3, 4), 2, 0, -1), lambda m: m.renorm(m.ones(3, 4), -1, 0, 1),
        lambda m: m.renorm(m.ones(3, 4), 0, 0, 1), lambda m: m.renorm(m.ones(3, 4), 2, 2, 1),
        lambda m: m.renorm(m.ones(()), 2, 0, 1),
    ],
)
def test_errors_match_torch(call: Callable) -> None:
    raises_like(call)
