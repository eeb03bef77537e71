"""The nodes `nn.functional.linear` records, as torch records them: y = x W^T + b on a 2-D x is
`AddmmBackward0` (bias, x, W^T) with W behind `TBackward0`, and `MmBackward0` (x, W^T) without a
bias; other ranks are viewed to 2-D around them (see `nn.functional.linear`).

The weight gradient is formed in W's layout, (dY^T X)^T, so the transpose node hands a
contiguous (out, in) array to W: the same GEMMs as one fused node, plus the transpose's O(1) view.
"""

from __future__ import annotations

from typing import Optional

from .._tensor import Tensor
from ..autograd.function import Function
from ._util import sum_to
from .shape import Reshape


def _save(ctx, x, wt, need_x: bool, need_wt: bool) -> None:
    """Keep only what the gradients asked for need, as torch does: X for dWt, Wt for dX (so an
    in-place change of the weight after the forward is an error only when dX needs it)."""
    ctx.save_for_backward(x if need_wt else None, wt if need_x else None)


def _mm_grads(ctx, grad, need_x: bool, need_wt: bool) -> tuple:
    """d(x @ wt): dx = dY wt^T,  d(wt) = X^T dY, computed as (dY^T X)^T (W's layout)."""
    x, wt = ctx.saved_tensors
    dx = grad @ wt.mT if need_x else None
    dwt = (grad.mT @ x).mT if need_wt else None
    return dx, dwt


class WeightT(Function):
    """W^T of the 2-D weight, a view (TBackward0, as `Tensor.t()` records it);  dW = dY^T.
    `t()` itself goes through the general permutation; this is its 2-D case without the
    dimension bookkeeping, on the path of every linear layer."""

    _array_forward = True
    _is_view = True
    backward_name = "TBackward0"

    @staticmethod
    def forward(ctx, w):
        return w.T

    @staticmethod
    def backward(ctx, grad):
        return grad.mT

    backward_arrays = backward


class LinearAddmm(Function):
    """y = b + X Wt for X (N, in), Wt = W^T (in, out), b (out,), () or (1,);
    db = sum over rows of dY,  dX = dY Wt^T,  dWt = X^T dY."""

    _array_forward = True
    backward_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, bias, x, wt):
        if ctx.needs_input_grad:  # empty when no graph is recorded
            _save(ctx, x, wt, *ctx.needs_input_grad[1:])
        ctx.bias_shape = bias.shape
        out = x @ wt
        out += bias
        return out

    @staticmethod
    def backward(ctx, grad):
        need_b, need_x, need_wt = ctx.needs_input_grad
        dx, dwt = _mm_grads(ctx, grad, need_x, need_wt)
        return (sum_to(grad, ctx.bias_shape) if need_b else None), dx, dwt

    backward_arrays = backward


class LinearMm(Function):
    """y = X Wt for X (N, in), Wt = W^T (in, out);  dX = dY Wt^T,  dWt = X^T dY."""

    _array_forward = True
    backward_name = "MmBackward0"

    @staticmethod
    def forward(ctx, x, wt):
        if ctx.needs_input_grad:  # empty when no graph is recorded
            _save(ctx, x, wt, *ctx.needs_input_grad)
        return x @ wt

    @staticmethod
    def backward(ctx, grad):
        return _mm_grads(ctx, grad, *ctx.needs_input_grad)

    backward_arrays = backward


class UnsafeView(Reshape):
    """The reshape back to (*, out) after a bias-free linear, named as torch's matmul names it;
    dx = dy reshaped back."""

    backward_name = "UnsafeViewBackward0"


class SqueezeLast(Reshape):
    """The squeeze of the 1-row product of a 1-D input, named as torch's matmul names it;
    dx = dy reshaped back."""

    backward_name = "SqueezeBackward4"


def affine(input: Tensor, weight: Tensor, bias: Optional[Tensor]) -> Tensor:
    """input W^T + b for a checked input (*, in), W (out, in), b (out,) or None, through the
    nodes torch records (see `nn.functional.linear`)."""
    wt = WeightT.apply(weight)
    if input.ndim == 2:
        return LinearMm.apply(input, wt) if bias is None else LinearAddmm.apply(bias, input, wt)
    shape = input._data.shape[:-1] + (wt._data.shape[1],)
    if bias is not None:
        return LinearAddmm.apply(bias, input.reshape(-1, input._data.shape[-1]), wt).reshape(shape)
    if input.ndim == 1:
        return SqueezeLast.apply(LinearMm.apply(input.unsqueeze(0), wt), shape)
    return UnsafeView.apply(LinearMm.apply(input.reshape(-1, input._data.shape[-1]), wt), shape)
