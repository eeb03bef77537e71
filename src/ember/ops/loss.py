"""The fused losses: NLL and cross-entropy over class indices, binary cross-entropy on
probabilities and on logits, and KL divergence's t log t. Each is one node with its forward on
arrays and its reference backward in Tensor ops (so `create_graph=True` differentiates it
again); NLL and cross-entropy add a fast path on arrays. `nn.functional.loss` checks the
arguments as torch does and applies them.

Class-index losses work on the layout (N, C, d1, ...) with targets (N, d1, ...). Both describe
sample n by a target distribution over classes,

    q[n, c] = (1 - eps) w[t_n] [c = t_n] + (eps / C) w_c      (0 where t_n = ignore_index),

eps being cross-entropy's label smoothing (0 for NLL), so that l_n = -sum_c q[n, c] y[n, c]
with y the log-probabilities: the input itself for NLL, log_softmax(x) for cross-entropy.
Then d l_n / d y = -q_n, and through the log-softmax d l_n / d x_n = softmax(x_n) sum_c q_nc - q_n.
'mean' divides by sum_n w[t_n] over the samples not ignored (torch's weighted mean).
"""

from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import Function
from ._util import sum_to
from .unary import softplus

_BCE_EPSILON = float(np.float32(1e-12))

_const = Tensor._make
torch_name = _dtype.torch_name


def check_class_target(input: Tensor, target: Tensor, weight: Optional[Tensor], ignore_index: int) -> None:
    """torch's checks of a class-index target and a class weight against the input, in its order
    and with its exception types; targets out of [0, C) (other than ignore_index) raise IndexError."""
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim > 1 and (target.ndim == 0 or target._data.shape[0] != input._data.shape[0]):
        batch = target.shape[0] if target.ndim else 1
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({batch}).")
    expected = input._data.shape[:1] + input._data.shape[2:] if input.ndim > 1 else ()
    if target._data.shape != expected:
        if input.ndim <= 2:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        raise RuntimeError(f"Expected target size {list(expected)}, got {list(target.shape)}")
    if target.dtype.name not in ("int64", "uint8"):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {torch_name(target.dtype)}; class indices are "
            "int64 (target.long()), class probabilities a float tensor shaped like the input"
        )
    classes = input._data.shape[1] if input.ndim > 1 else input._data.shape[0]
    if weight is not None:
        if weight.ndim != 1 or weight._data.shape[0] != classes:
            raise RuntimeError(
                f"weight tensor should be defined either for all {classes} classes or no classes but got "
                f"weight tensor of shape: {list(weight.shape)}"
            )
        if weight.dtype is not input.dtype:
            raise RuntimeError(f"expected scalar type {torch_name(input.dtype)} but found {torch_name(weight.dtype)}")
    t = target._data.astype(np.int64, copy=False)
    if t.size and (t.min() < 0 or t.max() >= classes):
        bad = (t != ignore_index) & ((t < 0) | (t >= classes))
        if bad.any():
            raise IndexError(f"Target {t[bad].flat[0]} is out of bounds.")


def _read_targets(ctx: Any, target: np.ndarray, weight: Optional[np.ndarray], ignore_index: int,
                  smoothing: float, dtype: np.dtype) -> None:
    """Keep on ctx what both directions need: `targets`, the index of each sample's target entry
    in the input (class 0 where ignored), `wt` (w[t_n], 0 where ignored), `valid` (not
    ignored), the class weight and the smoothing."""
    target = target.astype(np.intp, copy=False)
    valid = target != ignore_index
    safe = np.where(valid, target, 0)
    if target.ndim == 1:
        ctx.targets = (np.arange(target.shape[0]), safe)
    else:
        grid = np.ogrid[tuple(slice(n) for n in target.shape)]
        ctx.targets = (grid[0], safe, *grid[1:])
    ctx.wt = valid.astype(dtype) if weight is None else weight[safe] * valid
    ctx.valid, ctx.weight, ctx.smoothing = valid, weight, smoothing


def _reduce(ctx: Any, loss: np.ndarray, reduction: str) -> np.ndarray:
    """The per-sample loss reduced; 'mean' divides by sum_n w[t_n], kept as `ctx.norm`."""
    ctx.reduction, ctx.norm = reduction, 1.0
    if reduction == "none":
        return loss
    total = np.asarray(loss.sum(), dtype=loss.dtype)
    if reduction == "sum":
        return total
    norm = float(ctx.wt.sum(dtype=loss.dtype))
    if norm == 0:  # every target ignored: a nan loss with zero gradients, as torch
        return np.asarray(np.nan, dtype=loss.dtype)
    ctx.norm = norm
    return total / np.asarray(norm, dtype=loss.dtype)


def _class_column(weight: np.ndarray, ndim: int) -> np.ndarray:
    """A (C,) class weight shaped to broadcast along dim 1 of an ndim-dimensional input."""
    return weight.reshape((1, -1) + (1,) * (ndim - 2))


