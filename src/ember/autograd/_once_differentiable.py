"""`once_differentiable`: for a Function whose backward cannot itself be differentiated."""

from __future__ import annotations

import functools
from typing import Any, Callable

from . import grad_mode

_TWICE = "trying to differentiate twice a function that was marked with @once_differentiable"


def once_differentiable(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a Function's `backward`: it runs under no_grad, and when a graph of the
    backward was asked for (`create_graph=True`) its gradients come out of a node whose own
    backward raises "trying to differentiate twice a function that was marked with
    @once_differentiable", so a second differentiation fails loudly instead of silently
    giving zero.

    >>> @staticmethod
    ... @once_differentiable
    ... def backward(ctx, grad): ...
    """

    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any) -> Any:
        with grad_mode.no_grad():
            outputs = fn(ctx, *args)
        if not grad_mode.is_grad_enabled():
            return outputs
        if not any(getattr(a, "requires_grad", False) for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        outputs = (outputs,) if single else outputs
        aliases = [None if o is None else o.detach().requires_grad_(True) for o in outputs]
        kept = [a for a in aliases if a is not None]
        from ..ops.delayed_error import DelayedError  # ops import autograd: bound on this rare path

        result = DelayedError.apply(_TWICE, *kept) if kept else ()
        result = list(result) if isinstance(result, tuple) else [result]
        wrapped = tuple(None if a is None else result.pop(0) for a in aliases)
        return wrapped[0] if single else wrapped

    return wrapper
