"""Arithmetic as torch's compiled C++ kernels do it, for the special functions that must give
torch's digits: the C library's own elementary functions (NumPy's vectorised sin, cos, acos,
exp... differ from it in the last bits), and fused multiply-adds (the kernels are compiled with
them: a b + c rounded once)."""

from __future__ import annotations

import ctypes
import ctypes.util
import math
from functools import lru_cache
from typing import Callable

import numpy as np

from ._creation import _fma

@lru_cache(maxsize=None)
def _c_function(name: str, single: bool) -> Callable[[float], float]:
    """The C library's `name` (its float version `namef` if single), with C's results at the
    edges (cos(inf) is NaN, exp(1000) inf, log(0) -inf). Without a loadable C library, the math
    module's function (the C library's double one), rounded for float32, NaN where it raises."""
    path = ctypes.util.find_library("m")
    if path is None:
        return _forgiving(getattr(math, name))
    function = getattr(ctypes.CDLL(path), name + "f" if single else name)
    kind = ctypes.c_float if single else ctypes.c_double
    function.restype, function.argtypes = kind, [kind]
    return function


def _forgiving(function: Callable[[float], float]) -> Callable[[float], float]:
    def call(v: float) -> float:
        try:
            return function(v)
        except (ValueError, OverflowError):
            return math.nan
    return call


def libm(name: str, x: np.ndarray) -> np.ndarray:
    """The C library's elementary function `name` (acos, cos, exp, log...) of each element of x,
    in x's dtype (float32 or float64)."""
    function = _c_function(name, x.dtype == np.float32)
    if x.size == 0:
        return x.copy()
    return np.asarray(np.frompyfunc(function, 1, 1)(x), dtype=x.dtype)


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
