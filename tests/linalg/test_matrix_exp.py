"""matrix_exp as torch computes it: every Taylor degree (chosen by the 1-norm) and the scaled
and squared one, in float32 and float64, batched, against torch at the suite's tolerances (a
float32 result rounds as torch's, not as the exact exponential); 1x1 and empty matrices; its
gradient and gradcheck."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import ember
from ember import autograd
from ._torch_compare import same

RNG = np.random.default_rng(0)



# 1-norms inside each degree's interval, for float32 and float64, and far beyond (squarings)
NORMS = [1e-8, 3e-4, 0.02, 0.3, 1.0, 2.0, 6.0, 40.0]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("n", [2, 5, 9])
def test_matrix_exp_matches_torch(dtype: Any, norm: float, n: int) -> None:
    a = RNG.standard_normal((n, n))
    a = (a / np.abs(a).sum(0).max() * norm).astype(dtype)
    same(ember.matrix_exp(ember.tensor(a)), torch.matrix_exp(torch.tensor(a)))


def test_a_batch_mixes_degrees() -> None:
    a = RNG.standard_normal((4, 3, 3)) * np.array([1e-6, 0.05, 1.0, 30.0])[:, None, None]
    same(ember.linalg.matrix_exp(ember.tensor(a)), torch.linalg.matrix_exp(torch.tensor(a)))


@pytest.mark.parametrize("shape", [(1, 1), (3, 1, 1), (0, 0), (2, 0, 0)])
def test_tiny_and_empty_matrices(shape: tuple) -> None:
    a = RNG.standard_normal(shape)
    same(ember.matrix_exp(ember.tensor(a)), torch.matrix_exp(torch.tensor(a)))


def test_gradient_matches_torch_and_checks_numerically() -> None:
    a = RNG.standard_normal((2, 3, 3))
    t, e = torch.tensor(a, requires_grad=True), ember.tensor(a, requires_grad=True)
    g = RNG.standard_normal(a.shape)
    torch.matrix_exp(t).backward(torch.tensor(g))
    ember.matrix_exp(e).backward(ember.tensor(g))
    same(e.grad, t.grad)
    assert autograd.gradcheck(ember.matrix_exp, (ember.tensor(a, requires_grad=True),))
