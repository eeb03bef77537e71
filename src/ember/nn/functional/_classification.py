"""The fused classification losses: NLL and cross-entropy over class indices, binary
cross-entropy on probabilities and on logits. Each is one node with its forward on arrays and
its backward in Tensor ops (so `create_graph=True` differentiates it again).

Class-index losses work on the layout (N, C, d1, ...) with targets (N, d1, ...). Both describe
sample n by a target distribution over classes,

    q[n, c] = (1 - eps) w[t_n] [c = t_n] + (eps / C) w_c      (0 where t_n = ignore_index),

eps being cross-entropy's label smoothing (0 for NLL), so that l_n = -sum_c q[n, c] y[n, c]
with y the log-probabilities: the input itself for NLL, log_softmax(x) for cross-entropy.
Then d l_n / d y = -q_n, and through the log-softmax d l_n / d x_n = softmax(x_n) sum_c q_nc - q_n.
'mean' divides by sum_n w[t_n] over the samples not ignored (torch's weighted mean).
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ... import _dtype, ops
from ..._tensor import Tensor
from ...autograd.function import Function
from ...autograd.grad_mode import is_grad_enabled

_TORCH_NAMES = {
    "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
    "float16": "Half", "float32": "Float", "float64": "Double",
}
_const = Tensor._make


def torch_name(dtype: _dtype.dtype) -> str:
    """The scalar type name torch's messages use: Long, Float, Double..."""
    return _TORCH_NAMES.get(dtype.name, dtype.name)


def check_class_target(input: Tensor, target: Tensor, weight: Optional[Tensor], ignore_index: int) -> None:
    """torch's checks of a class-index target and a class weight against the input, in its order
    and with its exception types; targets out of [0, C) (other than ignore_index) raise IndexError."""
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim > 1 and (target.ndim == 0 or target.shape[0] != input.shape[0]):
        batch = target.shape[0] if target.ndim else 1
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({batch}).")
    expected = input.shape[:1] + input.shape[2:] if input.ndim > 1 else ()
    if target.shape != expected:
        if input.ndim <= 2:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        raise RuntimeError(f"Expected target size {list(expected)}, got {list(target.shape)}")
    if target.dtype.name not in ("int64", "uint8"):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {torch_name(target.dtype)}; class indices are "
            "int64 (target.long()), class probabilities a float tensor shaped like the input"
        )
    classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    if weight is not None:
        if weight.ndim != 1 or weight.shape[0] != classes:
            raise RuntimeError(
                f"weight tensor should be defined either for all {classes} classes or no classes but got "
                f"weight tensor of shape: {list(weight.shape)}"
            )
        if weight.dtype is not input.dtype:
            raise RuntimeError(f"expected scalar type {torch_name(input.dtype)} but found {torch_name(weight.dtype)}")
    t = target._data.astype(np.int64, copy=False)
    bad = (t != ignore_index) & ((t < 0) | (t >= classes))
    if bad.any():
        raise IndexError(f"Target {t[bad].flat[0]} is out of bounds.")


def _nll_forward(ctx: Any, logp: np.ndarray, target: np.ndarray, weight: Optional[np.ndarray], ignore_index: int,
                 reduction: str, smoothing: float) -> np.ndarray:
    """The reduced loss -sum_c q[n, c] logp[n, c]; keeps on ctx what `_dense_target` and
    `_scale` need for backward."""
    classes = logp.shape[1]
    target = target.astype(np.int64, copy=False)
    valid = target != ignore_index
    safe = np.where(valid, target, 0).astype(np.intp, copy=False)
    picked = np.take_along_axis(logp, safe[:, None], 1)[:, 0]
    wt = valid.astype(logp.dtype) if weight is None else weight[safe] * valid
    loss = -(wt * picked)
    if smoothing:
        spread = logp.sum(1) if weight is None else (logp * _class_column(weight, logp.ndim)).sum(1)
        loss = (1 - smoothing) * loss - (smoothing / classes) * (spread * valid)
    ctx.safe, ctx.wt, ctx.valid, ctx.weight, ctx.smoothing = safe, wt, valid, weight, smoothing
    ctx.reduction, ctx.norm = reduction, 1.0
    if reduction == "none":
        return loss
    total = np.asarray(loss.sum(), dtype=logp.dtype)
    if reduction == "sum":
        return total
    norm = wt.sum(dtype=logp.dtype)
    ctx.norm = float(norm) if norm != 0 else 1.0  # every target ignored: zero gradients, as torch
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(total / norm, dtype=logp.dtype)


def _class_column(weight: np.ndarray, ndim: int) -> np.ndarray:
    """A (C,) class weight shaped to broadcast along dim 1 of an ndim-dimensional input."""
    return weight.reshape((1, -1) + (1,) * (ndim - 2))


