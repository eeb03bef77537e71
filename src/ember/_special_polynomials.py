"""The orthogonal polynomials of torch.special, vectorised, computed as torch's kernels do
(ATen's Math.h) in the input's float dtype, so they give torch's digits:

- Chebyshev T, U, V, W (and the shifted ones, on y = 2x - 1): the three-term recurrence
  r = 2y q - p from the family's first two members, stopped early where q turns NaN; for
  |y| < 1 and n past a small threshold, the closed forms in theta = acos y: T = cos(n theta),
  U = sin((n+1) theta) / sin theta, V = cos((n+1/2) theta) / cos(theta/2),
  W = sin((n+1/2) theta) / sin(theta/2); at y = +-1 their exact values.
- Hermite H (r = 2x q - 2k p) and He (r = x q - k p): NaN past degree 512 (128 in float32).
- Laguerre L: r = ((2k + 1 - x) q - k p) / (k + 1); Legendre P: r = ((2k + 1) x q - k p) / (k + 1).

The closed forms call the C library's acos, cos and sin (acosf, cosf, sinf in float32), as
torch's scalar kernels do: NumPy's own vectorised ones differ in the last bits, which n times
theta turns into float32's fifth digit. torch's kernels are compiled with fused multiply-adds:
each recurrence step is fma(a, q, -b p) here too (`ember._c_math`), which keeps float32 near a
root within torch's last bits.

The degree n is truncated to an integer (NaN and infinities as negative); every polynomial is 0
for n < 0. No gradient: torch defines none (its result does not require grad).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._c_math import fma as _fma
from ._c_math import libm as _libm

_Step = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def degrees(n: np.ndarray) -> np.ndarray:
    """n as torch's int64 cast reads it: truncated, NaN and +-inf (and overflows) as negative."""
    finite = np.isfinite(n) & (np.abs(n) < 2.0**63)
    return np.where(finite, np.trunc(np.where(finite, n, 0)), -1).astype(np.int64)


def _recurrence(x: np.ndarray, n: np.ndarray, p: np.ndarray, q: np.ndarray, step: _Step, nan_stops: bool) -> np.ndarray:
    """q after steps i = 1 .. n - 1 of (p, q) <- (q, step(x, p, q, k)), k = i the step's degree
    as an array of x's dtype; an element stops early once its q is NaN when `nan_stops`."""
    active = n >= 2
    i = 1
    while active.any():
        k = np.asarray(i, x.dtype)
        r = step(x, p, q, k)
        p, q = np.where(active, q, p), np.where(active, r, q)
        i += 1
        active &= n > i
        if nan_stops:
            active &= ~np.isnan(q)
    return q


def _chebyshev_step(y: np.ndarray, p: np.ndarray, q: np.ndarray, k: np.ndarray) -> np.ndarray:
    return _fma(y + y, q, -p)


@dataclass(frozen=True)
class _Chebyshev:
    """One Chebyshev kind: its first member from y, its closed form in theta = acos y (with the
    value where that form's denominator is exact), its values at y = 1 and y = -1."""

    first: Callable[[np.ndarray], np.ndarray]
    closed: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    at_one: Callable[[np.ndarray], np.ndarray]
    at_minus_one: Callable[[np.ndarray], np.ndarray]


def _alternating(n: np.ndarray, magnitude: np.ndarray) -> np.ndarray:
    return np.where(n % 2 == 0, magnitude, -magnitude)


def _closed_u(y: np.ndarray, theta: np.ndarray, n: np.ndarray) -> np.ndarray:
    sin_theta = _libm("sin", theta)
    return np.where(sin_theta != 0, _libm("sin", (n + 1) * theta) / sin_theta, (n + 1) * _libm("cos", (n + 1) * theta) / y)


def _closed_v(y: np.ndarray, theta: np.ndarray, n: np.ndarray) -> np.ndarray:
    half = theta / y.dtype.type(2)
    degree = n + y.dtype.type(0.5)
    return np.where(_libm("sin", half) != 1, _libm("cos", degree * theta) / _libm("cos", half), _alternating(n, 2 * n + 1))


def _closed_w(shifted: bool) -> Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """W's closed form; where cos(theta/2) rounds to 1, torch's plain kernel gives 2n + 1 (y > 0)
    and its shifted one +-1."""

    def closed(y: np.ndarray, theta: np.ndarray, n: np.ndarray) -> np.ndarray:
        half = theta / y.dtype.type(2)
        degree = n + y.dtype.type(0.5)
        edge = _alternating(n, np.ones_like(y)) if shifted else np.where(y > 0, 2 * n + 1, _alternating(n, np.ones_like(y)))
        return np.where(_libm("cos", half) != 1, _libm("sin", degree * theta) / _libm("sin", half), edge)

    return closed


