"""Gamma-family, error-function-family and Bessel functions as differentiable ops; the numerics
live in `ember._special_series`. Integer and bool inputs compute in the default float dtype."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _special_series as series
from ..autograd.function import Function
from . import arithmetic
from .unary import _float


class _Special(Function):
    """f(x) for a float64 kernel f, returned in x's dtype;  d/dx = f'(x), the subclass's `derivative`."""

    _array_forward = True
    _kernel: Any = None

    @classmethod
    def forward(cls, ctx, x, *args):
        ctx.save_for_backward(x)
        ctx.args = args
        return np.asarray(cls._kernel(x.reshape(-1), *args)).reshape(x.shape).astype(x.dtype, copy=False)

    @classmethod
    def backward(cls, ctx, grad):
        (x,) = ctx.saved_tensors
        return (grad * cls.derivative(x, *ctx.args),) + (None,) * len(ctx.args)

    @staticmethod
    def derivative(x: Any, *args: Any) -> Any:
        raise NotImplementedError


class Lgamma(_Special):
    """ln |Gamma(x)|;  d/dx = digamma(x)."""

    _kernel = staticmethod(series.lgamma)

    @staticmethod
    def derivative(x):
        return digamma(x)


class Digamma(_Special):
    """psi(x) = d/dx ln Gamma(x);  d/dx = polygamma(1, x)."""

    _kernel = staticmethod(series.digamma)

    @staticmethod
    def derivative(x):
        return polygamma(1, x)


class Polygamma(_Special):
    """psi^(n)(x);  d/dx = psi^(n+1)(x)."""

    _kernel = staticmethod(lambda x, n: series.polygamma(n, x))

    @staticmethod
    def derivative(x, n):
        return polygamma(n + 1, x)


class Erfc(_Special):
    """1 - erf x;  d/dx = -2/sqrt(pi) e^(-x^2)."""

    _kernel = staticmethod(series.erfc)

    @staticmethod
    def derivative(x):
        return (-x * x).exp() * (-2 / math.sqrt(math.pi))


class Erfcx(_Special):
    """e^(x^2) erfc x;  d/dx = 2x erfcx(x) - 2/sqrt(pi)."""

    _kernel = staticmethod(series.erfcx)

    @staticmethod
    def derivative(x):
        return 2 * x * erfcx(x) - 2 / math.sqrt(math.pi)


class Erfinv(_Special):
    """y with erf y = x;  d/dx = sqrt(pi)/2 e^(y^2)."""

    _kernel = staticmethod(series.erfinv)

    @staticmethod
    def derivative(x):
        y = erfinv(x)
        return (y * y).exp() * (math.sqrt(math.pi) / 2)


class I0(_Special):
    """Modified Bessel function I0(x);  d/dx = I1(x)."""

    _kernel = staticmethod(lambda x: series.bessel_i(x, 0, False))

    @staticmethod
    def derivative(x):
        return i1(x)


class I0e(_Special):
    """e^-|x| I0(x);  d/dx = i1e(x) - sgn(x) i0e(x)."""

    _kernel = staticmethod(lambda x: series.bessel_i(x, 0, True))

    @staticmethod
    def derivative(x):
        return i1e(x) - x.sign() * i0e(x)


def _tiny_safe(x: Any) -> tuple[Any, Any]:
    """(|x| > eps, x with eps where it is not): torch's guard in its i1 and i1e gradients, which
    keeps their derivatives at 0 finite (0, where 1/x would give NaN)."""
    eps = float(np.finfo(x._data.dtype).eps)
    not_tiny = x.abs() > eps
    return not_tiny, x.where(not_tiny, eps)


class I1(_Special):
    """Modified Bessel function I1(x);  d/dx = I0(x) - I1(x)/x (1/2 for |x| <= eps, as torch)."""

    _kernel = staticmethod(lambda x: series.bessel_i(x, 1, False))

    @staticmethod
    def derivative(x):
        not_tiny, safe = _tiny_safe(x)
        return (i0(safe) - i1(x) * safe.reciprocal()).where(not_tiny, 0.5)


class I1e(_Special):
    """e^-|x| I1(x);  d/dx = i0e(x) - i1e(x) (sgn(x) + 1/x) (1/2 for |x| <= eps, as torch)."""

    _kernel = staticmethod(lambda x: series.bessel_i(x, 1, True))

    @staticmethod
    def derivative(x):
        not_tiny, safe = _tiny_safe(x)
        return (i0e(safe) - i1e(x) * (safe.sign() + safe.reciprocal())).where(not_tiny, 0.5)


def lgamma(input: Any) -> Any:
    return Lgamma.apply(_float(input))


def digamma(input: Any) -> Any:
    return Digamma.apply(_float(input))


def polygamma(n: int, input: Any) -> Any:
    """The n-th derivative of digamma (n = 0: digamma)."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return Polygamma.apply(_float(input), n)


def mvlgamma(input: Any, p: int) -> Any:
    """The multivariate log-gamma: p (p - 1) / 4 ln pi + sum_{i < p} lgamma(x - i/2)."""
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = _float(input)
    if bool((x._data <= (p - 1) / 2).any()):
        raise RuntimeError(f"All elements must be greater than (p-1)/2 = {(p - 1) / 2}")
    halves = x._make(-np.arange(p, dtype=x._data.dtype) / 2, False, None)
    terms = lgamma(x.unsqueeze(-1) + halves)
    return arithmetic.add(terms.sum(-1), p * (p - 1) / 4 * math.log(math.pi))


def erfc(input: Any) -> Any:
    return Erfc.apply(_float(input))


def erfcx(input: Any) -> Any:
    return Erfcx.apply(_float(input))


def erfinv(input: Any) -> Any:
    return Erfinv.apply(_float(input))


def i0(input: Any) -> Any:
    return I0.apply(_float(input))


def i0e(input: Any) -> Any:
    return I0e.apply(_float(input))


def i1(input: Any) -> Any:
    return I1.apply(_float(input))


def i1e(input: Any) -> Any:
    return I1e.apply(_float(input))
