"""Two parts of torch's Function protocol beside the classic one:

- torch 2's `setup_context`: a Function that overrides it has `forward(*args)` without ctx;
  `apply` binds its arguments to forward's signature (defaults filled in, keyword arguments
  made positional, as torch does), calls `forward(*args)`, then
  `setup_context(ctx, inputs=args, output=output)`, where ctx is the node (or a scratch ctx when
  nothing requires grad). `install` sets this up when the subclass is defined.
- `ctx.mark_dirty(*tensors)`: forward changed these inputs in place and returns them. Each
  returned dirty input becomes that output itself, its history rebased onto the node and its
  version bumped; a leaf that requires grad cannot be changed so (`rebase_dirty`).
"""

from __future__ import annotations

import inspect
from typing import Any

_LEAF_IN_PLACE = "a leaf Variable that requires grad has been used in an in-place operation."


def install(cls: Any) -> None:
    """Make `cls.apply` call `forward(*args)` and then `setup_context(ctx, args, output)`."""
    signature = inspect.signature(cls.forward)
    plain_apply = cls.apply.__func__

    def apply(klass: Any, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return plain_apply(klass, *bound.args)

    def forward_ctx(klass: Any, ctx: Any, *args: Any) -> Any:
        output = klass.forward(*args)
        klass.setup_context(ctx, args, output)
        return output

    cls.apply = classmethod(apply)
    cls._forward_ctx = classmethod(forward_ctx)


def check_dirty(dirty: tuple, args: tuple) -> None:
    """torch refuses to mark dirty a leaf that requires grad (its value would be lost to autograd)."""
    for t in dirty:
        if t.grad_fn is None and t.requires_grad and any(t is a for a in args):
            raise RuntimeError(_LEAF_IN_PLACE)


def rebase_dirty(node: Any, raws: tuple, outs: tuple) -> tuple:
    """The outputs, with each dirty input forward returned replaced by that input, now an
    output of `node` (grad_fn, output_nr, requires_grad) at a bumped version."""
    result = list(outs)
    for i, raw in enumerate(raws):
        for t in node._dirty:
            if raw is t:
                out = outs[i]
                t._requires_grad = out._requires_grad
                t.grad_fn = out.grad_fn
                t._output_nr = out._output_nr
                t._bump_version()
                result[i] = t
    return tuple(result)
