"""The fused affine map y = x W^T + b (`nn.functional.linear` applies it)."""

from __future__ import annotations

from ..autograd.function import Function
from ._util import sum_to


class Linear(Function):
    """y = x W^T + b for x of shape (*, in), W (out, in), b (out,) or None.

    With X and dY the input and output gradient flattened to (N, in) and (N, out):
        dx = dy W,   dW = dY^T X,   db = sum over rows of dY.
    One node instead of transpose, matmul and add: a single GEMM each way and no
    broadcast-then-sum for the bias (a bias of shape () or (1,) gets the total).
    """

    _array_forward = True

    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        ctx.bias_shape = None if bias is None else bias.shape
        if x.ndim > 2:
            out = (x.reshape(-1, x.shape[-1]) @ weight.T).reshape(x.shape[:-1] + (weight.shape[0],))
        else:
            out = x @ weight.T
        if bias is not None:
            out += bias
        return out

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        flat = grad.reshape(-1, weight.shape[0])
        dx = (flat @ weight).reshape(x.shape) if need_x else None
        dw = flat.mT @ x.reshape(-1, weight.shape[1]) if need_w else None
        db = sum_to(flat, ctx.bias_shape) if need_b else None
        return dx, dw, db

    backward_arrays = backward