def _dense_target(ctx: Any, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """q[n, c] as an array of the input's shape (see the module docstring)."""
    q = np.zeros(shape, dtype)
    np.put_along_axis(q, ctx.safe[:, None], (ctx.wt * (1 - ctx.smoothing))[:, None], 1)
    if ctx.smoothing:
        spread = 1 if ctx.weight is None else _class_column(ctx.weight, len(shape))
        q += (ctx.smoothing / shape[1]) * spread * np.expand_dims(ctx.valid, 1)
    return q


def _scale(ctx: Any, grad: Tensor) -> Tensor:
    """The incoming gradient, divided by the normaliser and shaped to broadcast over classes."""
    if ctx.reduction == "none":
        return grad.unsqueeze(1)
    return grad / ctx.norm if ctx.norm != 1.0 else grad


class NllLoss(Function):
    """l_n = -sum_c q[n, c] x[n, c] over log-probabilities x;  d l_n / d x[n, c] = -q[n, c]."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction):
        ctx.shape = x.shape
        return _nll_forward(ctx, x, target, weight, ignore_index, reduction, 0.0)

    @staticmethod
    def backward(ctx, grad):
        q = _dense_target(ctx, ctx.shape, grad._data.dtype)
        return _const(-q, False, None) * _scale(ctx, grad), None, None, None, None


class CrossEntropy(Function):
    """log_softmax and NLL in one node, over dim 1 of logits x (N, C, d1, ...).

    forward: log p = (x - m) - log sum_c e^(x_c - m), m = max_c x_c, so no exp overflows;
    backward: d l_n / d x_n = (softmax(x_n) sum_c q_nc - q_n) * dl / normaliser. Under
    create_graph the softmax is recomputed from x with Tensor ops, so it differentiates again.
    """

    _array_forward = True
    backward_name = "CrossEntropyLossBackward0"

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction, smoothing):
        shifted = x - x.max(1, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
        ctx.save_for_backward(x, logp)
        return _nll_forward(ctx, logp, target, weight, ignore_index, reduction, smoothing)

    @staticmethod
    def backward(ctx, grad):
        x, logp = ctx.saved_tensors
        q = _dense_target(ctx, x.shape, x._data.dtype)
        q_total = q.sum(1, keepdims=True)
        if is_grad_enabled():
            dx = x.softmax(1) * _const(q_total, False, None) - _const(q, False, None)
        else:
            dx = _const(np.exp(logp._data) * q_total - q, False, None)
        return dx * _scale(ctx, grad), None, None, None, None, None


class BinaryCrossEntropy(Function):
    """l = -w (t log x + (1 - t) log(1 - x)), each log clamped below at -100 as torch's;
    dl/dx = w (x - t) / max(x (1 - x), 1e-12),  dl/dt = w (log(1 - x) - log x)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, t, w):
        ctx.save_for_backward(x, t, w)
        with np.errstate(divide="ignore"):
            out = (t - 1) * np.maximum(np.log1p(-x), -100) - t * np.maximum(np.log(x), -100)
        return out if w is None else out * w

    @staticmethod
    def backward(ctx, grad):
        x, t, w = ctx.saved_tensors
        g = grad if w is None else grad * w
        dx = dt = None
        if ctx.needs_input_grad[0]:
            dx = g * (x - t) / (x * (1 - x)).clamp(min=1e-12)
        if ctx.needs_input_grad[1]:
            with np.errstate(divide="ignore"):
                dt = g * ((-x).log1p() - x.log())
        return dx, dt, None


class BinaryCrossEntropyWithLogits(Function):
    """With s = softplus(-x) = max(-x, 0) + log1p(e^-|x|) (no exp overflows) and
    L = 1 + (pos_weight - 1) t:   l = w ((1 - t) x + L s);
    dl/dx = w ((1 - t) - L sigmoid(-x)),   dl/dt = w ((pos_weight - 1) s - x)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, t, w, pw):
        ctx.save_for_backward(x, t, w, pw)
        s = np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))
        out = (1 - t) * x + (s if pw is None else (1 + (pw - 1) * t) * s)
        return out if w is None else out * w

    @staticmethod
    def backward(ctx, grad):
        x, t, w, pw = ctx.saved_tensors
        g = grad if w is None else grad * w
        dx = dt = None
        if ctx.needs_input_grad[0]:
            s = (-x).sigmoid()
            dx = g * ((1 - t) - (s if pw is None else (1 + (pw - 1) * t) * s))
        if ctx.needs_input_grad[1]:
            dt = -g * x if pw is None else g * ((pw - 1) * ops.softplus(-x) - x)
        return dx, dt, None, None
