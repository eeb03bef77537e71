"""In-place writes through views, as torch handles them (its `CopySlices` node).

`b = h[1]` shares h's memory, so `b.mul_(2)` changes h too; h's history must then say so, or
h's gradient would skip the multiplication. The view ops (indexing, permute, reshape) give each
view they make its base and the function that takes the view (`_view`); after an in-place op
on a view, `rebase` gives the base (and its base, ...) a `CopySlices` node: the gradient inside
the view's region flows to the view's new history, the rest to the old one. A base that needed
no gradient gets one too when a value that does is written through the view, as in torch.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..autograd.function import Function


def track(out: Any, input: Any, take: Callable[[Any], Any]) -> Any:
    """Remember on `out`, when it views input's memory, that it is `take(input)`: its `_view`
    is (input, take). The view holds its base, as the array's `.base` already does."""
    vc = out._vc
    if vc is not None and vc is input._vc:
        out._view = (input, take)
    return out


def track_pieces(pieces: tuple, input: Any) -> tuple:
    """Mark the pieces of a multi-output view op (split, unbind) as views of input that no
    recorded in-place op may write into (`take` None), as torch refuses."""
    for piece in pieces:
        track(piece, input, None)
    return pieces


def in_multi_view(t: Any) -> bool:
    """Whether t is (or views) a piece of a multi-output view op: no recorded in-place op may
    write into it."""
    link = t._view
    while link is not None:
        if link[1] is None:
            return True
        link = link[0]._view
    return False


def leaf_base(t: Any) -> bool:
    """Whether t views (through any chain of views) a leaf that requires grad."""
    link = t._view
    while link is not None:
        base = link[0]
        if base.grad_fn is None and base._requires_grad:
            return True
        link = base._view
    return False


def rebase(view: Any) -> None:
    """After an in-place op recorded a new history on `view`, give its bases matching ones: a
    base that needed no gradient before needs one now, when the values written into it do."""
    link = view._view
    while link is not None:
        base, take = link
        old = base._make(base._data, base._requires_grad, base.grad_fn)
        old._output_nr = base._output_nr
        new = CopySlices.apply(old, view, take)
        base.grad_fn, base._requires_grad, base._output_nr = new.grad_fn, new._requires_grad, 0
        view, link = base, base._view


class CopySlices(Function):
    """base with a view's region holding the view's new values (already written, as the memory
    is shared);  dbase = dy with the region zeroed,  dview = the region of dy."""

    _array_forward = True
    backward_name = "CopySlices"

    @staticmethod
    def forward(ctx, base, values, take):
        ctx.take, ctx.shape = take, base.shape
        return base

    @staticmethod
    def backward(ctx, grad):
        dbase = None
        if ctx.needs_input_grad[0]:
            outside = grad._make(np.ones(ctx.shape, dtype=grad._data.dtype), False, None)
            ctx.take(outside)._data[...] = 0
            dbase = grad * outside
        dview = ctx.take(grad) if ctx.needs_input_grad[1] else None
        return dbase, dview, None