def _dense_target(ctx: Any, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """q[n, c] as an array of the input's shape (see the module docstring)."""
    q = np.zeros(shape, dtype)
    q[ctx.targets] = ctx.wt * (1 - ctx.smoothing)
    if ctx.smoothing:
        spread = 1 if ctx.weight is None else _class_column(ctx.weight, len(shape))
        q += (ctx.smoothing / shape[1]) * spread * ctx.valid[:, None]
    return q


def _scale(ctx: Any, grad: Tensor) -> Tensor:
    """The incoming gradient, divided by the normaliser and shaped to broadcast over classes."""
    if ctx.reduction == "none":
        return grad.unsqueeze(1)
    return grad / ctx.norm if ctx.norm != 1.0 else grad


class NllLoss(Function):
    """l_n = -sum_c q[n, c] x[n, c] = -w[t_n] x[n, t_n] over log-probabilities x;
    d l_n / d x[n, c] = -q[n, c]."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction):
        ctx.shape = x.shape
        _read_targets(ctx, target, weight, ignore_index, 0.0, x.dtype)
        return _reduce(ctx, -(ctx.wt * x[ctx.targets]), reduction)

    @staticmethod
    def backward(ctx, grad):
        # dx stays a function of grad, so that it differentiates in it
        q = _dense_target(ctx, ctx.shape, grad._data.dtype)
        return _const(-q, False, None) * _scale(ctx, grad), None, None, None, None

    @staticmethod
    def backward_arrays(ctx, grad):
        g = grad / ctx.norm
        dx = np.zeros(ctx.shape, grad.dtype)
        dx[ctx.targets] = -(ctx.wt * g)
        return dx, None, None, None, None


class CrossEntropy(Function):
    """log_softmax and NLL in one node, over dim 1 of logits x (N, C, d1, ...).

    forward: with m = max_c x_c and s = sum_c e^(x_c - m) (no exp overflows),
    log p[n, t] = (x[n, t] - m) - log s; only the target entries are formed (and, with label
    smoothing, the weighted sum over classes), and softmax = e^(x - m) / s is kept for backward.
    backward: d l_n / d x_n = (softmax(x_n) sum_c q_nc - q_n) * dl / normaliser: the reference
    rule builds it from x with Tensor ops (so it differentiates again); the array rule makes one
    pass over the softmax kept by forward.
    """

    _array_forward = True
    backward_name = "CrossEntropyLossBackward0"

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction, smoothing):
        _read_targets(ctx, target, weight, ignore_index, smoothing, x.dtype)
        shifted = x - x.max(1, keepdims=True)
        softmax = np.exp(shifted)
        total = softmax.sum(1)
        log_total = np.log(total)
        loss = -(ctx.wt * (shifted[ctx.targets] - log_total))
        if smoothing:
            classes = x.shape[1]
            if weight is None:
                spread = shifted.sum(1) - classes * log_total
            else:
                spread = (shifted * _class_column(weight, x.ndim)).sum(1) - weight.sum() * log_total
            loss = (1 - smoothing) * loss - (smoothing / classes) * (spread * ctx.valid)
        softmax /= total[:, None]
        ctx.save_for_backward(x, softmax)
        return _reduce(ctx, loss, reduction)

    @staticmethod
    def backward(ctx, grad):
        # softmax recomputed from x, so that dx differentiates in x
        x, _ = ctx.saved_tensors
        q = _dense_target(ctx, x.shape, x._data.dtype)
        dx = x.softmax(1) * _const(q.sum(1, keepdims=True), False, None) - _const(q, False, None)
        return dx * _scale(ctx, grad), None, None, None, None, None

    @staticmethod
    def backward_arrays(ctx, grad):
        x, softmax = ctx.saved_tensors
        eps, classes = ctx.smoothing, x.shape[1]
        g = grad / ctx.norm
        at_target = (1 - eps) * ctx.wt * g
        per_sample = at_target
        if eps:
            spread = classes if ctx.weight is None else ctx.weight.sum()
            per_sample = at_target + (eps / classes) * spread * (ctx.valid * g)
        dx = softmax * per_sample[:, None]
        dx[ctx.targets] -= at_target  # each sample's target entry once: no repeated indices
        if eps:
            column = 1 if ctx.weight is None else _class_column(ctx.weight, x.ndim)
            dx -= (eps / classes) * column * (ctx.valid * g)[:, None]
        return dx, None, None, None, None, None


def _reduce_elementwise(ctx: Any, loss: np.ndarray, reduction: str) -> np.ndarray:
    """An elementwise loss reduced inside its node, as torch's fused losses do; `ctx.n` is the
    divisor 'mean' applies to the gradient (1 otherwise)."""
    ctx.n = loss.size if reduction == "mean" else 1
    if reduction == "none":
        return loss
    return np.asarray(np.mean(loss)) if reduction == "mean" else np.asarray(loss.sum())


def _finish(ctx: Any, dx: Any, w: Any) -> Any:
    """torch's last two steps of a fused loss's input gradient: times the weight, over n."""
    if w is not None:
        dx = dx * w
    return dx / ctx.n if ctx.n != 1 else dx


class BinaryCrossEntropy(Function):
    """l = -w (t log x + (1 - t) log(1 - x)), each log clamped below at -100 as torch's, then
    reduced; dl/dx = grad (x - t) / max(x (1 - x), eps) w / n,  dl/dt = grad w (log(1 - x) - log x) / n
    (n the element count for 'mean', else 1), with torch's eps: 1e-12 rounded to float32 (a
    `float` constant in its kernel) whatever the dtype."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, t, w, reduction):
        ctx.save_for_backward(x, t, w)
        with np.errstate(divide="ignore"):
            out = (t - 1) * np.maximum(np.log1p(-x), -100) - t * np.maximum(np.log(x), -100)
        return _reduce_elementwise(ctx, out if w is None else out * w, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, t, w = ctx.saved_tensors
        dx = dt = None
        if ctx.needs_input_grad[0]:
            dx = BinaryCrossEntropyGrad.apply(grad, x, t, w, ctx.n)
        if ctx.needs_input_grad[1]:
            with np.errstate(divide="ignore"):
                dt = _finish(ctx, grad * ((-x).log1p() - x.log()), w)
        return dx, dt, None, None


class BinaryCrossEntropyGrad(Function):
    """Binary cross-entropy's input gradient g = grad (x - t) / max(x (1 - x), eps) w / n as a
    node of its own, so that its derivatives are torch's (with eps' = 1e-12 in double):
    d/dgrad = (x - t) / ((x + eps') (1 - x + eps')) w / n,  d/dt = -grad w / max(x (1 - x), eps) / n,
    d/dx = (x^2 - 2 x t + t) / ((x + eps')^2 (1 - x + eps')^2) grad w / n."""

    _array_forward = True
    backward_name = "BinaryCrossEntropyBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, x, t, w, n):
        ctx.save_for_backward(grad, x, t, w)
        ctx.n = n
        dx = grad * (x - t) / np.maximum(x * (1 - x), _BCE_EPSILON)
        return _finish(ctx, dx, w)

    @staticmethod
    def backward(ctx, gg):
        grad, x, t, w = ctx.saved_tensors
        need_grad, need_x, need_t = ctx.needs_input_grad[:3]
        denominator = (x * (1 - x)).clamp(min=_BCE_EPSILON)
        d_grad = d_x = d_t = None
        if need_grad:
            d_grad = sum_to(_finish(ctx, (x - t) / ((x + 1e-12) * (1 - x + 1e-12)) * gg, w), grad.shape)
        if need_x:
            curvature = (x * x - 2 * x * t + t) / ((x + 1e-12).pow(2) * (1 - x + 1e-12).pow(2))
            d_x = _finish(ctx, curvature * (gg * grad), w)
        if need_t:
            d_t = _finish(ctx, -(gg * grad) / denominator, w)
        return d_grad, d_x, d_t, None, None


class BinaryCrossEntropyWithLogits(Function):
    """With s = softplus(-x) = max(-x, 0) + log1p(e^-|x|) (no exp overflows) and
    L = 1 + (pos_weight - 1) t:   l = w ((1 - t) x + L s), then reduced;
    dl/dx = grad ((1 - t) - L sigmoid(-x)) w / n,   dl/dt = grad ((pos_weight - 1) s - x) w / n
    (n the element count for 'mean', else 1)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, t, w, pw, reduction):
        ctx.save_for_backward(x, t, w, pw)
        s = np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))
        out = (1 - t) * x + (s if pw is None else (1 + (pw - 1) * t) * s)
        return _reduce_elementwise(ctx, out if w is None else out * w, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, t, w, pw = ctx.saved_tensors
        dx = dt = None
        if ctx.needs_input_grad[0]:
            s = (-x).sigmoid()
            dx = _finish(ctx, grad * ((1 - t) - (s if pw is None else (1 + (pw - 1) * t) * s)), w)
        if ctx.needs_input_grad[1]:
            dt = _finish(ctx, -grad * x if pw is None else grad * ((pw - 1) * softplus(-x) - x), w)
        return dx, dt, None, None, None


class XLogX(Function):
    """t log t, 0 at t = 0 (its limit);  d/dt = log t + 1, nan at t = 0 (as torch's xlogy(t, t))."""

    _array_forward = True
    backward_name = "XlogyBackward0"

    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(t == 0, 0, t * np.log(t)).astype(t.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (t,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return grad * (t.log() + 1).where(t != 0, math.nan)
