"""Elementwise functions of one tensor. Each backward is the derivative times the incoming grad,
written with Tensor ops so it can itself be differentiated."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._creation import zeros_like
from .._special import erf as erf_array
from .._dtype import get_default_dtype, torch_name
from ..autograd.function import Function

class Exp(Function):
    """e^x;  d/dx = e^x."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        out = np.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out

    backward_arrays = backward


class Log(Function):
    """ln x;  d/dx = 1/x."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x

    backward_arrays = backward


class Log1p(Function):
    """ln(1 + x), accurate near 0;  d/dx = 1/(1 + x)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log1p(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x + 1)

    backward_arrays = backward


class Expm1(Function):
    """e^x - 1, accurate near 0;  d/dx = e^x = out + 1."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        out = np.expm1(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (out + 1)

    backward_arrays = backward


class Sqrt(Function):
    """sqrt x;  d/dx = 1 / (2 sqrt x)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        out = np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad / (2 * out)

    backward_arrays = backward


class Rsqrt(Function):
    """1 / sqrt x;  d/dx = -1/2 x^(-3/2) = -out^3 / 2."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        out = 1 / np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return -0.5 * grad * out**3

    backward_arrays = backward


class Reciprocal(Function):
    """1 / x;  d/dx = -1/x^2 = -out^2 (out squared, as torch does: x^2 overflows float16
    sooner). The output is what backward keeps (as torch's ReciprocalBackward0), so x may
    change in place afterwards."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        out = np.reciprocal(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return -grad * (out * out)

    backward_arrays = backward


class Sin(Function):
    """sin x;  d/dx = cos x."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.cos()


class Cos(Function):
    """cos x;  d/dx = -sin x."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * -x.sin()


class Tan(Function):
    """tan x;  d/dx = 1 + tan^2 x."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        out = np.tan(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 + out * out)

    backward_arrays = backward


class Tanh(Function):
    """tanh x;  d/dx = 1 - tanh^2 x, computed as (1 - tanh x)(1 + tanh x): torch fuses 1 - y*y
    into one multiply-add, and rounding y*y first would cancel near |y| = 1 (1e-10 off)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * ((1 - out) * (1 + out))

    backward_arrays = backward


class Sigmoid(Function):
    """s(x) = 1 / (1 + e^-x);  d/dx = s(x) (1 - s(x))."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        with np.errstate(over="ignore"):
            out = 1 / (1 + np.exp(-x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out) * out

    backward_arrays = backward


class Relu(Function):
    """max(0, x);  d/dx = 1 where x > 0, else 0 (also at 0, as torch)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        out = np.maximum(x, 0)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return ThresholdBackward.apply(grad, out)

    backward_arrays = backward


class ThresholdBackward(Function):
    """relu's gradient as one op, dy except where out <= 0, as torch's (so a NaN output passes
    dy); relu's output is 0 or above (or NaN), so that mask is out != 0, one comparison. dy is
    selected (as torch does: a product with the mask would turn an inf or nan dy into nan where
    out is 0); linear in dy, so its gradient is the same mask."""

    _array_forward = True

    @staticmethod
    def forward(ctx, grad, out):
        ctx.save_for_backward(out)
        keep = out != 0
        # the product is several times faster than np.where and equal to it unless dy holds an
        # inf or nan, which one sum of dy reveals
        selected = grad * keep
        return selected if np.isfinite(np.add.reduce(grad, None)) else np.where(keep, grad, 0)

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return ThresholdBackward.apply(grad, out), None

    backward_arrays = backward


class Softplus(Function):
    """log(1 + e^(beta x)) / beta, linear where beta x > threshold;  d/dx = sigmoid(beta x)
    (1 where linear; NaN at NaN, as torch)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, beta=1.0, threshold=20.0):
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        bx = x * beta
        return np.where(bx > threshold, x, np.logaddexp(0, bx) / beta).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        bx = x * ctx.beta
        return grad * bx.sigmoid().where(~(bx > ctx.threshold), 1.0), None, None


class Erf(Function):
    """erf x = 2/sqrt(pi) int_0^x e^(-t^2) dt;  d/dx = 2/sqrt(pi) e^(-x^2)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return erf_array(x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (2 / math.sqrt(math.pi)) * (-x * x).exp()


class Abs(Function):
    """|x|;  d/dx = sign(x), 0 at 0."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.sign()


class _Flat(Function):
    """Piecewise-constant functions (sign, floor, ceil, round, trunc): gradient 0 everywhere."""

    _array_forward = True
    _fn: Any = None

    @classmethod
    def forward(cls, ctx, x, *args):
        return cls._fn(x, *args)

    @staticmethod
    def backward(ctx, grad):
        return (zeros_like(grad),) + (None,) * (len(ctx.needs_input_grad) - 1)


def _sign(x: np.ndarray) -> np.ndarray:
    """-1, 0 or 1, and 0 for NaN as torch gives (NumPy's sign gives NaN); a bool is its own sign."""
    if x.dtype.kind == "b":
        return x.copy()
    if x.dtype.kind != "f":
        return np.sign(x)
    return np.sign(x, out=np.zeros_like(x), where=~np.isnan(x))


class Sign(_Flat):
    _fn = staticmethod(_sign)


class Floor(_Flat):
    _fn = staticmethod(np.floor)


class Ceil(_Flat):
    _fn = staticmethod(np.ceil)


class Round(_Flat):
    _fn = staticmethod(np.round)


class Trunc(_Flat):
    _fn = staticmethod(np.trunc)


def _float(input: Any) -> Any:
    """Integer and bool tensors compute in the default float dtype, as torch's do."""
    return input if input._data.dtype.kind == "f" else input.to(get_default_dtype())


def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> Any:
    return Softplus.apply(_float(input), beta, threshold)


def exp(input: Any) -> Any:
    return Exp.apply(_float(input))


def log(input: Any) -> Any:
    return Log.apply(_float(input))


def log1p(input: Any) -> Any:
    return Log1p.apply(_float(input))


def expm1(input: Any) -> Any:
    return Expm1.apply(_float(input))


def log2(input: Any) -> Any:
    return Log.apply(_float(input)) / math.log(2.0)


def log10(input: Any) -> Any:
    return Log.apply(_float(input)) / math.log(10.0)


def sqrt(input: Any) -> Any:
    return Sqrt.apply(_float(input))


def rsqrt(input: Any) -> Any:
    return Rsqrt.apply(_float(input))


def reciprocal(input: Any) -> Any:
    """1 / input; integer and bool tensors give the default float dtype."""
    return Reciprocal.apply(_float(input))


def sin(input: Any) -> Any:
    return Sin.apply(_float(input))


def cos(input: Any) -> Any:
    return Cos.apply(_float(input))


def tan(input: Any) -> Any:
    return Tan.apply(_float(input))


def tanh(input: Any) -> Any:
    return Tanh.apply(_float(input))


def sigmoid(input: Any) -> Any:
    return Sigmoid.apply(_float(input))


def relu(input: Any) -> Any:
    return Relu.apply(input)


def erf(input: Any) -> Any:
    return Erf.apply(_float(input))


def abs(input: Any) -> Any:
    return Abs.apply(input)


def sign(input: Any) -> Any:
    return Sign.apply(input)


def floor(input: Any) -> Any:
    return Floor.apply(input)


def ceil(input: Any) -> Any:
    return Ceil.apply(input)


def round(input: Any, *, decimals: int = 0) -> Any:
    """Round half to even, at `decimals` digits after the point (negative: before it); integer
    tensors only take decimals=0, as in torch."""
    if decimals and input._data.dtype.kind != "f":
        raise NotImplementedError(f'"round_cpu" not implemented for \'{torch_name(input.dtype)}\'')
    return Round.apply(input, decimals)


def trunc(input: Any) -> Any:
    return Trunc.apply(input)