_KINDS = {
    "t": _Chebyshev(lambda y: y, lambda y, theta, n: _libm("cos", n * theta), lambda n: np.ones(n.shape),
                    lambda n: _alternating(n, np.ones(n.shape))),
    "u": _Chebyshev(lambda y: y + y, _closed_u, lambda n: n + 1, lambda n: _alternating(n, n + 1)),
    "v": _Chebyshev(lambda y: y + y - 1, _closed_v, lambda n: np.ones(n.shape), lambda n: _alternating(n, 2 * n + 1)),
}
# torch's thresholds of n past which |y| < 1 takes the closed form
_CLOSED_FROM = {(False, "t"): 6, (False, "u"): 8, (False, "v"): 8, (False, "w"): 8,
                (True, "t"): 6, (True, "u"): 6, (True, "v"): 6, (True, "w"): 4}


def _kind(kind: str, shifted: bool) -> _Chebyshev:
    if kind == "w":
        return _Chebyshev(lambda y: y + y + 1, _closed_w(shifted), lambda n: 2 * n + 1, lambda n: _alternating(n, np.ones(n.shape)))
    return _KINDS[kind]


def chebyshev(kind: str, x: np.ndarray, n: np.ndarray, shifted: bool = False) -> np.ndarray:
    """The Chebyshev polynomial of `kind` (t, u, v, w) of degree n at x (shifted: at 2x - 1)."""
    one = x.dtype.type(1)
    y = x + x - one if shifted else x
    n = degrees(n)
    family = _kind(kind, shifted)
    with np.errstate(all="ignore"):
        nt = n.astype(x.dtype)
        first = family.first(y)
        inside = (np.abs(y) < one) & (n > _CLOSED_FROM[shifted, kind])
        edge_one = (x == one) if shifted else (np.abs(x) == one) & (x > 0)
        edge_minus_one = (x == 0) if shifted else (np.abs(x) == one) & (x < 0)
        by_recurrence = np.where(inside | edge_one | edge_minus_one, 0, n)
        recurrence = _recurrence(y, by_recurrence, np.ones_like(y), first, _chebyshev_step, nan_stops=True)
        closed = family.closed(y[inside], _libm("acos", y[inside]), nt[inside])
        out_closed = np.zeros_like(y)
        out_closed[inside] = closed
        out = np.select(
            [n < 0, edge_one, edge_minus_one, inside, n == 0, n == 1],
            [np.zeros_like(y), family.at_one(nt), family.at_minus_one(nt), out_closed, np.ones_like(y), first],
            recurrence,
        )
    return out.astype(x.dtype, copy=False)


def hermite(x: np.ndarray, n: np.ndarray, physicists: bool) -> np.ndarray:
    """Hermite H_n(x) (physicists') or He_n(x) (probabilists'); NaN past torch's degree limit."""
    n = degrees(n)
    limit = 128 if x.dtype == np.float32 else 512
    first = x + x if physicists else x

    def step(x: np.ndarray, p: np.ndarray, q: np.ndarray, k: np.ndarray) -> np.ndarray:
        return _fma(x + x, q, -((k + k) * p)) if physicists else _fma(x, q, -(k * p))

    with np.errstate(all="ignore"):
        recurrence = _recurrence(x, np.where(n > limit, 0, n), np.ones_like(x), first, step, nan_stops=False)
        out = np.select([n < 0, n == 0, n == 1, n > limit], [np.zeros_like(x), np.ones_like(x), first, np.full_like(x, np.nan)],
                        recurrence)
    return out.astype(x.dtype, copy=False)


def laguerre(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Laguerre L_n(x); 1 at x = 0."""
    n = degrees(n)
    one = x.dtype.type(1)

    def step(x: np.ndarray, p: np.ndarray, q: np.ndarray, k: np.ndarray) -> np.ndarray:
        return _fma((k + k) + (one - x), q, -(k * p)) / (k + one)

    with np.errstate(all="ignore"):
        recurrence = _recurrence(x, n, np.ones_like(x), one - x, step, nan_stops=True)
        out = np.select([n < 0, x == 0, n == 0, n == 1], [np.zeros_like(x), np.ones_like(x), np.ones_like(x), one - x], recurrence)
    return out.astype(x.dtype, copy=False)


def legendre(x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Legendre P_n(x); +-1 at x = +-1."""
    n = degrees(n)
    one = x.dtype.type(1)

    def step(x: np.ndarray, p: np.ndarray, q: np.ndarray, k: np.ndarray) -> np.ndarray:
        return _fma((k + k + one) * x, q, -(k * p)) / (k + one)

    with np.errstate(all="ignore"):
        recurrence = _recurrence(x, n, np.ones_like(x), x, step, nan_stops=True)
        at_one = np.abs(x) == one
        out = np.select([n < 0, at_one & (x > 0), at_one, n == 0, n == 1],
                        [np.zeros_like(x), np.ones_like(x), _alternating(n, np.ones_like(x)), np.ones_like(x), x], recurrence)
    return out.astype(x.dtype, copy=False)
