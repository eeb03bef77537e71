"""index_reduce / Tensor.index_reduce / index_reduce_ against torch: values for every reduction,
with and without include_self, repeated indices, integer dtypes; gradients (torch's
index_reduce_backward, zeros and ties included) and second derivatives; the refusals."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

import ember
from tolerances import REDUCTION, TOLERANCES

REDUCES = ["prod", "mean", "amax", "amin"]


def _arrays(dtype: str, seed: int, dim: int) -> tuple:
    """input (4, 3), source with 5 slices along dim, an index repeating positions; a few zeros
    and repeated values, where prod's and amax's gradients have their special cases."""
    rng = np.random.default_rng(seed)
    shape, src_shape = [4, 3], [4, 3]
    src_shape[dim] = 5
    x = rng.integers(-3, 4, shape).astype(dtype)
    source = rng.integers(-3, 4, src_shape).astype(dtype)
    index = np.array([0, 2, 0, 1, 2])
    return x, index, source


def _same(e: Any, t: Any) -> None:
    assert str(e.dtype).removeprefix("ember.") == str(t.dtype).removeprefix("torch.")
    assert tuple(e.shape) == tuple(t.shape)
    rtol, atol = TOLERANCES[REDUCTION].get(str(t.dtype).removeprefix("torch."), (0, 0))
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64"])
@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("reduce", REDUCES)
def test_values_match_torch(reduce: str, dim: int, include_self: bool, dtype: str) -> None:
    x, index, source = _arrays(dtype, 0, dim % 2)
    expected = torch.from_numpy(x).index_reduce(dim, torch.from_numpy(index), torch.from_numpy(source), reduce,
                                                include_self=include_self)
    actual = ember.index_reduce(ember.tensor(x), dim, ember.tensor(index), ember.tensor(source), reduce,
                                include_self=include_self)
    _same(actual, expected)
    inplace = ember.tensor(x)
    assert inplace.index_reduce_(dim, ember.tensor(index), ember.tensor(source), reduce, include_self=include_self) is inplace
    _same(inplace, expected)


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", REDUCES)
def test_gradients_match_torchs_index_reduce_backward(reduce: str, include_self: bool) -> None:
    for seed in range(3):
        x, index, source = _arrays("float64", seed, 0)
        tx, ts = torch.tensor(x, requires_grad=True), torch.tensor(source, requires_grad=True)
        ex, es = ember.tensor(x, requires_grad=True), ember.tensor(source, requires_grad=True)
        cotangent = np.random.default_rng(seed).normal(size=x.shape)
        tx.index_reduce(0, torch.from_numpy(index), ts, reduce, include_self=include_self).backward(torch.from_numpy(cotangent))
        ex.index_reduce(0, ember.tensor(index), es, reduce, include_self=include_self).backward(ember.tensor(cotangent))
        _same(ex.grad, tx.grad)
        _same(es.grad, ts.grad)


@pytest.mark.parametrize("reduce", REDUCES)
def test_gradcheck_and_gradgradcheck(reduce: str) -> None:
    rng = np.random.default_rng(5)
    x = ember.tensor(rng.uniform(0.5, 2.0, (3, 2)), requires_grad=True)
    source = ember.tensor(rng.uniform(0.5, 2.0, (4, 2)), requires_grad=True)
    index = ember.tensor([0, 2, 0, 1])

    def fn(a: Any, b: Any) -> Any:
        return ember.index_reduce(a, 0, index, b, reduce)

    assert ember.autograd.gradcheck(fn, (x, source))
    assert ember.autograd.gradgradcheck(fn, (x, source))


def test_0d_and_empty_index() -> None:
    assert ember.tensor(3.0).index_reduce(0, ember.tensor([0]), ember.tensor(2.0), "prod").item() == 6.0
    x = ember.ones(3, 2)
    _same(x.index_reduce(0, ember.tensor([], dtype=ember.int64), ember.ones(0, 2), "amax"),
          torch.ones(3, 2).index_reduce(0, torch.tensor([], dtype=torch.int64), torch.ones(0, 2), "amax"))


@pytest.mark.parametrize("index, source_shape, source_dtype, reduce", [
    ([0, -1], (2, 2), "float32", "prod"), ([0, 3], (2, 2), "float32", "prod"),
    ([0.0, 1.0], (2, 2), "float32", "prod"), ([[0, 1]], (2, 2), "float32", "prod"),
    ([0, 1], (3, 2), "float32", "prod"), ([0, 1], (2, 3), "float32", "prod"), ([0, 1], (2,), "float32", "prod"),
    ([0, 1], (2, 2), "float64", "prod"), ([0, 1], (2, 2), "float32", "sum"),
])
def test_refusals_are_torchs(index: list, source_shape: tuple, source_dtype: str, reduce: str) -> None:
    """Each bad call (index out of range, not integral, not a vector; source of the wrong shape
    or dtype; an unknown reduction) raises torch's exception type."""

    def call(lib: Any) -> Any:
        source = lib.full(source_shape, 2.0, dtype=getattr(lib, source_dtype))
        return lib.ones(3, 2).index_reduce(0, lib.tensor(index), source, reduce)

    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(expected.type):
        call(ember)
