"""Elementwise functions torch adds beside the basic arithmetic: copysign, fmod, xlogy,
logaddexp, logit, sinc, lerp, nan_to_num, and the piecewise-constant or non-differentiable ones
(heaviside, nextafter, frexp, signbit, isclose...). Differentiable ones are Functions here or
compositions of existing ops where torch's gradient is the same."""

from __future__ import annotations

import math
from typing import Any, NamedTuple, Optional

import numpy as np

from .._dtype import get_default_dtype, torch_name
from ..autograd.function import Function
from . import arithmetic, compare, unary
from ._util import apply_binary, promote, sum_to
from .float_bits import FrexpMantissa, Nextafter
from .trigonometric import binary_float


class Copysign(Function):
    """|a| with the sign of b;  d/da = copysign(a, b) / a (0 where a = 0),  d/db = 0."""

    _array_forward = True

    @staticmethod
    def forward(ctx, a, b):
        out = np.copysign(a, b)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        ga = (grad * (out / a)).where(a != 0, 0.0) if ctx.needs_input_grad[0] else None
        return sum_to(ga, a.shape) if ga is not None else None, None


class Fmod(Function):
    """C's fmod: a - trunc(a / b) b, the sign of a;  d/da = 1,  d/db = -trunc(a / b)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if np.result_type(a, b).kind in "iub" and np.any(np.asarray(b) == 0):
            raise RuntimeError("ZeroDivisionError")
        return np.fmod(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (
            sum_to(grad, a.shape) if da else None,
            sum_to(-grad * (a / b).trunc(), b.shape) if db else None,
        )


class Xlogy(Function):
    """x log y, 0 where x = 0 (unless y is NaN);  d/dx = log y where x != 0, else 0,  d/dy = x / y."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        out = np.where(x == 0, 0.0, x * np.log(y)).astype(np.result_type(x, y), copy=False)
        return np.where(np.isnan(y), np.nan, out).astype(out.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        dx, dy = ctx.needs_input_grad
        return (
            sum_to(grad * xlogy((x != 0).to(grad.dtype), y), x.shape) if dx else None,
            sum_to(grad * x / y, y.shape) if dy else None,
        )


class LogAddExp(Function):
    """log(e^a + e^b);  d/da = 1 / (1 + e^(b - a)),  d/db = 1 / (1 + e^(a - b))."""

    _array_forward = True
    _base = math.e

    @classmethod
    def forward(cls, ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.logaddexp(a, b) if cls._base == math.e else np.logaddexp2(a, b)

    @classmethod
    def backward(cls, ctx, grad):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (
            sum_to(grad / (1 + cls._base ** (b - a)), a.shape) if da else None,
            sum_to(grad / (1 + cls._base ** (a - b)), b.shape) if db else None,
        )


class LogAddExp2(LogAddExp):
    """log2(2^a + 2^b);  d/da = 1 / (1 + 2^(b - a)),  d/db = 1 / (1 + 2^(a - b))."""

    _base = 2.0


class Logit(Function):
    """log(x / (1 - x)), x first clamped to [eps, 1 - eps] when eps is given;
    d/dx = 1 / (x (1 - x)), 0 outside [eps, 1 - eps] (NaN outside [0, 1] without eps)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, eps=None):
        ctx.save_for_backward(x)
        ctx.eps = eps
        z = x if eps is None else np.clip(x, eps, 1 - eps)
        return np.log(z / (1 - z)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        g = grad / (x * (1 - x))
        if ctx.eps is None:
            return g.where((x >= 0) & (x <= 1), math.nan), None
        return g.where((x >= ctx.eps) & (x <= 1 - ctx.eps), 0.0), None


class Sinc(Function):
    """sin(pi x) / (pi x), 1 at 0;  d/dx = (cos(pi x) pi x - sin(pi x)) / (pi x^2), 0 at 0."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sinc(x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        px = x * math.pi
        d = ((px).cos() * px - (px).sin()) / (px * x)
        return grad * d.where(x != 0, 0.0)


class Lerp(Function):
    """start + w (end - start), computed from the nearer end as torch does;
    d/dstart = 1 - w,  d/dend = w,  d/dw = end - start."""

    _array_forward = True

    @staticmethod
    def forward(ctx, start, end, weight):
        ctx.save_for_backward(start, end, weight)
        diff = end - start
        out = np.where(np.abs(weight) < 0.5, start + weight * diff, end - diff * (1 - weight))
        return out.astype(np.result_type(start, end), copy=False)

    @staticmethod
    def backward(ctx, grad):
        start, end, weight = ctx.saved_tensors
        ds, de, dw = ctx.needs_input_grad
        return (
            sum_to(grad * (1 - weight), start.shape) if ds else None,
            sum_to(grad * weight, end.shape) if de else None,
            sum_to(grad * (end - start), weight.shape) if dw else None,
        )


class NanToNum(Function):
    """NaN, +inf and -inf replaced by numbers;  d/dx = 1 where x is finite, else 0."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, nan=0.0, posinf=None, neginf=None):
        ctx.save_for_backward(x)
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.isfinite(), None, None, None


def _refuse_integers(kernel: str, *tensors: Any) -> None:
    for t in tensors:
        if hasattr(t, "_data") and t._data.dtype.kind != "f":
            raise NotImplementedError(f'"{kernel}" not implemented for \'{torch_name(t.dtype)}\'')


def copysign(input: Any, other: Any) -> Any:
    return binary_float(Copysign, input, other)


def fmod(input: Any, other: Any) -> Any:
    """input - trunc(input / other) other: the remainder with the sign of input (C's fmod)."""
    return Fmod.apply(*promote(input, other))


def xlogy(input: Any, other: Any) -> Any:
    return binary_float(Xlogy, input, other)


def logaddexp(input: Any, other: Any) -> Any:
    _refuse_integers("logaddexp_cpu", input, other)
    return binary_float(LogAddExp, input, other)


def logaddexp2(input: Any, other: Any) -> Any:
    _refuse_integers("logaddexp2_cpu", input, other)
    return binary_float(LogAddExp2, input, other)


def logit(input: Any, eps: Optional[float] = None) -> Any:
    return Logit.apply(unary._float(input), eps)


def sinc(input: Any) -> Any:
    return Sinc.apply(unary._float(input))


def lerp(input: Any, end: Any, weight: Any) -> Any:
    """input + weight (end - input); weight a number or a tensor."""
    _refuse_integers("lerp_kernel_scalar", input, end)
    if input.dtype != end.dtype:
        raise RuntimeError(f"expected dtype {input.dtype} for `end` but got dtype {end.dtype}")
    return Lerp.apply(input, end, weight)


def nan_to_num(input: Any, nan: float = 0.0, posinf: Optional[float] = None, neginf: Optional[float] = None) -> Any:
    return NanToNum.apply(input, nan, posinf, neginf)


def addcmul(input: Any, tensor1: Any, tensor2: Any, *, value: float = 1) -> Any:
    """input + value tensor1 tensor2."""
    return arithmetic.add(input, arithmetic.mul(tensor1, tensor2), alpha=value)


def addcdiv(input: Any, tensor1: Any, tensor2: Any, *, value: float = 1) -> Any:
    """input + value tensor1 / tensor2; integer tensors are refused, as in torch."""
    if tensor1._data.dtype.kind in "iub" and tensor2._data.dtype.kind in "iub":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future release addcdiv "
            "will perform a true division of tensor1 and tensor2. Use addcmul(input, tensor1, 1 / "
            "tensor2) or convert tensor1 and tensor2 to a floating dtype."
        )
    return arithmetic.add(input, arithmetic.div(tensor1, tensor2), alpha=value)


def frac(input: Any) -> Any:
    """input - trunc(input); d/dx = 1."""
    _refuse_integers("frac_cpu", input)
    return arithmetic.sub(input, unary.trunc(input))


def float_power(input: Any, exponent: Any) -> Any:
    """input ** exponent in float64 (a Tensor on at least one side)."""
    if not hasattr(input, "_data") and not hasattr(exponent, "_data"):
        arithmetic._refuse_numbers("float_power", input, exponent)

    def double(x: Any) -> Any:
        return x.double() if hasattr(x, "_data") else float(x)

    return arithmetic.pow(double(input), double(exponent))


def exp2(input: Any) -> Any:
    """2^x;  d/dx = 2^x ln 2."""
    return arithmetic.pow(2.0, unary._float(input))


def square(input: Any) -> Any:
    """input * input; bool gives int64, as torch's pow(input, 2)."""
    return arithmetic.pow(input.long() if input._data.dtype.kind == "b" else input, 2)


def positive(input: Any) -> Any:
    if input._data.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def ldexp(input: Any, other: Any) -> Any:
    """input * 2^other."""
    return arithmetic.mul(input, arithmetic.pow(2.0, unary._float(other)))


def clamp_min(input: Any, min: Any) -> Any:
    return compare.clamp(input, min=min)


def clamp_max(input: Any, max: Any) -> Any:
    return compare.clamp(input, max=max)


def _constant(input: Any, values: np.ndarray) -> Any:
    return input._make(values, False, None)


def heaviside(input: Any, values: Any) -> Any:
    """0 where input < 0, values where input == 0, 1 where input > 0."""
    if input.dtype != values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return _constant(input, np.heaviside(input._data, values._data).astype(input._data.dtype))


def nextafter(input: Any, other: Any) -> Any:
    """The next floating-point value after input towards other (`float_bits.Nextafter`)."""
    _refuse_integers("nextafter_cpu", input, other)
    return apply_binary(Nextafter, input, other)


class FrexpResult(NamedTuple):
    mantissa: Any
    exponent: Any


def frexp(input: Any) -> FrexpResult:
    """input = mantissa * 2^exponent, |mantissa| in [0.5, 1); exponent int32 (`float_bits.FrexpMantissa`)."""
    if input._data.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    mantissa = FrexpMantissa.apply(input)
    exponent = np.frexp(input._data)[1].astype(np.int32)
    return FrexpResult(mantissa, _constant(input, exponent))


def signbit(input: Any) -> Any:
    return _constant(input, np.signbit(input._data))


def sgn(input: Any) -> Any:
    return unary.sign(input)


def isposinf(input: Any) -> Any:
    return _constant(input, np.isposinf(input._data))


def isneginf(input: Any) -> Any:
    return _constant(input, np.isneginf(input._data))


def isreal(input: Any) -> Any:
    return _constant(input, np.ones(input.shape, bool))


def isclose(input: Any, other: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Any:
    """|input - other| <= atol + rtol |other|, elementwise (equal values, infinities too, are
    close; a finite value is never close to an infinity). Integer and bool tensors are compared
    in the default float dtype, as torch does (uint8 0 and 255 differ by 255, not by 1)."""
    if rtol < 0 or atol < 0:
        raise RuntimeError(f"{'rtol' if rtol < 0 else 'atol'} must be greater than or equal to zero, but got {min(rtol, atol)}")
    if input.dtype != other.dtype:
        raise RuntimeError(f"{torch_name(input.dtype)} did not match {torch_name(other.dtype)}")
    a, b = input._data, other._data
    close = a == b
    if a.dtype.kind != "f":
        a, b = (x.astype(get_default_dtype().numpy) for x in (a, b))
    with np.errstate(invalid="ignore", over="ignore"):
        error = np.abs(a - b)
        close |= np.isfinite(error) & (error <= atol + np.abs(rtol * b))
    if equal_nan:
        close |= np.isnan(a) & np.isnan(b)
    return _constant(input, close)
