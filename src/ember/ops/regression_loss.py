"""The fused regression losses torch records as one node each: `mse_loss` (MseLossBackward0),
`smooth_l1_loss` (SmoothL1LossBackward0) and `huber_loss` (HuberLossBackward0), on inputs of
one shape (`nn.functional.loss` broadcasts them first, as torch's broadcast_tensors does).

Each takes its reduction: 'none' keeps the elementwise loss, 'sum' adds, 'mean' divides the sum
by n, the element count, and the gradient is scaled by norm = 1/n for 'mean' (1 otherwise), in
torch's order: norm * (derivative of the elementwise loss) * grad. The reference rules are Tensor
expressions of the inputs (so they differentiate again); the array rules are the same formulas.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.function import Function
from .index import where

_MEAN, _SUM = "mean", "sum"


def _reduce(loss: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == _MEAN:
        return np.asarray(np.mean(loss))
    return np.asarray(loss.sum()) if reduction == _SUM else loss


def _norm(ctx: Any) -> float:
    return 1.0 / ctx.n if ctx.reduction == _MEAN else 1.0


def _input_grads(ctx: Any, dx: Any) -> tuple[Any, Any]:
    """(d/dinput, d/dtarget) = (dx, -dx), each where its input needs one."""
    need_x, need_t = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
    return (dx if need_x else None), (-dx if need_t else None)


class MseLoss(Function):
    """l = (x - y)^2 per element, reduced;  dl/dx = norm * 2 (x - y) * grad,  dl/dy = -dl/dx."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, y, reduction):
        ctx.save_for_backward(x, y)
        ctx.reduction, ctx.n = reduction, x.size
        diff = x - y
        return _reduce(diff * diff, reduction)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return (*_input_grads(ctx, 2.0 * _norm(ctx) * (x - y) * grad), None)

    backward_arrays = backward


def _clipped_grads(ctx: Any, grad: Any, choose: Any) -> tuple:
    """The input gradients of smooth-l1 and Huber: with (limit, outer, inner) = ctx.slopes, the
    slope is -outer below -limit, outer above limit and inner * (x - y) between; `choose` is
    `where` on Tensors (the reference rule) or np.where on arrays."""
    x, y = ctx.saved_tensors
    limit, outer, inner = ctx.slopes
    diff = x - y
    slope = choose(diff < -limit, -outer, choose(diff > limit, outer, inner * diff))
    return (*_input_grads(ctx, slope * grad), None, None)


class SmoothL1Loss(Function):
    """With z = |x - y|: l = 0.5 z^2 / beta where z < beta, else z - 0.5 beta (beta > 0);
    dl/dx = norm * grad * ((x - y) / beta where z < beta, else sign(x - y)),  dl/dy = -dl/dx."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, y, reduction, beta):
        ctx.save_for_backward(x, y)
        ctx.reduction, ctx.n = reduction, x.size
        norm = _norm(ctx)
        ctx.slopes = (beta, norm, norm / beta)
        z = np.abs(x - y)
        return _reduce(np.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta), reduction)

    @staticmethod
    def backward(ctx, grad):
        return _clipped_grads(ctx, grad, where)

    @staticmethod
    def backward_arrays(ctx, grad):
        return _clipped_grads(ctx, grad, np.where)


class HuberLoss(SmoothL1Loss):
    """With z = |x - y|: l = 0.5 z^2 where z < delta, else delta (z - 0.5 delta);
    dl/dx = norm * grad * (x - y clamped to [-delta, delta]),  dl/dy = -dl/dx (smooth-l1's rule
    with its slopes: delta outside, 1 inside)."""

    @staticmethod
    def forward(ctx, x, y, reduction, delta):
        ctx.save_for_backward(x, y)
        ctx.reduction, ctx.n = reduction, x.size
        norm = _norm(ctx)
        ctx.slopes = (delta, norm * delta, norm)
        z = np.abs(x - y)
        return _reduce(np.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta)), reduction)
