"""The fused normalisation node behind `batch_norm`, `layer_norm` and `group_norm`.

Each standardises x over a set of axes A, with the biased variance, then applies a learned
affine map:

    xhat = (x - mean_A(x)) / sqrt(var_A(x) + eps),    y = xhat * w + b.

They differ only in A and in how w and b broadcast. Viewed in a "work" shape, all three are a
plain broadcast:

    batch_norm  (N, C, *)  -> (N, C, L)          A = (0, 2)   w as (1, C, 1)
    layer_norm  (*, D...)  -> (B, M)             A = (1,)     w as (1, M)
    group_norm  (N, C, *)  -> (N, G, C/G, L)     A = (2, 3)   w as (1, G, C/G, 1)

so one fused Function, `_Normalize`, serves them. Its backward is the closed form, with n the
number of elements averaged and g = dy * w:

    dx = inv_std * (g - mean_A(g) - xhat * mean_A(g * xhat)),
    dw = sum of dy * xhat over the axes w is broadcast along,    db = the same sum of dy.

One node instead of about ten primitives: fewer passes over x and no difference of large
terms. Nothing large is saved (x and the two small statistics), so an in-place op on the
output is harmless. Where it keeps precision, layer and group norm take the variance from
mean(x^2) - mean^2 and work on x itself, the mean folded into small per-row terms, which
saves passes over x and temporaries of its size; the backward then needs only sums of dy and
dy * x (BLAS where they are matrix-vector products): that is the array rule
(`backward_arrays`). The reference rule (`backward`) rebuilds the statistics from x with
Tensor ops, so that under `create_graph=True` it can itself be differentiated.
"""

from __future__ import annotations

import math
from typing import Optional

import numpy as np

from .._tensor import Tensor
from ..autograd.function import Function


