"""`ember.special`: torch.special's functions. Most are ember's own ops under scipy's names;
the few defined here are compositions whose gradient is torch's."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import _special_series
from .ops import unary
from .ops.index import where
from .ops.pointwise import exp2, logit, sinc, xlogy
from .ops.softmax import log_softmax, logsumexp, softmax
from .ops.special_bessel import (
    airy_ai, bessel_j0, bessel_j1, bessel_y0, bessel_y1, modified_bessel_i0, modified_bessel_i1, modified_bessel_k0,
    modified_bessel_k1, scaled_modified_bessel_k0, scaled_modified_bessel_k1, spherical_bessel_j0,
)
from .ops.special_polynomials import (
    chebyshev_polynomial_t, chebyshev_polynomial_u, chebyshev_polynomial_v, chebyshev_polynomial_w, hermite_polynomial_h,
    hermite_polynomial_he, laguerre_polynomial_l, legendre_polynomial_p, shifted_chebyshev_polynomial_t,
    shifted_chebyshev_polynomial_u, shifted_chebyshev_polynomial_v, shifted_chebyshev_polynomial_w,
)
from .ops.special_functions import digamma, erfc, erfcx, erfinv, i0, i0e, i1, i1e, lgamma, mvlgamma, polygamma
from .ops.unary import erf, expm1, log1p, round, sigmoid as expit
from .ops.incomplete_gamma import igamma as gammainc, igammac as gammaincc

__all__ = [
    "airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
    "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
    "spherical_bessel_j0",
    "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
    "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p",
    "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w",
    "digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammaln", "i0", "i0e", "i1", "i1e",
    "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp", "multigammaln", "ndtr", "ndtri", "polygamma", "psi",
    "round", "sinc", "softmax", "xlog1py", "xlogy", "zeta",
    "gammainc", "gammaincc",
]

gammaln = lgamma
psi = digamma
multigammaln = mvlgamma


def xlog1py(input: Any, other: Any) -> Any:
    """input * log1p(other), 0 where input = 0 (unless other is NaN)."""
    x = unary._float(input) if hasattr(input, "_data") else float(input)
    product = x * log1p(unary._float(other) if hasattr(other, "_data") else other)
    zero = (x == 0) if hasattr(x, "_data") else x == 0
    if hasattr(other, "_data") and other._data.dtype.kind == "f":
        zero = zero & ~other.isnan()
    return where(zero, 0.0, product) if hasattr(zero, "_data") else (0.0 * product if zero else product)


def entr(input: Any) -> Any:
    """-x ln x for x > 0, 0 at 0, -inf for x < 0;  d/dx = -(1 + ln x)."""
    x = unary._float(input)
    return where(x > 0, -xlogy(x, x), where(x == 0, 0.0, where(x < 0, -math.inf, x)))


def ndtr(input: Any) -> Any:
    """Phi(x) = (1 + erf(x / sqrt 2)) / 2, the standard normal CDF, as erfc(-x / sqrt 2) / 2."""
    return erfc(unary._float(input) * -math.sqrt(0.5)) * 0.5


def log_ndtr(input: Any) -> Any:
    """ln Phi(x), finite far into the left tail (erfc keeps its relative accuracy there)."""
    return (erfc(unary._float(input) * -math.sqrt(0.5)) * 0.5).log()


def ndtri(input: Any) -> Any:
    """Phi^-1(p) = sqrt 2 erfinv(2p - 1)."""
    return erfinv(unary._float(input) * 2 - 1) * math.sqrt(2)


def zeta(input: Any, other: Any) -> Any:
    """Hurwitz zeta(x, q) = sum_k (q + k)^-x (no gradient, as torch defines none)."""
    x = unary._float(input) if hasattr(input, "_data") else input
    q = unary._float(other) if hasattr(other, "_data") else other
    like = x if hasattr(x, "_data") else q
    s_, q_ = np.broadcast_arrays(getattr(x, "_data", x), getattr(q, "_data", q))
    values = _special_series.zeta(s_.reshape(-1), q_.reshape(-1)).reshape(s_.shape)
    return like._make(values.astype(like._data.dtype), False, None)
