"""Leaf gradients: what a leaf's AccumulateGrad node does with the gradient it receives.

The first gradient a leaf receives becomes its `.grad` without a copy when nothing else refers
to that gradient or its array and it is in C order (torch's AccumulateGrad steals it the same
way); otherwise it is copied. Later ones are added in place. So `.grad` never shares memory with
another `.grad` or with a live tensor. Whether anything else refers to an array is read from
CPython's reference counts, calibrated at import on probes that nothing shares.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Optional

import numpy as np

from .. import _tensor
from .function import AccumulateGrad


class _Probe:
    """Holds an array the way a Tensor does, to calibrate `_refcounts`."""

    __slots__ = ("_data",)

    def __init__(self, data: np.ndarray) -> None:
        self._data = data


def _refcounts(grads: list, i: int = 0) -> tuple[int, int, int]:
    """References to `grads[i]` (a gradient Tensor or array), to its array and to that array's
    base (0 if none). Called the same way on unshared probes at import, so the baseline counts
    exactly this function's own references, on any CPython."""
    t = grads[i]
    arr = t if type(t) is np.ndarray else t._data
    base = arr.base
    return sys.getrefcount(arr), sys.getrefcount(t), 0 if base is None else sys.getrefcount(base)


def is_unshared(grads: list, i: int = 0) -> bool:
    """Whether `grads[i]` and its memory are referenced by nothing but the list `grads`, and
    lie in C order (a `.grad` keeps its parameter's layout, as torch's does). A view qualifies
    when it spans the whole of a base that nothing else holds, as the gradient of `W` in
    `x @ W.T` does when the product's backward computes it in the transposed operand's layout
    (the transpose's backward then turns it back into a C-ordered view)."""
    if _getrefcount is None:
        return False
    arrays, tensors, bases = _refcounts(grads, i)  # first: a local bound here would count too
    arr = grads[i]
    if type(arr) is np.ndarray:
        baseline = _UNSHARED_ARRAY
    else:
        baseline = _UNSHARED
        arr = arr._data
    if arrays > baseline[0] or tensors > baseline[1]:
        return False
    base = arr.base
    if base is None:
        return arr.flags.c_contiguous
    return (
        bases <= baseline[2] and type(base) is np.ndarray and base.size == arr.size
        and arr.flags.c_contiguous and arr.flags.writeable
    )


_getrefcount: Optional[Callable[[Any], int]] = getattr(sys, "getrefcount", None)
_UNSHARED: tuple[int, int, int] = _refcounts([_Probe(np.empty(1)[:])]) if _getrefcount else (0, 0, 0)
_UNSHARED_ARRAY: tuple[int, int, int] = _refcounts([np.empty(1)[:]]) if _getrefcount else (0, 0, 0)


def accumulate_grad(node: AccumulateGrad, grads: list, create_graph: bool) -> None:
    """Add the gradient `grads[0]` into the leaf's `.grad` (torch's AccumulateGrad)."""
    t = node._variable()
    if t is not None:
        current = t._grad
        if current is None:
            _first_grad(t, grads, create_graph)
        elif create_graph:
            _check_leaf_shape(t, grads[0]._data)
            t._grad = current + grads[0]
        else:
            arr = grads[0]
            if arr.shape != t._data.shape:
                _check_leaf_shape(t, arr)
            try:
                current._data += arr
            except ValueError:  # a read-only .grad (a broadcast view the user assigned)
                t._grad = _tensor.Tensor._make(current._data + arr, False, None)
            else:
                current._bump_version()
    if node._post_hooks:
        for hook in list(node._post_hooks):
            hook(t)


def _first_grad(t: Any, grads: list, create_graph: bool) -> None:
    """A leaf's first gradient becomes its `.grad`: `grads[0]` itself when nothing else refers
    to it (see `is_unshared`) and its dtype is the leaf's, else a copy."""
    keep = is_unshared(grads)  # counted before `g` is bound below, which adds a reference
    g = grads[0]
    arr = g._data if create_graph else g
    _check_leaf_shape(t, arr)
    keep = keep and arr.dtype == t._data.dtype
    if create_graph:
        t._grad = g if keep else g.clone()
    else:
        t._grad = _tensor.Tensor._make(arr if keep else np.array(arr, dtype=t._data.dtype, order="C"), False, None)


def _check_leaf_shape(t: Any, arr: np.ndarray) -> None:
    if arr.shape != t._data.shape:
        raise RuntimeError(
            f"invalid gradient for a leaf of shape {list(t._data.shape)}: got shape {list(arr.shape)}"
        )