class _Normalize(Function):
    """(y, mean, var) for x viewed as `shape`, statistics over `axes`, w and b viewed as
    `param_shape`; mean and var keep the reduced axes and are not differentiable."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, weight, bias, shape, axes, param_shape, eps):
        xw = x.reshape(shape)
        n = max(math.prod(shape[a] for a in axes), 1)  # an empty input gives empty output
        mean, var, z, offset = _statistics(xw, axes, n)
        inv_std = 1.0 / np.sqrt(var + eps)
        w = None if weight is None else weight.reshape(param_shape)
        buffer = None if z is xw else z  # the output overwrites the centred values when ours
        # y = (z - offset) * inv_std * w + b
        if _small_scale(inv_std, w, z.size):
            scale = inv_std if w is None else inv_std * w  # per channel (batch, group norm)
            out = np.multiply(z, scale, out=buffer)
            shift = None if offset is None else offset * scale
        else:  # layer norm: w * inv_std would be as large as x, so scale by each in turn
            out = np.multiply(z, inv_std, out=buffer)
            if offset is not None:
                out -= offset * inv_std
            out *= w
            shift = None
        _add_offset(out, None if bias is None else bias.reshape(param_shape), shift)
        ctx.save_for_backward(x, weight, mean, inv_std)
        ctx.mark_non_differentiable(mean, var)
        ctx.set_materialize_grads(False)
        ctx.shape, ctx.axes, ctx.param_shape, ctx.eps = shape, axes, param_shape, eps
        ctx.bias_shape = None if bias is None else bias.shape
        ctx.raw_moments = z is xw
        return out.reshape(x.shape), mean, var

    @staticmethod
    def backward(ctx, grad, _grad_mean, _grad_var):
        x, weight, _, _ = ctx.saved_tensors
        return _backward_graph(ctx, grad, x, weight) + (None, None, None, None)

    @staticmethod
    def backward_arrays(ctx, grad, _grad_mean, _grad_var):
        x, weight, mean, inv_std = ctx.saved_tensors
        return _backward_arrays(ctx, grad, x, weight, mean, inv_std) + (None, None, None, None)


class NativeBatchNorm(_Normalize):
    backward_name = "NativeBatchNormBackward0"


class NativeLayerNorm(_Normalize):
    backward_name = "NativeLayerNormBackward0"


class NativeGroupNorm(_Normalize):
    backward_name = "NativeGroupNormBackward0"


def _broadcast_axes(param_shape: tuple[int, ...]) -> tuple[int, ...]:
    """The work axes w and b are broadcast along, which their gradients are summed over."""
    return tuple(i for i, n in enumerate(param_shape) if n == 1)


def _statistics(
    xw: np.ndarray, axes: tuple[int, ...], n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, Optional[np.ndarray]]:
    """(mean, var, z, offset) of xw over `axes`, where the centred values are z - offset
    (offset None: z is them, a new array).

    Trailing axes (layer, group norm): var = mean(x^2) - mean^2 from two reading passes and no
    temporary, when that difference loses at most two bits (var >= mean(x^2) / 4: the mean is
    within 1.7 standard deviations of 0); then z is x itself and the offset its mean. Otherwise,
    the two-pass way: NumPy sums each row pairwise for the mean, then var = mean((x - mean)^2).

    Batch norm: the sums run down the batch axis and gather rounding error (about 1e-3 of a
    unit for a mean of 1000 over 1000 rows in float32); the mean of the centred values is that
    error, and is taken out through the offset.
    """
    if axes[0] + len(axes) == len(xw.shape):
        last = axes[-1:]  # sum each row first: shorter runs gather less rounding error
        sum_x, sum_sq = _sum(xw, last), _contract(xw, xw, last)
        if len(axes) > 1:
            sum_x, sum_sq = _sum(sum_x, axes[:-1]), _sum(sum_sq, axes[:-1])
        mean, mean_sq = sum_x / n, sum_sq / n
        var = mean_sq - mean * mean
        if np.all(var >= 0.25 * mean_sq):
            return mean, var, xw, mean
        mean = xw.mean(axes, keepdims=True)
        centred = xw - mean
        return mean, _contract(centred, centred, axes) / n, centred, None
    mean = _sum(xw, axes) / n
    centred = xw - mean
    shift = _sum(centred, axes) / n
    mean += shift
    var = np.maximum(_contract(centred, centred, axes) / n - shift * shift, 0)
    return mean, var, centred, shift


def _small_scale(inv_std: np.ndarray, w: Optional[np.ndarray], size: int) -> bool:
    """Whether w * inv_std is small next to x's `size` (batch and group norm: one factor per
    channel), so that scaling by it is one pass; for layer norm it would be as large as x."""
    return w is None or 2 * math.prod(np.broadcast_shapes(inv_std.shape, w.shape)) <= size


def _add_offset(out: np.ndarray, bias: Optional[np.ndarray], shift: Optional[np.ndarray]) -> None:
    """out += bias - shift in place: one pass when bias - shift is small next to out."""
    if bias is not None and shift is not None:
        if 2 * math.prod(np.broadcast_shapes(bias.shape, shift.shape)) <= out.size:
            out += bias - shift
            return
    if shift is not None:
        out -= shift
    if bias is not None:
        out += bias


def _einsum_over(axes: tuple[int, ...], *arrays: np.ndarray) -> np.ndarray:
    """The sum over `axes` of the product of the arrays (one, or two of which the second may
    broadcast against the first), the axes kept with size 1. One einsum reads each array once and makes no temporary of their size:
    about twice as fast as (a * b).sum(axes), and faster than a.sum(axes) too."""
    shape = arrays[0].shape
    letters = "abcdefgh"[: len(shape)]
    kept = "".join(c for i, c in enumerate(letters) if i not in axes)
    out = np.einsum(",".join([letters] * len(arrays)) + "->" + kept, *arrays)
    return out.reshape(tuple(1 if i in axes else n for i, n in enumerate(shape)))


def _sum(a: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    return _einsum_over(axes, a)


def _contract(a: np.ndarray, b: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """The sum over `axes` of a * b, b of a's shape or broadcast against it. When a is a matrix
    and b a vector along the summed axis, that is a matrix-vector product: BLAS does it."""
    if a.ndim == 2 and len(axes) == 1:
        k = axes[0]
        if b.shape[1 - k] == 1 and b.shape[k] == a.shape[k]:
            v = b.reshape(-1)
            return (v @ a).reshape(1, -1) if k == 0 else (a @ v).reshape(-1, 1)
    return _einsum_over(axes, a, b)


def _backward_arrays(
    ctx, grad: np.ndarray, x: np.ndarray, weight: Optional[np.ndarray], mean: np.ndarray, inv_std: np.ndarray
) -> tuple:
    """The first-order gradients in NumPy. With r = inv_std, the centred values c = z - o
    (x and its mean, as forward took them, or x - mean rebuilt, o = 0), xhat = c * r and
    g = dy * w, every sum is one of dy or dy * c = dy * z - dy * o:

        dw = sum(dy * c * r),   db = sum(dy)                      over the axes w broadcasts on,
        dx = r * g - r * s1 / n - c * r^3 * t / n,   s1 = sum_A(g),   t = sum_A(g * c).

    Over the statistics' axes along which w is constant (group norm's spatial axis, all of
    batch norm's) dy and dy * z are summed first, so the other sums run over small arrays."""
    shape, axes, param_shape = ctx.shape, ctx.axes, ctx.param_shape
    need_x, need_w, need_b = ctx.needs_input_grad[:3]
    dy = grad.reshape(shape)
    xw = x.reshape(shape)
    z, o = (xw, mean) if ctx.raw_moments else (xw - mean, None)
    w = None if weight is None else weight.reshape(param_shape)
    flat = tuple(a for a in axes if param_shape[a] == 1)
    dy_f = _sum(dy, flat) if flat else dy
    dyz_f = _contract(dy, z, flat) if flat else dy * z
    # the sums of dy * c: summed over `flat` they are small, and centred at once; layer norm's
    # are as large as x, and each sum taken from them is centred instead (o_sums)
    o_sums = None if flat else o
    if flat and o is not None:
        dyz_f = dyz_f - o * dy_f
    p_axes = _broadcast_axes(param_shape)
    dw = db = dx = None
    if need_w:
        dw = _contract(dyz_f, inv_std, p_axes)
        if o_sums is not None:
            dw -= _contract(dy_f, o_sums * inv_std, p_axes)
    if need_b:
        db = _sum(dy_f, p_axes)
    if need_x and len(shape) == 2:  # layer norm's work shape (B, M)
        n = max(z.size // max(mean.size, 1), 1)
        dx = _layer_norm_dx(dy, xw, w, mean, inv_std, axes, n, dyz_f if z is xw and not flat else None)
        dx = dx.reshape(x.shape)
    elif need_x:
        n = max(z.size // max(mean.size, 1), 1)
        s1 = _sum(dy_f, axes) if w is None else _contract(dy_f, w, axes)
        t = _sum(dyz_f, axes) if w is None else _contract(dyz_f, w, axes)
        if o_sums is not None:
            t -= o_sums * s1
        if _small_scale(inv_std, w, z.size):
            dx = dy * (inv_std if w is None else inv_std * w)
        else:
            dx = dy * w
            dx *= inv_std
        a = inv_std * inv_std * inv_std * t / n
        c0 = inv_std * s1 / n if o is None else inv_std * s1 / n - o * a
        # z * a goes into a buffer of x's size that is ours, if there is one: c, or dy * z
        spare = z if z is not xw else None if flat else dyz_f
        dx -= np.multiply(z, a, out=spare)
        dx -= c0
        dx = dx.reshape(x.shape)
    if dw is not None:
        dw = dw.reshape(weight.shape)
    if db is not None:
        db = db.reshape(ctx.bias_shape)
    return dx, dw, db


def _layer_norm_dx(
    dy: np.ndarray, x: np.ndarray, w: Optional[np.ndarray], mean: np.ndarray, inv_std: np.ndarray,
    axes: tuple[int, ...], n: int, dy_x: Optional[np.ndarray],
) -> np.ndarray:
    """Layer norm's dx in the order of torch's CPU kernel, so that it rounds as torch does (a
    one-element row gives torch's few-ulp residue, not 0): with r = inv_std, g = dy * w,

        ds = sum(dy * x * w),  db = sum(g),  b = (db * mean - ds) * r^3 / n,
        c = -b * mean - db * r / n,            dx = r * dy * w + b * x + c.

    `dy_x` is dy * x when the caller has it (a buffer of x's size this may overwrite)."""
    dy_x = dy * x if dy_x is None else dy_x
    ds = _sum(dy_x, axes) if w is None else _contract(dy_x, w, axes)
    db = _sum(dy, axes) if w is None else _contract(dy, w, axes)
    scale = x.dtype.type(1) / x.dtype.type(n)
    b = (db * mean - ds) * inv_std * inv_std * inv_std * scale
    c = -b * mean - db * inv_std * scale
    dx = dy * inv_std
    if w is not None:
        dx *= w
    dx += np.multiply(x, b, out=dy_x)
    dx += c
    return dx


def _backward_graph(ctx, grad: Tensor, x: Tensor, weight: Optional[Tensor]) -> tuple:
    """The same gradients with Tensor ops and the statistics rebuilt from x, so that a
    `create_graph=True` backward records how they depend on x, w and dy."""
    shape, axes, param_shape = ctx.shape, ctx.axes, ctx.param_shape
    need_x, need_w, need_b = ctx.needs_input_grad[:3]
    xw = x.reshape(shape)
    centred = xw - xw.mean(axes, keepdim=True)
    inv_std = ((centred * centred).mean(axes, keepdim=True) + ctx.eps).rsqrt()
    xhat = centred * inv_std
    dy = grad.reshape(shape)
    p_axes = _broadcast_axes(param_shape)
    dx = dw = db = None
    if need_x and len(shape) == 2:  # layer norm, as _layer_norm_dx computes it
        w = None if weight is None else weight.reshape(param_shape)
        mean, dy_x = xw.mean(axes, keepdim=True), dy * xw
        ds = (dy_x if w is None else dy_x * w).sum(axes, keepdim=True)
        db = (dy if w is None else dy * w).sum(axes, keepdim=True)
        scale = 1.0 / max(math.prod(shape[a] for a in axes), 1)
        b = (db * mean - ds) * inv_std * inv_std * inv_std * scale
        r_dy = inv_std * dy
        dx = ((r_dy if w is None else r_dy * w) + b * xw + (-b * mean - db * inv_std * scale)).reshape(x.shape)
    elif need_x:
        g = dy if weight is None else dy * weight.reshape(param_shape)
        dx = ((g - g.mean(axes, keepdim=True) - xhat * (g * xhat).mean(axes, keepdim=True)) * inv_std).reshape(x.shape)
    if need_w:
        dw = (dy * xhat).sum(p_axes).reshape(weight.shape)
    if need_b:
        db = dy.sum(p_axes).reshape(ctx.bias_shape)
    return dx, dw, db
