"""mode's index among equal values: torch's CPU kernel returns the occurrence libstdc++'s
std::sort (unstable beyond 16 elements) leaves last; ember emulates that sort."""

import numpy as np
import pytest
import torch

import ember
from ember.ops._std_sort import std_sort_order


def _same(x, dim=-1, keepdim=False):
    tv, ti = torch.mode(torch.tensor(x), dim, keepdim)
    ev, ei = ember.mode(ember.tensor(x), dim, keepdim)
    assert ev.tolist() == tv.tolist() and ei.tolist() == ti.tolist()


@pytest.mark.parametrize("n", [5, 16, 17, 31, 100, 1000, 3000])
@pytest.mark.parametrize("distinct", [2, 3, 10, 500])
def test_random_ties_match_torch(n, distinct):
    rng = np.random.default_rng(n * distinct)
    for _ in range(5):
        _same(rng.integers(0, distinct, (3, n)))


@pytest.mark.parametrize("make", [
    lambda n: np.arange(n), lambda n: np.arange(n)[::-1].copy(), lambda n: np.zeros(n, np.int64),
    lambda n: np.arange(n) % 7, lambda n: np.repeat(np.arange(n // 10 + 1), 10)[:n],
    lambda n: np.concatenate([np.arange(n // 2), np.arange(n - n // 2)]),
])
@pytest.mark.parametrize("n", [17, 64, 257, 3000])
def test_patterned_rows_match_torch(make, n):
    _same(make(n))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32, np.uint8])
def test_dtypes_dims_and_keepdim(dtype):
    x = np.random.default_rng(1).integers(0, 6, (4, 40, 3)).astype(dtype)
    for dim in (0, 1, -1):
        _same(x, dim, True)
        _same(x, dim, False)


def test_the_sort_order_sorts():
    a = np.random.default_rng(2).integers(0, 50, (2, 700))
    order = std_sort_order(a)
    assert (np.diff(np.take_along_axis(a, order, -1), axis=-1) >= 0).all()
    assert (np.sort(order, axis=-1) == np.arange(700)).all()


def test_gradient_goes_to_the_picked_index():
    x = np.random.default_rng(3).integers(0, 4, 50).astype(np.float64)
    e, t = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ember.mode(e).values.backward()
    torch.mode(t).values.backward()
    assert e.grad.tolist() == t.grad.tolist()
