"""Arithmetic as torch's compiled C++ kernels do it, for the special functions that must give
torch's digits: the C library's own elementary functions (NumPy's vectorised sin, cos, acos,
exp... differ from it in the last bits), and fused multiply-adds (the kernels are compiled with
them: a b + c rounded once)."""

from __future__ import annotations

import ctypes
import ctypes.util
import math
from functools import lru_cache
from typing import Callable, Optional

import numpy as np

from ._creation import _fma


@lru_cache(maxsize=None)
def _c_function(name: str, kind: type) -> Optional[Callable[[float], float]]:
    """The C library's function `name` taking and returning `kind` (ctypes.c_float or c_double),
    or None without a loadable C math library (Windows has none by that name; Linux and macOS do)."""
    path = ctypes.util.find_library("m")
    if path is None:
        return None
    function = getattr(ctypes.CDLL(path), name)
    function.restype, function.argtypes = kind, [kind]
    return function


def _c_single(name: str) -> Optional[Callable[[float], float]]:
    """The C library's float function `namef` (cosf, expf...), or None."""
    return _c_function(name + "f", ctypes.c_float)


# CPython computes these itself instead of calling the C library (its lgamma is a few ulps away)
_CPYTHON_OWN = {"lgamma"}
# C's value where the math module raises instead, for the functions NumPy has no ufunc of
_C_EDGES = {"lgamma": math.inf}
_NUMPY_NAMES = {"acos": "arccos"}


def _double(name: str) -> Callable[[float], float]:
    """The C library's double function `name`: through the math module (which calls it, one
    Python call cheaper than ctypes) except for what CPython computes itself, with C's results
    where math raises instead: exp(1000) is inf, log(0) -inf, cos(inf) NaN, lgamma(0) inf."""
    own = _c_function(name, ctypes.c_double) if name in _CPYTHON_OWN else None
    if own is not None:
        return own
    function = getattr(math, name)

    def call(v: float) -> float:
        try:
            return function(v)
        except (ValueError, OverflowError):
            if name in _C_EDGES:
                return _C_EDGES[name]
            with np.errstate(all="ignore"):
                return float(getattr(np, _NUMPY_NAMES.get(name, name))(v))
    return call


def libm(name: str, x: np.ndarray) -> np.ndarray:
    """The C library's elementary function `name` (acos, cos, exp, log...) of each element of x,
    in x's dtype: float32 by the C library's float function where there is one (else the double
    one, rounded), float64 by its double one. One call per element: about 0.2 s per million
    elements in float64, 1.3 s in float32 (ctypes)."""
    function = _c_single(name) if x.dtype == np.float32 else None
    values = x.ravel().tolist()
    return np.fromiter(map(function or _double(name), values), x.dtype, len(values)).reshape(x.shape)


def fma(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """a b + c rounded once (unless a b is subnormal): float64 by `ember._creation`'s emulation,
    with factors past 1e290 (where its exact split overflows) and c scaled by 2^-128 first;
    float32 through float64, where the product is exact."""
    if a.dtype == np.float32:
        return (a.astype(np.float64) * b + c).astype(np.float32)
    with np.errstate(all="ignore"):
        big_a, big_b = np.abs(a) > 1e290, np.abs(b) > 1e290
        a, b = np.where(big_a, a * 2.0**-128, a), np.where(big_b, b * 2.0**-128, b)
        scale = np.where(big_a, 2.0**128, 1.0) * np.where(big_b, 2.0**128, 1.0)
        return _fma(a, b, c / scale) * scale
