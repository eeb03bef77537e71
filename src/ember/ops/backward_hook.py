"""The identity node that module backward hooks hang on (see `ember.nn.modules._hooks`)."""

from __future__ import annotations

from ..autograd.function import Function


class BackwardHookFunction(Function):
    """Identity on several tensors, y_i = x_i;  dx = callback(dy): the gradients as the callback
    returns them (the hooks' replacements, or dy itself)."""

    @staticmethod
    def forward(ctx, callback, *tensors):
        ctx.callback = callback
        return tuple(t.detach() for t in tensors)

    @staticmethod
    def backward(ctx, *grads):
        return (None,) + tuple(ctx.callback(grads))
