"""ember.gradient against torch.gradient: values and dtypes for scalar, per-dimension and
coordinate spacings, both edge orders, chosen dims; gradients through it; torch's errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.tolerances import REDUCTION, TOLERANCES

RTOL, ATOL = TOLERANCES[REDUCTION]["float64"]
RNG = np.random.default_rng(0)
COORDS = [np.array([1.1, 2.0, 3.5, 4.0]), np.array([4.0, 2.0, 6.0, 7.5, 9.0])]
CASES = [
    ((5,), {}), ((5,), {"spacing": 2.0}), ((4, 5), {"edge_order": 2}), ((4, 5), {"spacing": [2.0, 2.1]}),
    ((4, 5), {"spacing": [2.0, 2.1], "dim": (0, 1)}), ((3, 4, 5), {"spacing": 0.5, "dim": (0, -1), "edge_order": 2}),
    ((4, 5), {"dim": 1}), ((4, 5), {"spacing": "coords", "dim": (0, 1)}),
    ((4, 5), {"spacing": "coords", "dim": (0, -1), "edge_order": 2}),
]


def _kwargs(kwargs: dict, lib) -> dict:
    if kwargs.get("spacing") == "coords":
        return {**kwargs, "spacing": [lib.tensor(c) for c in COORDS]}
    return kwargs


@pytest.mark.parametrize("shape, kwargs", CASES)
def test_values_and_gradients_match_torch(shape: tuple, kwargs: dict) -> None:
    values = RNG.normal(size=shape)
    tx, ex = torch.tensor(values, requires_grad=True), ember.tensor(values, requires_grad=True)
    expected, got = torch.gradient(tx, **_kwargs(kwargs, torch)), ember.gradient(ex, **_kwargs(kwargs, ember))
    assert len(got) == len(expected)
    for e, t in zip(got, expected):
        assert tuple(e.shape) == tuple(t.shape)
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=RTOL, atol=ATOL)
    weights = [RNG.normal(size=shape) for _ in expected]
    (t_grad,) = torch.autograd.grad(sum((t * torch.tensor(w)).sum() for t, w in zip(expected, weights)), tx)
    (e_grad,) = ember.autograd.grad(sum((e * ember.tensor(w)).sum() for e, w in zip(got, weights)), ex)
    np.testing.assert_allclose(e_grad.numpy(), t_grad.numpy(), rtol=RTOL, atol=ATOL)


def test_integer_input_and_coordinates_give_torchs_float_dtype() -> None:
    values = [[1, 2, 4], [3, 5, 9]]
    for kwargs in ({}, {"spacing": 2}, {"dim": 1, "spacing": [ember.tensor([1, 2, 4])]}):
        t_kwargs = {k: [torch.tensor(v.tolist()) for v in x] if k == "spacing" and isinstance(x, list) else x
                    for k, x in kwargs.items()}
        got, expected = ember.gradient(ember.tensor(values), **kwargs), torch.gradient(torch.tensor(values), **t_kwargs)
        for e, t in zip(got, expected):
            assert str(e.dtype) == str(t.dtype).replace("torch", "ember")
            np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6)


@pytest.mark.parametrize("shape, kwargs, error, message", [
    ((3, 3), {"spacing": [0.1], "dim": (1, 0)}, RuntimeError, "spacing and dim arguments to have the same length"),
    ((3, 3), {"spacing": [0.1]}, RuntimeError, "list of length equal to 'self.dim\\(\\) = 2'"),
    ((3, 3), {"edge_order": 3}, RuntimeError, "only supports edge_order=1 and edge_order=2"),
    ((3, 3), {"spacing": 0.1, "dim": (1, 1)}, RuntimeError, "appears multiple times"),
    ((3, 3), {"dim": 3}, IndexError, "Dimension out of range"),
    ((), {"dim": 0}, IndexError, "Dimension specified as 0 but tensor has no dimensions"),
    ((3, 1), {}, RuntimeError, "at least edge_order\\+1"),
    ((2, 2), {"edge_order": 2}, RuntimeError, "at least edge_order\\+1"),
])
def test_errors_as_torch(shape: tuple, kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        ember.gradient(ember.ones(*shape), **kwargs)
    with pytest.raises(RuntimeError, match="does not support uint8"):
        ember.gradient(ember.ones(3, dtype=ember.uint8))
