"""LDL^T with Bunch-Kaufman pivoting against torch (LAPACK's sytrf/sytrs): 1x1 and 2x2 pivots,
row swaps, batches, float32, zero pivots (info), larger matrices (LAPACK's blocked path),
solves with broadcasting, and torch's errors."""

from __future__ import annotations

from typing import Callable

import numpy as np
import pytest
import torch

import ember
from ._torch_compare import raises_like, same

RNG = np.random.default_rng(0)
L = ember.linalg



def _symmetric(*shape: int) -> np.ndarray:
    a = RNG.standard_normal(shape)
    return a + a.swapaxes(-1, -2)


MATRICES = [
    _symmetric(5, 5), _symmetric(3, 4, 4), _symmetric(8, 8).astype(np.float32), _symmetric(70, 70),
    np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[0.0, 1.0, 2.0], [1.0, 0.0, 3.0], [2.0, 3.0, 1e-3]]),
    np.diag([1.0, 0.0, 2.0]), np.zeros((3, 3)), np.zeros((0, 2, 2)),
]


@pytest.mark.parametrize("a", MATRICES, ids=range(len(MATRICES)))
def test_factor_matches_sytrf(a: np.ndarray) -> None:
    for e, t in zip(L.ldl_factor_ex(ember.tensor(a)), torch.linalg.ldl_factor_ex(torch.tensor(a))):
        same(e, t)


@pytest.mark.parametrize("a", MATRICES[:6], ids=range(6))
def test_solve_matches_sytrs(a: np.ndarray) -> None:
    b = RNG.standard_normal(a.shape[:-1] + (3,)).astype(a.dtype)
    expected = torch.linalg.ldl_solve(*torch.linalg.ldl_factor(torch.tensor(a)), torch.tensor(b))
    same(L.ldl_solve(*L.ldl_factor(ember.tensor(a)), ember.tensor(b)), expected)


def test_solve_broadcasts_the_factorization() -> None:
    """(torch 2.13 crashes on a B with more batch dimensions than LD: compared with LD expanded)"""
    a, b = _symmetric(4, 4), RNG.standard_normal((2, 4, 3))
    LD, pivots = torch.linalg.ldl_factor(torch.tensor(a))
    expected = torch.linalg.ldl_solve(LD.expand(2, 4, 4), pivots.expand(2, 4), torch.tensor(b))
    same(L.ldl_solve(*L.ldl_factor(ember.tensor(a)), ember.tensor(b)), expected)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.linalg.ldl_factor(m.zeros(3, 4)), lambda m: m.linalg.ldl_factor(m.zeros(3)),
        lambda m: m.linalg.ldl_factor(m.zeros(3, 3, dtype=m.int64)),
        lambda m: m.linalg.ldl_solve(m.eye(3), m.ones(3, dtype=m.int32), m.ones(4, 2)),
        lambda m: m.linalg.ldl_solve(m.eye(3), m.ones(3, dtype=m.int32), m.ones(3)),
        lambda m: m.linalg.ldl_solve(m.eye(3), m.ones(2, dtype=m.int32), m.ones(3, 2)),
        lambda m: m.linalg.ldl_solve(m.eye(3), m.ones(3, dtype=m.int32), m.ones(3, 2, dtype=m.float64)),
    ],
)
def test_errors_match_torch(call: Callable) -> None:
    raises_like(call)


def test_a_zero_pivot_raises_in_ldl_factor() -> None:
    with pytest.raises(RuntimeError, match="ldl_factor"):
        L.ldl_factor(ember.zeros(3, 3))
    with pytest.raises(RuntimeError, match="ldl_factor_ex"):
        L.ldl_factor_ex(ember.zeros(3, 3), check_errors=True)
