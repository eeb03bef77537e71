"""torch.geqrf: LAPACK's Householder form against torch (shapes, batches, float32, empty), the
factorization it encodes (householder_product(a, tau) triu(a) = A), and torch's errors."""

from __future__ import annotations

from typing import Callable

import numpy as np
import pytest
import torch

import ember
from ._torch_compare import raises_like, same

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (2, 3, 5, 2), (0, 3), (3, 0), (2, 0, 0)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_geqrf_matches_torch(shape: tuple, dtype: type) -> None:
    x = RNG.standard_normal(shape).astype(dtype)
    for e, t in zip(ember.geqrf(ember.tensor(x)), torch.geqrf(torch.tensor(x))):
        same(e, t)


def test_the_reflectors_rebuild_the_matrix() -> None:
    x = RNG.standard_normal((2, 5, 3))
    a, tau = ember.Tensor.geqrf(ember.tensor(x))
    q = ember.linalg.householder_product(a, tau)
    np.testing.assert_allclose((q @ a[..., :3, :].triu()).numpy(), x, 1e-12, 1e-13)


@pytest.mark.parametrize("call", [lambda m: m.geqrf(m.ones(3)), lambda m: m.geqrf(m.ones(3, 3, dtype=m.int64))])
def test_errors_match_torch(call: Callable) -> None:
    raises_like(call)
