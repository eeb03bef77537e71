"""Bessel and Airy functions as torch computes them (ATen's Math.h, from Cephes), vectorised, in
the input's float dtype, so they give torch's digits:

- J0, J1 (and Y0, Y1 on x > 0): for |x| <= 5 a rational function of x^2 (Y adds (2/pi) log x
  J(x), and Y1 - 2/(pi x)); beyond, sqrt(2 / (pi x)) (P(x) cos(x - phase) - Q(x) sin(x - phase))
  with P, Q rational in (5/x)^2, phase pi/4 (order 0) or 3pi/4 (order 1).
- I0, I1: Chebyshev series of e^-|x| I(x) on [0, 8] and of sqrt(x) e^-x I(x) beyond; K0, K1 on
  x > 0: a Chebyshev series in x^2 - 2 plus -log(x/2) I(x) terms up to 2, of sqrt(x) e^x K(x)
  beyond; the scaled K's multiply by e^x.
- Airy Ai: its Maclaurin series on [-2.09, 2.09], asymptotic rational expansions beyond (with
  the oscillating sin and cos on the left), 0 past x = 103.892, NaN at +-inf.
- the spherical j0 = sin x / x, by its Taylor polynomial for |x| < 1/2.

Each series runs with fused multiply-adds and the C library's elementary functions where torch's
compiled kernel has them (`ember._c_math`). No gradient: torch defines none.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ._bessel_coefficients import TABLES
from ._c_math import fma, libm

Kernel = Callable[[np.ndarray], np.ndarray]
_QUARTER_PI = 0.785398163397448309615660845819875721
_THREE_QUARTER_PI = 2.356194490192344928846982537459627163
_SQRT_TWO_OVER_PI = 0.797884560802865355879892119868763737
_TWO_OVER_PI = 0.636619772367581343075535053490057448


def _polynomial(table: tuple[float, ...], z: np.ndarray) -> np.ndarray:
    """sum_i table[i] z^(n-1-i) by Horner's rule, from 0 as torch's loops start."""
    t = z.dtype.type
    result = np.zeros_like(z)
    for c in table:
        result = fma(result, z, np.full_like(z, t(c)))
    return result


def _chebyshev(table: tuple[float, ...], z: np.ndarray) -> np.ndarray:
    """Clenshaw's sum of the Chebyshev series `table` at z = 2y (torch's loop: b_k = z b_(k+1) -
    b_(k+2) + c_k, half the difference of the last two)."""
    t = z.dtype.type
    p = q = np.zeros_like(z)
    a = np.full_like(z, t(table[0]))
    for c in table[1:]:
        p, q = q, a
        a = fma(z, q, -p) + t(c)
    return t(0.5) * (a - p)


def _piecewise(x: np.ndarray, pieces: list[tuple[np.ndarray, Kernel]]) -> np.ndarray:
    """out[mask] = kernel(x[mask]) for each (mask, kernel), later pieces over earlier ones."""
    out = np.full_like(x, np.nan)
    for mask, kernel in pieces:
        if mask.any():
            out[mask] = kernel(x[mask])
    return out


def _asymptotic(order: int, x: np.ndarray, cosine_first: bool) -> np.ndarray:
    """sqrt(2/(pi x)) (P cos(x - phase) - (5/x) Q sin(x - phase)) for J (cosine first), and
    with sin and cos exchanged, + for Y."""
    t = x.dtype.type
    j = TABLES["j0" if order == 0 else "j1"]
    z = t(25) / (x * x) if order == 0 else t(5) / x * (t(5) / x)
    p = _polynomial(j["PP"], z) / _polynomial(j["PQ"], z)
    q = _polynomial(j["QP"], z) / _polynomial(j["QQ"], z)
    shifted = x - t(_QUARTER_PI if order == 0 else _THREE_QUARTER_PI)
    cos, sin = libm("cos", shifted), libm("sin", shifted)
    if cosine_first:
        value = fma(p, cos, -(t(5) / x * q * sin))
    else:
        value = fma(p, sin, t(5) / x * q * cos)
    return value * t(_SQRT_TWO_OVER_PI) / np.sqrt(x)


def bessel_j0(x: np.ndarray) -> np.ndarray:
    t = x.dtype.type
    x = np.abs(x)
    j = TABLES["j0"]

    def near(x: np.ndarray) -> np.ndarray:
        x2 = x * x
        rational = _polynomial(j["RP"], x2) / _polynomial(j["RQ"], x2)
        return (x2 - t(5.78318596294678452118e00)) * (x2 - t(3.04712623436620863991e01)) * rational

    return _piecewise(x, [(x <= 5, near), (x < 0.00001, lambda x: t(1) - x * x / t(4)),
                          (x > 5, lambda x: _asymptotic(0, x, cosine_first=True))])


def bessel_j1(x: np.ndarray) -> np.ndarray:
    t = x.dtype.type
    j = TABLES["j1"]

    def near(x: np.ndarray) -> np.ndarray:
        x2 = x * x
        rational = _polynomial(j["RP"], x2) / _polynomial(j["RQ"], x2)
        return rational * x * (x2 - t(1.46819706421238932572e01)) * (x2 - t(4.92184563216946036703e01))

    magnitude = _piecewise(np.abs(x), [(np.abs(x) <= 5, near), (np.abs(x) > 5, lambda x: _asymptotic(1, x, cosine_first=True))])
    return np.where(x < 0, -magnitude, magnitude)


def _second_kind(order: int, x: np.ndarray) -> np.ndarray:
    """Y0 or Y1: the rational part near 0 plus the logarithmic term with J, the asymptotic form
    beyond 5; -inf at 0, NaN for x < 0."""
    t = x.dtype.type
    y = TABLES["y0" if order == 0 else "y1"]

    def near(x: np.ndarray) -> np.ndarray:
        x2 = x * x
        rational = _polynomial(y["YP"], x2) / _polynomial(y["YQ"], x2)
        if order == 0:
            return rational + t(_TWO_OVER_PI) * libm("log", x) * bessel_j0(x)
        return x * rational + t(_TWO_OVER_PI) * (bessel_j1(x) * libm("log", x) - t(1) / x)

    return _piecewise(x, [(x <= 5, near), (x > 5, lambda x: _asymptotic(order, x, cosine_first=False)),
                          (x == 0, lambda x: np.full_like(x, -np.inf)), (x < 0, lambda x: np.full_like(x, np.nan))])


def bessel_y0(x: np.ndarray) -> np.ndarray:
    return _second_kind(0, x)


def bessel_y1(x: np.ndarray) -> np.ndarray:
    return _second_kind(1, x)


def _modified_i(order: int, x: np.ndarray) -> np.ndarray:
    """I0 or I1 of |x| (I1 takes x's sign back)."""
    t = x.dtype.type
    table = TABLES["i0" if order == 0 else "i1"]
    a = np.abs(x)

    def near(a: np.ndarray) -> np.ndarray:
        series = _chebyshev(table["A"], a / t(2) - t(2))
        return libm("exp", a) * series if order == 0 else series * a * libm("exp", a)

    def far(a: np.ndarray) -> np.ndarray:
        return libm("exp", a) * _chebyshev(table["B"], t(32) / a - t(2)) / np.sqrt(a)

    magnitude = _piecewise(a, [(a <= 8, near), (a > 8, far)])
    return np.where(x < 0, -magnitude, magnitude) if order == 1 else magnitude


def modified_bessel_i0(x: np.ndarray) -> np.ndarray:
    return _modified_i(0, x)


def modified_bessel_i1(x: np.ndarray) -> np.ndarray:
    return _modified_i(1, x)


def _modified_k(order: int, x: np.ndarray, scaled: bool) -> np.ndarray:
    """K0 or K1 on x > 0 (inf at 0, NaN below); `scaled` multiplies by e^x."""
    t = x.dtype.type
    table = TABLES["k0" if order == 0 else "k1"]

    def near(x: np.ndarray) -> np.ndarray:
        series = _chebyshev(table["A"], x * x - t(2))
        if order == 0:
            value = series - libm("log", t(0.5) * x) * _modified_i(0, x)
        else:
            value = libm("log", t(0.5) * x) * _modified_i(1, x) + series / x
        return value * libm("exp", x) if scaled else value

    def far(x: np.ndarray) -> np.ndarray:
        series = _chebyshev(table["B"], t(8) / x - t(2))
        return series / np.sqrt(x) if scaled else libm("exp", -x) * series / np.sqrt(x)

    return _piecewise(x, [(x <= 2, near), (x > 2, far), (x == 0, lambda x: np.full_like(x, np.inf)),
                          (x < 0, lambda x: np.full_like(x, np.nan))])


def modified_bessel_k0(x: np.ndarray) -> np.ndarray:
    return _modified_k(0, x, scaled=False)


def modified_bessel_k1(x: np.ndarray) -> np.ndarray:
    return _modified_k(1, x, scaled=False)


def scaled_modified_bessel_k0(x: np.ndarray) -> np.ndarray:
    return _modified_k(0, x, scaled=True)


def scaled_modified_bessel_k1(x: np.ndarray) -> np.ndarray:
    return _modified_k(1, x, scaled=True)


def airy_ai(x: np.ndarray) -> np.ndarray:
    """Ai(x): the Maclaurin series c1 f(x) - c2 g(x) on [-2.09, 2.09] (f, g the series of the
    two Airy solutions, summed until a term is below the dtype's epsilon), the decaying
    asymptotic expansion e^-zeta / (2 sqrt(pi) x^(1/4)) A(1/zeta) from 2.09, zeta = (2/3) x^(3/2),
    and the oscillating one below -2.09."""
    t = x.dtype.type
    a = TABLES["airy_ai"]
    one_over_sqrt_pi = t(5.64189583547756286948e-01)

    def left(x: np.ndarray) -> np.ndarray:
        zeta = t(-2) * x * np.sqrt(-x) / t(3)
        z = t(1) / zeta
        z2 = z * z
        f = _polynomial(a["AFN"], z2) / _polynomial(a["AFD"], z2)
        g = _polynomial(a["AGN"], z2) / _polynomial(a["AGD"], z2)
        theta = zeta + t(0.25) * t(np.pi)
        return one_over_sqrt_pi / np.sqrt(np.sqrt(-x)) * (libm("sin", theta) * (t(1) + z * z * f) - libm("cos", theta) * (z * g))

    def right(x: np.ndarray) -> np.ndarray:
        zeta = t(2) * x * np.sqrt(x) / t(3)
        ratio = _polynomial(a["AN"], t(1) / zeta) / _polynomial(a["AD"], t(1) / zeta)
        return one_over_sqrt_pi * ratio / (t(2) * np.sqrt(np.sqrt(x)) * libm("exp", zeta))

    def series(x: np.ndarray) -> np.ndarray:
        eps = np.finfo(x.dtype).eps
        f, g, k = np.ones_like(x), x.copy(), np.ones_like(x)
        m, n, z = np.ones_like(x), x.copy(), x * x * x
        running = np.ones(x.shape, bool)
        while running.any():
            m2 = m * z
            k2 = k + t(1)
            m2 = m2 / k2
            n2 = n * z
            k2 = k2 + t(1)
            n2 = n2 / k2
            m2 = m2 / k2
            f2 = f + m2
            k2 = k2 + t(1)
            n2 = n2 / k2
            g2 = g + n2
            m, n, k, f, g = (np.where(running, new, old) for new, old in ((m2, m), (n2, n), (k2, k), (f2, f), (g2, g)))
            running &= np.abs(m / f) > eps
        return t(0.355028053887817239260) * f - t(0.258819403792806798405) * g

    return _piecewise(x, [((x >= -2.09) & (x < 2.09), series), (x >= 2.09, right), (x < -2.09, left),
                          (x > 103.892, np.zeros_like), (np.isinf(x), lambda x: np.full_like(x, np.nan))])


def spherical_bessel_j0(x: np.ndarray) -> np.ndarray:
    """sin x / x; 0 at +-inf."""
    t = x.dtype.type

    def taylor(x: np.ndarray) -> np.ndarray:
        x2 = x * x
        inner = t(1) / t(6227020800.0)
        for c in (t(-1) / t(39916800.0), t(1) / t(362880.0), t(-1) / t(5040.0), t(1) / t(120.0), t(-1) / t(6.0)):
            inner = fma(x2, inner, np.full_like(x, c))
        return fma(x2, inner, np.full_like(x, t(1)))

    return _piecewise(x, [(np.isfinite(x), lambda x: libm("sin", x) / x), (np.abs(x) < 0.5, taylor),
                          (np.isinf(x), np.zeros_like)])
