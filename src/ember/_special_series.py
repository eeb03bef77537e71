"""More special functions NumPy lacks (see `_special` for erf), vectorised in float64 from
series, recurrences and asymptotic expansions accurate to about 1e-14 relative:

- lgamma: the standard library's math.lgamma, per element (inf at the poles, as torch).
- digamma: reflection psi(x) = psi(1 - x) - pi / tan(pi x) below 0, the recurrence
  psi(x) = psi(x + 1) - 1/x up to x >= 10, then ln x - 1/(2x) - sum_k B_2k / (2k x^2k).
- trigamma psi'(x) as torch computes it (its `trigamma`): reflection psi'(x) = pi^2 / sin^2(pi x)
  - psi'(1 - x) below 1/2, six steps of psi'(x) = psi'(x + 1) + 1/x^2, then the asymptotic series
  1/x + 1/(2x^2) + 1/(6x^3) - 1/(30x^5) + 1/(42x^7). Torch stops the series there, so it is
  accurate to about 5e-10 relative only (near x = 1); ember gives torch's digits, not the exact ones.
- Hurwitz zeta(s, q) = sum_k (q + k)^-s: the first terms directly until q + k >= 9, the rest by
  Euler-Maclaurin with Bernoulli numbers; polygamma(n, x) = (-1)^(n+1) n! zeta(n + 1, x) for n >= 2.
- erfc from `_special`'s two halves; erfinv from Winitzki's closed form refined by Halley steps
  on erf (near 0) or erfc (near +-1, where 1 - |x| is exact).
- Modified Bessel I0, I1: the power series sum_k (x/2)^(2k+nu) / (k! (k+nu)!) up to |x| = 30,
  then e^x / sqrt(2 pi x) sum_k (-1)^k prod_j (4nu^2 - (2j-1)^2) / (k! (8x)^k); the scaled forms
  (i0e, i1e) multiply by e^-|x| inside the expansion, so they never overflow.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ._special import _erf_and_erfc, erf, erfcx_far

# the Bernoulli numbers B_2k, k = 1..12
_BERNOULLI = [Fraction(1, 6), Fraction(-1, 30), Fraction(1, 42), Fraction(-1, 30), Fraction(5, 66),
              Fraction(-691, 2730), Fraction(7, 6), Fraction(-3617, 510), Fraction(43867, 798),
              Fraction(-174611, 330), Fraction(854513, 138), Fraction(-236364091, 2730)]


def _lgamma_scalar(x: float) -> float:
    try:
        return math.lgamma(x)
    except ValueError:  # a pole: 0, -1, -2, ...
        return math.inf


_lgamma_ufunc = np.frompyfunc(_lgamma_scalar, 1, 1)


def lgamma(x: np.ndarray) -> np.ndarray:
    """ln |Gamma(x)|."""
    return np.asarray(_lgamma_ufunc(np.asarray(x, np.float64)), np.float64)


def digamma(x: np.ndarray) -> np.ndarray:
    """psi(x) = d/dx ln Gamma(x); -inf at 0, NaN at the negative integers (torch's choice)."""
    x = np.asarray(x, np.float64)
    reflect = x < 0
    z = np.where(reflect, 1 - x, x)
    shift = np.zeros_like(z)
    while True:  # psi(z) = psi(z + 1) - 1/z until z >= 10
        low = z < 10
        if not low.any():
            break
        shift -= np.where(low, 1 / np.where(low, z, 1.0), 0.0)
        z = np.where(low, z + 1, z)
    inv2 = 1 / (z * z)
    series = np.zeros_like(z)
    for k in range(8, 0, -1):
        series = (series + float(_BERNOULLI[k - 1] / (2 * k))) * inv2  # sum_k B_2k / (2k) x^-2k
    out = np.log(z) - 0.5 / z - series + shift
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(reflect, out - math.pi / np.tan(math.pi * (x - np.round(x))), out)  # exact reduction
    out = np.where(reflect & (x == np.floor(x)), np.nan, out)
    return np.where(x == 0, -np.inf, np.where(np.isposinf(x), np.inf, out))


def zeta(s: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Hurwitz zeta(s, q) = sum_{k >= 0} (q + k)^-s for s > 1; inf at s = 1 or at a pole q in
    {0, -1, ...}; NaN for s < 1 and for q < 0 with a non-integer s (torch's choices)."""
    s, q = np.broadcast_arrays(np.asarray(s, np.float64), np.asarray(q, np.float64))
    total = np.zeros(s.shape)
    a = q.copy()
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        while True:
            low = a < 9
            if not low.any():
                break
            total += np.where(low, np.power(np.where(low, a, 1.0), -s), 0.0)
            a = np.where(low, a + 1, a)
        tail = a ** (1 - s) / (s - 1) + 0.5 * a ** (-s)
        factor = s * a ** (-s - 1)  # s (s+1) ... (s+2k-2) a^(-s-2k+1) / (2k)!, k = 1
        for k, b in enumerate(_BERNOULLI, start=1):
            tail += float(b / math.factorial(2 * k)) * factor
            factor = factor * (s + 2 * k - 1) * (s + 2 * k) / (a * a)
        out = total + tail
    pole = (q <= 0) & (q == np.floor(q))
    out = np.where(pole | (s == 1), np.inf, out)
    return np.where((s < 1) | ((q < 0) & ~pole & (s != np.floor(s))) | np.isnan(s) | np.isnan(q), np.nan, out)


def trigamma(x: np.ndarray) -> np.ndarray:
    """psi'(x) by torch's short series (see the module docstring): torch's values, to ~5e-10; a
    float32 x is computed in float32, as torch does (near a pole sin(pi x) is then off by far
    more than float32's last bit, and torch's values with it)."""
    x = np.asarray(x)
    dtype = np.float32 if x.dtype == np.float32 else np.float64
    one, pi = dtype(1), dtype(math.pi)
    x = x.astype(dtype, copy=False)
    below_half = x < dtype(0.5)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        sine = np.sin(pi * x)
        acc = np.where(below_half, -(pi * pi) / (sine * sine), dtype(0))  # reflection: psi'(1 - x) - acc
        z = np.where(below_half, one - x, x)
        for _ in range(6):  # psi'(z) = 1/z^2 + psi'(z + 1)
            acc += one / (z * z)
            z = z + one
        w = one / (z * z)
        bernoulli_terms = one / dtype(6) - w * (one / dtype(30) - w * (one / dtype(42)))
        acc += (one + one / (dtype(2) * z) + w * bernoulli_terms) / z
    return np.where(below_half, -acc, acc)


def polygamma(n: int, x: np.ndarray) -> np.ndarray:
    """psi^(n)(x), the n-th derivative of digamma; n = 0 is digamma itself, n = 1 trigamma."""
    if n == 0:
        return digamma(x)
    if n == 1:
        return trigamma(x)
    return (-1) ** (n + 1) * math.factorial(n) * zeta(n + 1, x)


def erfc(x: np.ndarray) -> np.ndarray:
    """erfc x = 1 - erf x, without the cancellation for large x."""
    x = np.asarray(x, np.float64)
    near, erf_near, erfc_far = _erf_and_erfc(np.abs(x))
    out = np.empty_like(x)
    out[near] = 1 - erf_near
    out[~near] = erfc_far
    out = np.where(x < 0, 2 - out, out)
    return np.where(np.isnan(x), np.nan, out)


def erfcx(x: np.ndarray) -> np.ndarray:
    """e^(x^2) erfc x, the scaled complement: the continued fraction from 2 on, else the product."""
    x = np.asarray(x, np.float64)
    far = x >= 2
    out = np.empty_like(x)
    out[far] = erfcx_far(x[far])
    with np.errstate(over="ignore", invalid="ignore"):
        out[~far] = np.exp(x[~far] ** 2) * erfc(x[~far])
    return out


def erfinv(x: np.ndarray) -> np.ndarray:
    """y with erf y = x, for x in [-1, 1] (+-inf at +-1, NaN outside)."""
    x = np.asarray(x, np.float64)
    z = np.abs(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_term = np.log1p(-z * z)
        c = 2 / (math.pi * 0.147) + log_term / 2
        y = np.sqrt(np.sqrt(c * c - log_term / 0.147) - c)
        tail = z > 0.5
        for _ in range(3):  # Halley on f(y) = erf y - z (or 1 - z - erfc y), f'' = -2y f'
            f = np.where(tail, (1 - z) - erfc(y), erf(y) - z)
            slope = 2 / math.sqrt(math.pi) * np.exp(-y * y)
            y = y - f / (slope + y * f)
    y = np.where(z == 1, np.inf, np.where(z == 0, 0.0, y))
    return np.where(z > 1, np.nan, np.copysign(y, x))


def _bessel_series(x: np.ndarray, nu: int) -> np.ndarray:
    half = x / 2
    term = half**nu / math.factorial(nu)
    total = term.copy()
    t2 = half * half
    k = 0
    while True:
        k += 1
        term = term * t2 / (k * (k + nu))
        total += term
        if not np.any(term > 1e-17 * total):
            return total


def bessel_i(x: np.ndarray, nu: int, scaled: bool) -> np.ndarray:
    """I_nu(x) for nu in {0, 1} (e^-|x| I_nu(x) if scaled); I_1 is odd, I_0 even."""
    x = np.asarray(x, np.float64)
    z = np.abs(x)
    small = z <= 30
    out = np.empty_like(z)
    zs = z[small]
    out[small] = _bessel_series(zs, nu) * (np.exp(-zs) if scaled else 1.0)
    zl = z[~small]
    mu = 4 * nu * nu
    total, term = np.ones_like(zl), np.ones_like(zl)
    for k in range(1, 30):
        term = term * -(mu - (2 * k - 1) ** 2) / (k * 8 * zl)
        total += term
    with np.errstate(over="ignore"):
        scale = 1 / np.sqrt(2 * math.pi * zl)
        out[~small] = total * (scale if scaled else np.exp(zl) * scale)
    if nu == 1:
        out = np.copysign(out, x)
    return np.where(np.isnan(x), np.nan, out)
