"""Inverse trigonometric and hyperbolic functions, atan2 and hypot. Integer and bool inputs
compute in the default float dtype, as torch's do; each backward is the derivative times the
incoming grad, written with Tensor ops so it can itself be differentiated."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._dtype import torch_name
from ..autograd.function import Function
from ._util import as_torch_error, float_operands, sum_to
from .unary import _float


class _Pointwise(Function):
    """f(x) for a NumPy ufunc f;  d/dx = f'(x), the subclass's `derivative`."""

    _array_forward = True
    _fn: Any = None

    @classmethod
    def forward(cls, ctx, x):
        ctx.save_for_backward(x)
        return cls._fn(x)

    @classmethod
    def backward(cls, ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * cls.derivative(x)

    @staticmethod
    def derivative(x: Any) -> Any:
        raise NotImplementedError


class Asin(_Pointwise):
    """asin x;  d/dx = 1 / sqrt(1 - x^2)."""

    _fn = np.arcsin

    @staticmethod
    def derivative(x):
        return (1 - x * x).rsqrt()


class Acos(_Pointwise):
    """acos x;  d/dx = -1 / sqrt(1 - x^2)."""

    _fn = np.arccos

    @staticmethod
    def derivative(x):
        return -(1 - x * x).rsqrt()


class Atan(_Pointwise):
    """atan x;  d/dx = 1 / (1 + x^2)."""

    _fn = np.arctan

    @staticmethod
    def derivative(x):
        return 1 / (x * x + 1)


class Sinh(_Pointwise):
    """sinh x;  d/dx = cosh x."""

    _fn = np.sinh

    @staticmethod
    def derivative(x):
        return x.cosh()


class Cosh(_Pointwise):
    """cosh x;  d/dx = sinh x."""

    _fn = np.cosh

    @staticmethod
    def derivative(x):
        return x.sinh()


class Asinh(_Pointwise):
    """asinh x;  d/dx = 1 / sqrt(x^2 + 1)."""

    _fn = np.arcsinh

    @staticmethod
    def derivative(x):
        return (x * x + 1).rsqrt()


class Acosh(_Pointwise):
    """acosh x;  d/dx = 1 / sqrt(x^2 - 1)."""

    _fn = np.arccosh

    @staticmethod
    def derivative(x):
        return (x * x - 1).rsqrt()


class Atanh(_Pointwise):
    """atanh x;  d/dx = 1 / (1 - x^2)."""

    _fn = np.arctanh

    @staticmethod
    def derivative(x):
        return 1 / (1 - x * x)


class Atan2(Function):
    """atan2(a, b), the angle of the point (b, a);  d/da = b / (a^2 + b^2),
    d/db = -a / (a^2 + b^2)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        scale = grad / (a * a + b * b)
        return (sum_to(scale * b, a.shape) if da else None, sum_to(-scale * a, b.shape) if db else None)

    backward_arrays = backward


class Hypot(Function):
    """sqrt(a^2 + b^2) without overflow;  d/da = a / hypot(a, b),  d/db = b / hypot(a, b)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, a, b):
        out = np.hypot(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        scale = grad / out
        return (sum_to(scale * a, a.shape) if da else None, sum_to(scale * b, b.shape) if db else None)

    backward_arrays = backward


def require_tensors(name: str, input: Any, other: Any) -> None:
    """torch's binary functions that take two Tensors refuse a number in either place."""
    for position, (what, x) in enumerate((("input", input), ("other", other)), start=1):
        if not hasattr(x, "_data"):
            raise TypeError(f"{name}(): argument '{what}' (position {position}) must be Tensor, not {type(x).__name__}")


def binary_float(fn: type[Function], input: Any, other: Any) -> Any:
    """`fn.apply` on the operands promoted to torch's result dtype, integers lifted to the
    default float dtype; a broadcasting failure reads as torch's."""
    a, b = float_operands(input, other)
    try:
        return fn.apply(a, b)
    except ValueError as e:
        raise as_torch_error(e, a, b) from None


def asin(input: Any) -> Any:
    return Asin.apply(_float(input))


def acos(input: Any) -> Any:
    return Acos.apply(_float(input))


def atan(input: Any) -> Any:
    return Atan.apply(_float(input))


def sinh(input: Any) -> Any:
    return Sinh.apply(_float(input))


def cosh(input: Any) -> Any:
    return Cosh.apply(_float(input))


def asinh(input: Any) -> Any:
    return Asinh.apply(_float(input))


def acosh(input: Any) -> Any:
    return Acosh.apply(_float(input))


def atanh(input: Any) -> Any:
    return Atanh.apply(_float(input))


def atan2(input: Any, other: Any) -> Any:
    """The angle of (other, input) in (-pi, pi], elementwise with broadcasting."""
    require_tensors("atan2", input, other)
    return binary_float(Atan2, input, other)


def hypot(input: Any, other: Any) -> Any:
    """sqrt(input^2 + other^2), without overflow; torch accepts floating inputs only."""
    require_tensors("hypot", input, other)
    for x in (input, other):
        if hasattr(x, "_data") and x._data.dtype.kind != "f":
            raise NotImplementedError(f'"hypot_cpu" not implemented for \'{torch_name(x.dtype)}\'')
    return binary_float(Hypot, input, other)


def deg2rad(input: Any) -> Any:
    """input * pi / 180."""
    return _float(input) * (math.pi / 180)


def rad2deg(input: Any) -> Any:
    """input * 180 / pi."""
    return _float(input) * (180 / math.pi)
