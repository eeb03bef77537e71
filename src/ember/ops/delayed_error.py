"""`DelayedError`: the node `autograd.function.once_differentiable` puts after a backward whose
own graph cannot be differentiated."""

from __future__ import annotations

from typing import Any

from ..autograd.function import Function


class DelayedError(Function):
    """Identity forward; its derivative is not defined: differentiating through it raises
    `message` (torch's `_functions.DelayedError`, whose node is named Error)."""

    backward_name = "Error"

    @staticmethod
    def forward(ctx: Any, message: str, *inputs: Any) -> Any:
        ctx.message = message
        return inputs if len(inputs) > 1 else inputs[0]

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        raise RuntimeError(ctx.message)
