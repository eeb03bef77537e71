"""sort and argsort put equal elements where torch's CPU kernels put them: stable=True keeps
their order; an unstable sort of int8, int16, uint8, bool or float16 replays GCC's introsort
(torch's std::sort), and a long 1-d ascending integer sort is stable (fbgemm's radix sort)."""

import numpy as np
import pytest
import torch

import ember
from ember.ops._std_sort import std_sort_order
from tensor.conftest import assert_tensor_like_torch

SMALL = ["int8", "int16", "uint8", "bool", "float16"]
PATTERNS = ["random", "sorted", "reversed", "organ", "two_values"]


def _data(pattern, n, rng):
    if pattern == "random":
        return rng.integers(0, 4, (3, n))
    if pattern == "sorted":
        return np.sort(rng.integers(0, 50, (3, n)), 1)
    if pattern == "reversed":
        return -np.sort(rng.integers(0, 50, (3, n)), 1)
    if pattern == "organ":
        return np.tile(np.r_[np.arange(n // 2), np.arange(n - n // 2)[::-1]], (3, 1))
    return rng.integers(0, 2, (3, n)) * 100


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("n", [5, 17, 40, 300, 2000])
@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("dtype", SMALL)
def test_unstable_sort_ties_match_torch(dtype, pattern, n, descending):
    data = _data(pattern, n, np.random.default_rng(n))
    t = torch.tensor(data).to(getattr(torch, dtype))
    if dtype == "float16":
        t[0, ::7], t[1, ::5] = float("nan"), float("inf")
    e = ember.tensor(t.numpy())
    for dim in (1, 0):
        want = torch.sort(t, dim=dim, descending=descending)
        got = ember.sort(e, dim=dim, descending=descending)
        assert_tensor_like_torch(got.values, want.values, 0.0, 0.0)
        assert_tensor_like_torch(got.indices, want.indices, 0.0, 0.0)
        assert_tensor_like_torch(e.argsort(dim=dim, descending=descending), t.argsort(dim=dim, descending=descending), 0.0, 0.0)


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("dtype", SMALL + ["int32", "int64", "float32", "float64"])
def test_stable_sort_keeps_the_order_of_ties(dtype, descending):
    rng = np.random.default_rng(3)
    t = torch.tensor(rng.integers(0, 3, (4, 500))).to(getattr(torch, dtype))
    if t.is_floating_point():
        t[0, ::9] = float("nan")
    e = ember.tensor(t.numpy())
    want = torch.sort(t, dim=1, descending=descending, stable=True)
    got = ember.sort(e, dim=1, descending=descending, stable=True)
    assert_tensor_like_torch(got.indices, want.indices, 0.0, 0.0)
    assert_tensor_like_torch(got.values, want.values, 0.0, 0.0)


def test_long_ascending_integer_sort_is_stable_as_torch_radix_sort():
    t = torch.tensor(np.random.default_rng(4).integers(-5, 5, 40000)).to(torch.int8)
    got = ember.sort(ember.tensor(t.numpy()))
    assert_tensor_like_torch(got.indices, torch.sort(t).indices, 0.0, 0.0)


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int64", "bool"])
def test_descending_sort_at_the_ends_of_the_integer_range(dtype):
    info = np.iinfo(dtype) if dtype != "bool" else None
    values = [0, 1] if dtype == "bool" else [info.min, info.max, 0, info.min + 1, info.max - 1, 1]
    t = torch.tensor(values, dtype=getattr(torch, dtype))
    got = ember.sort(ember.tensor(t.numpy()), descending=True, stable=True)
    want = torch.sort(t, descending=True, stable=True)
    assert_tensor_like_torch(got.values, want.values, 0.0, 0.0)
    assert_tensor_like_torch(got.indices, want.indices, 0.0, 0.0)


def test_introsort_heap_fallback_still_sorts(monkeypatch):
    """With the depth limit spent at once, libstdc++'s heap sort runs: the order is still sorted,
    and a permutation of the positions."""
    import ember.ops._std_sort as std_sort

    ranks = np.random.default_rng(5).integers(0, 6, 200)
    partitioned = std_sort_order(ranks)
    monkeypatch.setattr(std_sort, "depth_limit", lambda n: 0)
    order = std_sort_order(ranks)
    assert sorted(order.tolist()) == list(range(200)) and (np.diff(ranks[order]) >= 0).all()
    assert not np.array_equal(order, partitioned)  # the heap sort leaves ties in another order
