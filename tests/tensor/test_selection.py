"""kthvalue, msort, isin, unravel_index and nonzero_static against torch: values, indices (ties
and NaNs included), dtypes, gradients and errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from tolerances import EXACT, TOLERANCES

RTOL64 = TOLERANCES[EXACT]["float64"][0]


def _same(e: Any, t: Any) -> None:
    assert str(e.dtype).removeprefix("ember.") == str(t.dtype).removeprefix("torch.")
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=RTOL64, equal_nan=True)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 30), rows=st.integers(1, 4), seed=st.integers(0, 2**16), nans=st.booleans(),
       keepdim=st.booleans(), data=st.data())
def test_kthvalue_picks_torchs_element_among_ties_and_nans(n: int, rows: int, seed: int, nans: bool,
                                                          keepdim: bool, data: Any) -> None:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 4, (rows, n)).astype(np.float64)
    if nans:
        a[rng.random(a.shape) < 0.25] = np.nan
    k = data.draw(st.integers(1, n))
    expected = torch.kthvalue(torch.from_numpy(a), k, 1, keepdim)
    actual = ember.kthvalue(ember.tensor(a), k, 1, keepdim)
    _same(actual.values, expected.values)
    assert actual.indices.tolist() == expected.indices.tolist()


@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_kthvalue_dims_and_method(dtype: str) -> None:
    a = np.random.default_rng(1).integers(-9, 9, (5, 4, 3)).astype(dtype)
    for dim in (0, 1, -1):
        expected = torch.from_numpy(a).kthvalue(2, dim)
        actual = ember.tensor(a).kthvalue(2, dim)
        _same(actual.values, expected.values)
        _same(actual.indices, expected.indices)


def test_kthvalue_gradient_reaches_the_chosen_element() -> None:
    a = np.random.default_rng(2).normal(size=(4, 5))
    x, tx = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ember.kthvalue(x, 3, 0).values.sum().backward()
    torch.kthvalue(tx, 3, 0).values.sum().backward()
    _same(x.grad, tx.grad)
    assert ember.autograd.gradcheck(lambda t: ember.kthvalue(t, 2, 1).values, (ember.tensor(a, requires_grad=True),))


def test_kthvalue_of_a_0d_tensor_and_errors() -> None:
    result = ember.kthvalue(ember.tensor(2.5), 1)
    assert result.values.item() == 2.5 and result.indices.item() == 0 and result.indices.dtype == ember.int64
    for args in ((ember.randn(2, 2), 3, 0), (ember.randn(2, 2), 3), (ember.tensor(2), 3), (ember.randn(3), 0)):
        with pytest.raises(RuntimeError, match="selected number k out of range"):
            ember.kthvalue(*args)
    t = ember.randn(10)
    with pytest.raises(RuntimeError, match="unsupported operation"):
        ember.kthvalue(t, 5, out=(t, ember.empty((), dtype=ember.int64)))


def test_msort_is_sort_along_dim_0() -> None:
    a = np.random.default_rng(3).normal(size=(5, 3))
    x, tx = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    _same(ember.msort(x), torch.msort(tx))
    _same(x.msort(), tx.msort())
    assert ember.autograd.gradcheck(ember.msort, (x,))


@pytest.mark.parametrize("invert", [False, True])
def test_isin_against_torch(invert: bool) -> None:
    elements = np.array([[1.0, 2.0, np.nan], [3.0, 4.0, 2.0]])
    tests = np.array([2, 3, 7])
    expected = torch.isin(torch.from_numpy(elements), torch.from_numpy(tests), invert=invert)
    _same(ember.isin(ember.tensor(elements), ember.tensor(tests), invert=invert), expected)
    _same(ember.isin(ember.tensor(elements), 2.0, invert=invert), torch.isin(torch.from_numpy(elements), 2.0, invert=invert))
    _same(ember.isin(3, ember.tensor(tests)), torch.isin(3, torch.from_numpy(tests)))


@pytest.mark.parametrize("shape", [(2, 3), (4, 1073741824), (1, 2**63 - 1), (6, 7, 8, 9), (), 4])
def test_unravel_index_wraps_as_torch(shape: Any) -> None:
    flat = np.array([[0, 5, -1], [7, 23, 3]])
    for indices in (flat, flat.astype(np.int32), np.array(5)):
        expected = torch.unravel_index(torch.from_numpy(indices), shape)
        actual = ember.unravel_index(ember.tensor(indices), shape)
        assert len(actual) == len(expected)
        for e, t in zip(actual, expected):
            _same(e, t)


def test_unravel_index_refusals() -> None:
    with pytest.raises(TypeError, match="integer dtype"):
        ember.unravel_index(ember.tensor([1.0]), (2, 3))
    with pytest.raises(ValueError, match="cannot have negative values"):
        ember.unravel_index(ember.tensor([1]), (2, -1))


@pytest.mark.parametrize("size", [0, 1, 2, 5])
@pytest.mark.parametrize("fill_value", [-1, 7])
def test_nonzero_static_cuts_and_pads_as_torch(size: int, fill_value: int) -> None:
    for a in (np.array([[1, 0, 2], [0, 3, 0]]), np.array(1.0), np.array(0.0), np.zeros((0, 2))):
        expected = torch.nonzero_static(torch.from_numpy(a), size=size, fill_value=fill_value)
        _same(ember.nonzero_static(ember.tensor(a), size=size, fill_value=fill_value), expected)
        _same(ember.tensor(a).nonzero_static(size=size, fill_value=fill_value), expected)
