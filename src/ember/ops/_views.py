"""In-place writes through views, as torch handles them (its `CopySlices` node).

`b = h[1]` shares h's memory, so `b.mul_(2)` changes h too; h's history must then say so, or
h's gradient would skip the multiplication. The view ops (indexing, permute, reshape) record
each view of a tensor that requires grad, with the function that takes the view; after an
in-place op on a view, `rebase` gives the base (and its base, ...) a `CopySlices` node: the
gradient inside the view's region flows to the view's new history, the rest to the old one.
"""

from __future__ import annotations

import weakref
from typing import Any, Callable

import numpy as np

from ..autograd.function import Function

# id(view) -> (weak reference to the view, its base, the function that takes the view from a
# tensor shaped like the base). Keyed by id: a WeakKeyDictionary would compare tensors with
# their elementwise ==. The entry goes when the view does.
_bases: dict[int, tuple[Any, Any, Callable[[Any], Any]]] = {}


def track(out: Any, input: Any, take: Callable[[Any], Any]) -> Any:
    """Remember that `out = take(input)` views input's memory, when a graph was recorded."""
    if out._requires_grad and out._version_counter is input._version_counter:
        key = id(out)
        _bases[key] = (weakref.ref(out, lambda _, key=key: _bases.pop(key, None)), input, take)
    return out


def _base_of(t: Any) -> Any:
    entry = _bases.get(id(t))
    return entry if entry is not None and entry[0]() is t else None


def leaf_base(t: Any) -> bool:
    """Whether t views (through any chain of views) a leaf that requires grad."""
    entry = _base_of(t) if _bases else None
    while entry is not None:
        base = entry[1]
        if base.grad_fn is None and base._requires_grad:
            return True
        entry = _base_of(base)
    return False


def rebase(view: Any) -> None:
    """After an in-place op recorded a new history on `view`, give its bases matching ones."""
    entry = _base_of(view) if _bases else None
    while entry is not None:
        _, base, take = entry
        old = base._make(base._data, base._requires_grad, base.grad_fn)
        old._output_nr = base._output_nr
        new = CopySlices.apply(old, view, take)
        base.grad_fn, base._requires_grad, base._output_nr = new.grad_fn, True, 0
        view, entry = base, _base_of(base)


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
