"""linalg.cond against torch: every order on regular, singular, nan, empty and rectangular
inputs (values, or torch's error), its gradient, and gradcheck."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import torch

import ember
from ember import autograd

RNG = np.random.default_rng(0)
ORDS = [None, "fro", "nuc", 2, -2, 1, -1, math.inf, -math.inf, 3, "foo"]
MATRICES = {
    "regular": RNG.standard_normal((2, 3, 3)), "singular": np.stack([np.eye(3), np.diag([1.0, 0.0, 2.0])]),
    "zero": np.zeros((3, 3)), "nan": np.array([[math.nan, 0.0], [0.0, 1.0]]), "empty": np.zeros((2, 0, 0)),
    "wide": RNG.standard_normal((3, 4)), "vector": np.ones(3), "float32": RNG.standard_normal((3, 3)).astype(np.float32),
}


def _outcome(lib: Any, a: np.ndarray, p: Any) -> Any:
    try:
        out = lib.linalg.cond(lib.tensor(a), p)
    except RuntimeError as error:
        return f"{isinstance(error, (torch.linalg.LinAlgError, ember.linalg.LinAlgError))}: {error}"
    return str(out.dtype).split(".")[-1], out.numpy()


# torch's nuclear-norm condition number of a zero matrix is nan, though its code maps nan to inf:
# MKL's SVD of the all-inf inverse fails inside (SLASCL rejects its arguments); ember says inf
CASES = [(name, p) for name in sorted(MATRICES) for p in ORDS if (name, p) != ("zero", "nuc")]


@pytest.mark.parametrize("name, p", CASES)
def test_cond_matches_torch(name: str, p: Any) -> None:
    expected, got = _outcome(torch, MATRICES[name], p), _outcome(ember, MATRICES[name], p)
    if isinstance(expected, str):
        assert got == expected
    else:
        assert got[0] == expected[0]
        np.testing.assert_allclose(got[1], expected[1], 1e-5 if expected[0] == "float32" else 1e-10)


@pytest.mark.parametrize("p", [None, 2, -2])
def test_gradient_matches_torch(p: Any) -> None:
    a = MATRICES["regular"]
    t, e = torch.tensor(a, requires_grad=True), ember.tensor(a, requires_grad=True)
    torch.linalg.cond(t, p).sum().backward()
    ember.linalg.cond(e, p).sum().backward()
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), 1e-10, 1e-12)


@pytest.mark.parametrize("p", [None, "fro", "nuc", -2, 1, math.inf])
def test_gradient_checks_numerically(p: Any) -> None:
    """(torch's backward through the other orders fails: it fills the inverse in place)"""
    assert autograd.gradcheck(lambda x: ember.linalg.cond(x, p), (ember.tensor(MATRICES["regular"], requires_grad=True),))
