"""ember.signal.windows against torch.signal.windows: values (float64 to 1e-12 where the window is
arithmetic, 1e-10 where it calls cos, exp or I0; float32 to 1e-5), dtypes, lengths 0 to 9,
symmetric and periodic, and torch's errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.tolerances import EXACT, TOLERANCES, TRANSCENDENTAL

WINDOWS = [
    ("bartlett", {}, EXACT), ("hamming", {}, TRANSCENDENTAL), ("hann", {}, TRANSCENDENTAL),
    ("blackman", {}, TRANSCENDENTAL), ("nuttall", {}, TRANSCENDENTAL), ("cosine", {}, TRANSCENDENTAL),
    ("general_cosine", {"a": [0.5, 0.3, 0.2]}, TRANSCENDENTAL), ("general_hamming", {"alpha": 0.6}, TRANSCENDENTAL),
    ("exponential", {"tau": 2.5}, TRANSCENDENTAL), ("gaussian", {"std": 0.7}, TRANSCENDENTAL),
    ("kaiser", {"beta": 5.0}, TRANSCENDENTAL), ("kaiser", {}, TRANSCENDENTAL),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name, kwargs, kind", WINDOWS, ids=[f"{w[0]}{len(w[1])}" for w in WINDOWS])
def test_windows_match_torch(name: str, kwargs: dict, kind: str, dtype: str) -> None:
    rtol, atol = TOLERANCES[kind][dtype]
    for M in range(10):
        for sym in (True, False):
            got = getattr(ember.signal.windows, name)(M, sym=sym, dtype=getattr(ember, dtype), **kwargs)
            expected = getattr(torch.signal.windows, name)(M, sym=sym, dtype=getattr(torch, dtype), **kwargs)
            assert got.dtype == getattr(ember, dtype) and tuple(got.shape) == (M,)
            np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=rtol, atol=atol, err_msg=f"M={M} sym={sym}")


def test_periodic_exponential_takes_a_center_and_the_default_dtype_is_the_default() -> None:
    got = ember.signal.windows.exponential(7, center=2.0, sym=False)
    expected = torch.signal.windows.exponential(7, center=2.0, sym=False)
    assert got.dtype == ember.float32
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-6)
    assert ember.signal.windows.hann(4, requires_grad=True).requires_grad


@pytest.mark.parametrize("call, error, message", [
    (lambda w: w.hann(-1), ValueError, "non-negative window length, got M=-1"),
    (lambda w: w.hamming(3, dtype=ember.int64), ValueError, "expects float32 or float64 dtypes"),
    (lambda w: w.kaiser(3, beta=-1), ValueError, "beta must be non-negative"),
    (lambda w: w.general_cosine(3, a=None), TypeError, "Coefficients must be a list/tuple"),
    (lambda w: w.general_cosine(3, a=[]), ValueError, "Coefficients cannot be empty"),
    (lambda w: w.exponential(3, tau=0), ValueError, "Tau must be positive"),
    (lambda w: w.exponential(3, center=1.0), ValueError, "Center must be None for symmetric windows"),
    (lambda w: w.gaussian(3, std=0), ValueError, "Standard deviation must be positive"),
])
def test_errors_as_torch(call, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call(ember.signal.windows)
    with pytest.raises(error):
        call(torch.signal.windows) if "int64" not in message else torch.signal.windows.hamming(3, dtype=torch.int64)
