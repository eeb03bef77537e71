"""ember._c_math: the fused multiply-add rounds a b + c once (checked against exact rational
arithmetic), and libm gives the C library's values in the input's dtype."""

from __future__ import annotations

import ctypes.util
import math
from fractions import Fraction

import numpy as np
import pytest

from ember._c_math import _c_function, fma, libm


def test_fma_rounds_once_in_float64_and_float32() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=2000) * 10.0 ** rng.integers(-20, 20, 2000), rng.normal(size=2000)
    c = -(a * b) * (1 + rng.normal(size=2000) * 1e-12)  # c cancels a b: where a single rounding matters
    a[:3], b[:3], c[:3] = [3e300, 1e-150, 2.0], [4e7, 5e-10, 3.0], [1e307, 0.0, -6.0]
    exact = [float(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in zip(a, b, c)]
    np.testing.assert_array_equal(fma(a, b, c), exact)
    assert not np.array_equal(a * b + c, exact)  # plain arithmetic rounds twice
    ok = (np.abs(a) < 1e30) & (np.abs(c) < 1e30)
    a32, b32, c32 = a[ok].astype(np.float32), b[ok].astype(np.float32), c[ok].astype(np.float32)
    exact32 = [float(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z))) for x, y, z in zip(a32, b32, c32)]
    np.testing.assert_array_equal(fma(a32, b32, c32), np.array(exact32, np.float32))


def test_libm_is_the_c_library_in_the_inputs_dtype() -> None:
    x = np.linspace(-0.99, 0.99, 101)
    np.testing.assert_array_equal(libm("acos", x), [math.acos(v) for v in x])
    single = libm("cos", x.astype(np.float32))
    assert single.dtype == np.float32
    np.testing.assert_allclose(single, np.cos(x), rtol=1e-6)
    assert libm("sin", np.zeros((0, 3))).shape == (0, 3)


def test_libm_gives_cs_values_where_the_math_module_raises() -> None:
    edges = np.array([1000.0, -1000.0, 0.0, -1.0, np.inf, -np.inf, np.nan])
    for dtype in (np.float64, np.float32):
        x = edges.astype(dtype)
        np.testing.assert_array_equal(libm("exp", x), np.array([np.inf, 0, 1, math.exp(-1), np.inf, 0, np.nan], dtype))
        np.testing.assert_array_equal(libm("log", x), np.array([math.log(1000), np.nan, -np.inf, np.nan, np.inf, np.nan, np.nan], dtype))
        assert np.isnan(libm("cos", x[4:])).all() and np.isnan(libm("acos", x[:2])).all()


@pytest.mark.skipif(ctypes.util.find_library("m") is None, reason="no C math library to compare with (Windows)")
def test_lgamma_is_the_c_librarys_not_cpythons() -> None:
    """CPython computes math.lgamma itself, a few ulps from the C library's (which torch calls);
    erfc and the rest are the C library's through the math module."""
    c = ctypes.CDLL(ctypes.util.find_library("m"))
    x = np.concatenate([np.linspace(-4.5, 30, 2001), np.geomspace(1e-6, 1e-2, 200)])
    for name in ("lgamma", "erfc"):
        function = getattr(c, name)
        function.restype, function.argtypes = ctypes.c_double, [ctypes.c_double]
        np.testing.assert_array_equal(libm(name, x), [function(v) for v in x])
    assert any(math.lgamma(v) != libm("lgamma", np.array([v]))[0] for v in x)
    np.testing.assert_array_equal(libm("lgamma", np.array([0.0, -2.0, 1e308])), [np.inf, np.inf, np.inf])
    np.testing.assert_array_equal(libm("erfc", np.array([-np.inf, np.inf, np.nan])), [2.0, 0.0, np.nan])


def test_libm_without_a_c_math_library_uses_the_double_functions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no libm: float32 falls back to the double function, rounded, with C's edges."""
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    _c_function.cache_clear()
    try:
        x = np.array([0.5, 1000.0, 0.0, np.inf], np.float32)
        np.testing.assert_array_equal(libm("exp", x), np.array([math.exp(0.5), np.inf, 1, np.inf], np.float32))
        np.testing.assert_array_equal(libm("log", x)[2:], [-np.inf, np.inf])
    finally:
        _c_function.cache_clear()
