"""histogram and histogramdd against torch: counts, weights, densities, bin edges (torch's
linspace), explicit edges, ranges, degenerate and empty inputs, float32, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

RNG = np.random.default_rng(0)


def _both(values: np.ndarray) -> tuple[ember.Tensor, torch.Tensor]:
    return ember.tensor(values), torch.tensor(values)


def _check(got, expected, rtol: float) -> None:
    np.testing.assert_allclose(got.hist.numpy(), expected.hist.numpy(), rtol=rtol)
    assert got.hist.dtype == ember.tensor(expected.hist.numpy()).dtype
    edges_got = got.bin_edges if isinstance(got.bin_edges, tuple) else (got.bin_edges,)
    edges_expected = expected.bin_edges if isinstance(expected.bin_edges, tuple) else (expected.bin_edges,)
    for e, t in zip(edges_got, edges_expected):
        np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("bins, kwargs", [
    (7, {}), (3, {"density": True}), (5, {"range": (-1.0, 0.5)}), (4, {"weight": True}), (4, {"weight": True, "density": True}),
    ("edges", {}), ("edges", {"density": True, "weight": True}),
])
def test_histogram_matches_torch(bins, kwargs: dict, dtype) -> None:
    values = np.concatenate([RNG.normal(size=40), [np.nan, 3.0]]).astype(dtype)
    e_x, t_x = _both(values)
    if bins == "edges":
        edges = np.array([-2.0, -0.5, 0.0, 0.3, 2.5], dtype)
        e_bins, t_bins = _both(edges)
    else:
        e_bins = t_bins = bins
    e_kwargs, t_kwargs = dict(kwargs), dict(kwargs)
    if kwargs.get("weight"):
        w = RNG.uniform(-1, 2, size=values.shape).astype(dtype)
        e_kwargs["weight"], t_kwargs["weight"] = _both(w)
    values_no_nan = values if "range" in kwargs or bins == "edges" else values[:-2]
    if values_no_nan is not values:
        e_x, t_x = _both(values_no_nan)
        for k in ("weight",):
            if k in e_kwargs:
                e_kwargs[k], t_kwargs[k] = e_kwargs[k][:-2], t_kwargs[k][:-2]
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    _check(ember.histogram(e_x, e_bins, **e_kwargs), torch.histogram(t_x, t_bins, **t_kwargs), rtol)
    _check(e_x.histogram(e_bins, **e_kwargs), t_x.histogram(t_bins, **t_kwargs), rtol)


def test_degenerate_and_empty_inputs_as_torch() -> None:
    for values, bins in (([2.0, 2.0], 2), ([], 3), (5.0, 1)):
        _check(ember.histogram(ember.tensor(values), bins), torch.histogram(torch.tensor(values), bins), 1e-12)


@pytest.mark.parametrize("bins, kwargs", [
    ((2, 3, 4), {}), (3, {"density": True}), ((2, 2, 5), {"range": [-1.0, 1.0, 0.0, 2.0, -3.0, 0.0]}),
    ("edges", {"weight": True}), ((4, 1, 2), {"weight": True, "density": True}),
])
def test_histogramdd_matches_torch(bins, kwargs: dict) -> None:
    values = RNG.normal(size=(6, 5, 3))
    e_x, t_x = _both(values)
    if bins == "edges":
        edges = [np.sort(RNG.normal(size=n)) for n in (3, 4, 2)]
        e_bins, t_bins = [ember.tensor(e) for e in edges], [torch.tensor(e) for e in edges]
    else:
        e_bins = t_bins = bins
    e_kwargs, t_kwargs = dict(kwargs), dict(kwargs)
    if kwargs.get("weight"):
        e_kwargs["weight"], t_kwargs["weight"] = _both(RNG.uniform(0, 2, size=(6, 5)))
    got, expected = ember.histogramdd(e_x, e_bins, **e_kwargs), torch.histogramdd(t_x, t_bins, **t_kwargs)
    assert isinstance(got.bin_edges, tuple) and len(got.bin_edges) == 3
    _check(got, expected, 1e-12)


@pytest.mark.parametrize("call, error, message", [
    (lambda: ember.histogram(ember.ones(4), ember.ones(1, 2)), RuntimeError, "bins tensor should have one dimension"),
    (lambda: ember.histogram(ember.ones(4), 3, weight=ember.ones(3)), RuntimeError, "same shape as the input"),
    (lambda: ember.histogram(ember.ones(4), -1), RuntimeError, "bins must be > 0, but got -1"),
    (lambda: ember.histogram(ember.ones(4), 3, range=(2.0, 1.0)), RuntimeError, "min should not exceed max"),
    (lambda: ember.histogram(ember.tensor([1.0, float("inf")]), 3), RuntimeError, "range \\[1, inf\\] is not finite"),
    (lambda: ember.histogramdd(ember.ones(5, 6), [1] * 5), RuntimeError, "size of bins must be equal to the innermost"),
    (lambda: ember.histogram(ember.ones(4, dtype=ember.int64), 3), NotImplementedError, "not implemented for 'Long'"),
])
def test_errors_as_torch(call, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call()
