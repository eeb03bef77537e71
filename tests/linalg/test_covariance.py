"""torch.cov and torch.corrcoef beyond the OpInfo samples: weights of both kinds, integer input,
one observation, float32, and the argument errors."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch

import ember
from ._torch_compare import same

RNG = np.random.default_rng(0)



X = RNG.standard_normal((3, 6))
FW = np.array([1, 2, 0, 3, 1, 1])
AW = RNG.uniform(0.1, 2.0, 6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("correction", [0, 1, 2])
@pytest.mark.parametrize("weights", [(None, None), (FW, None), (None, AW), (FW, AW)])
def test_weighted_covariance_and_its_gradient(dtype: Any, correction: int, weights: tuple) -> None:
    fw, aw = weights
    t = torch.tensor(X.astype(dtype), requires_grad=True)
    e = ember.tensor(X.astype(dtype), requires_grad=True)
    kw_t = {"fweights": None if fw is None else torch.tensor(fw), "aweights": None if aw is None else torch.tensor(aw.astype(dtype))}
    kw_e = {"fweights": None if fw is None else ember.tensor(fw), "aweights": None if aw is None else ember.tensor(aw.astype(dtype))}
    expected, got = torch.cov(t, correction=correction, **kw_t), ember.cov(e, correction=correction, **kw_e)
    same(got, expected)
    g = RNG.standard_normal(tuple(expected.shape)).astype(dtype)
    expected.backward(torch.tensor(g))
    got.backward(ember.tensor(g))
    same(e.grad, t.grad)


@pytest.mark.parametrize("array", [np.arange(12).reshape(3, 4), np.array([[1, 5, 2]]), np.arange(5)])
def test_integer_input_is_computed_in_the_default_float(array: np.ndarray) -> None:
    same(ember.cov(ember.tensor(array)), torch.cov(torch.tensor(array)))
    same(ember.corrcoef(ember.tensor(array)), torch.corrcoef(torch.tensor(array)))


def test_one_observation_warns_and_divides_by_zero() -> None:
    x = np.array([[1.0], [2.0]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = ember.cov(ember.tensor(x))
    assert any("degrees of freedom" in str(w.message) for w in caught)
    same(got, torch.cov(torch.tensor(x)))
    same(ember.cov(ember.tensor(x), aweights=ember.tensor([0.5])), torch.cov(torch.tensor(x), aweights=torch.tensor([0.5])))


def test_corrcoef_clips_to_one() -> None:
    x = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0000001]])
    got = ember.corrcoef(ember.tensor(x))
    same(got, torch.corrcoef(torch.tensor(x)))
    assert float(got.abs().max().item()) <= 1.0


@pytest.mark.parametrize(
    "x, kwargs",
    [
        (np.ones((2, 2, 2)), {}), (np.ones((2, 3), dtype=bool), {}),
        (np.ones((2, 3)), {"fweights": np.ones(3)}), (np.ones((2, 3)), {"fweights": np.ones((1, 3), dtype=np.int64)}),
        (np.ones((2, 3)), {"fweights": np.ones(4, dtype=np.int64)}), (np.ones((2, 3)), {"fweights": -np.ones(3, dtype=np.int64)}),
        (np.ones((2, 3)), {"aweights": np.ones(3, dtype=np.int64)}), (np.ones((2, 3)), {"aweights": np.zeros(3)}),
    ],
)
def test_errors_match_torch(x: np.ndarray, kwargs: dict) -> None:
    with pytest.raises(RuntimeError) as expected:
        torch.cov(torch.tensor(x), **{k: torch.tensor(v) for k, v in kwargs.items()})
    with pytest.raises(RuntimeError) as got:
        ember.cov(ember.tensor(x), **{k: ember.tensor(v) for k, v in kwargs.items()})
    assert str(got.value) == str(expected.value).split("\n")[0]
