"""The fused activations: one node each where the composition would cost three to five ops in
each direction (and, for elu, a where() whose untaken branch overflows to a nan gradient).
Each backward is written with Tensor ops, so it can be differentiated again; relu, sigmoid,
tanh and softplus are primitives of `unary.py`. `nn.functional.activation` applies them under
torch's names."""

from __future__ import annotations

import math

import numpy as np

from .._special import ndtr
from ..autograd.function import Function
from .index import where
from .unary import softplus

_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


class LeakyRelu(Function):
    """x where x > 0, else slope x;  d/dx = 1 where x > 0, else slope."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, slope):
        ctx.save_for_backward(x)
        ctx.slope = slope
        return np.where(x > 0, x, x * slope)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return where(x > 0, grad, grad * ctx.slope), None


class Elu(Function):
    """scale * x where x > 0, else scale * alpha * (e^(input_scale x) - 1);
    d/dx = scale where x > 0, else scale * alpha * input_scale * e^(input_scale x).
    SELU is this with torch's fixed alpha and scale."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, alpha, scale, input_scale):
        ctx.save_for_backward(x)
        ctx.coefs = alpha, scale, input_scale
        negative = np.expm1(np.minimum(x, 0) * input_scale) * (alpha * scale)
        return np.where(x > 0, x * scale, negative).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        alpha, scale, input_scale = ctx.coefs
        slope = (x.clamp(max=0) * input_scale).exp() * (alpha * scale * input_scale)
        return where(x > 0, grad * scale, grad * slope), None, None, None


class NormalCdf(Function):
    """Phi(x), the standard normal CDF;  d/dx = phi(x) = e^(-x^2/2) / sqrt(2 pi)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ndtr(x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (-0.5 * x * x).exp() * _INV_SQRT_2PI


class Gelu(Function):
    """x Phi(x), Phi the standard normal CDF;  d/dx = Phi(x) + x phi(x).
    approximate='tanh': 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3);
    d/dx = 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) sqrt(2/pi) (1 + 3 * 0.044715 x^2)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, approximate):
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        if approximate == "tanh":
            return 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x**3)))
        with np.errstate(invalid="ignore"):  # -inf * Phi(-inf) = -inf * 0: nan, as torch gives
            return (x * ndtr(x)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        if ctx.approximate == "tanh":
            t = ((x + 0.044715 * x**3) * _SQRT_2_OVER_PI).tanh()
            slope = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)
        else:
            slope = NormalCdf.apply(x) + x * (-0.5 * x * x).exp() * _INV_SQRT_2PI
        return grad * slope, None


class Silu(Function):
    """x sigmoid(x);  d/dx = s (1 + x (1 - s)), s = sigmoid(x)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(over="ignore"):
            return x / (1 + np.exp(-x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        s = x.sigmoid()
        return grad * s * (1 + x * (1 - s))


class Mish(Function):
    """x tanh(softplus(x));  d/dx = t + x sigmoid(x) (1 - t^2), t = tanh(softplus(x))."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * np.tanh(np.logaddexp(0, x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        t = softplus(x).tanh()
        return grad * (t + x * x.sigmoid() * (1 - t * t))


class Hardtanh(Function):
    """x clipped to [lo, hi];  d/dx = 1 strictly inside, 0 elsewhere (torch's rule, also at
    the bounds, where clamp's gradient would be 1)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x)
        ctx.bounds = lo, hi
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        lo, hi = ctx.bounds
        return grad * ((x > lo) & (x < hi)), None, None
