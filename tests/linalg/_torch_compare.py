"""Comparisons with torch shared by the linalg tests: a result's dtype, shape and values at the
suite's tolerances, and the same exception (type and message) for the same call."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember
from tolerances import REDUCTION, TOLERANCES


def same(got: Any, expected: torch.Tensor) -> None:
    """ember's `got` has torch's dtype and shape, and its values at the rounded tolerance (exact
    for integers)."""
    dtype = str(expected.dtype).removeprefix("torch.")
    rtol, atol = TOLERANCES[REDUCTION].get(dtype, (0.0, 0.0))
    assert str(got.dtype).removeprefix("ember.") == dtype and tuple(got.shape) == tuple(expected.shape)
    np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol, atol)


def raises_like(call: Callable[[Any], Any]) -> None:
    """call(torch) and call(ember) raise the same exception type with the same first line."""
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(Exception) as got:
        call(ember)
    assert type(got.value) is type(expected.value)
    assert str(got.value) == str(expected.value).split("\n")[0]


def same_with_gradients(torch_fn: Callable[..., Any], ember_fn: Callable[..., Any], *arrays: np.ndarray) -> None:
    """torch_fn and ember_fn on leaves made from `arrays`: the same result, and the same gradient
    of every leaf for a random cotangent."""
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    es = [ember.tensor(a, requires_grad=True) for a in arrays]
    expected, got = torch_fn(*ts), ember_fn(*es)
    same(got, expected)
    g = np.random.default_rng(0).standard_normal(tuple(expected.shape)).astype(arrays[0].dtype)
    expected.backward(torch.tensor(g))
    got.backward(ember.tensor(g))
    for t, e in zip(ts, es):
        same(e.grad, t.grad)
