"""Comparisons and logic (no gradient: their results are bool), and the differentiable
selections maximum, minimum and clamp."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..autograd.function import Function
from .._dtype import result_type
from .._convert import checked_number, checked_scalar
from ._util import apply_binary, as_tensor_arg, broadcast_error, is_tensor, sum_to, wrap_ints
from .index import Where


class _Compare(Function):
    """A bool-valued elementwise function: not differentiable, records no graph."""

    _array_forward = True
    _fn: Any = None

    @classmethod
    def forward(cls, ctx, a, b):
        return cls._fn(a, b)


class Eq(_Compare):
    _fn = staticmethod(np.equal)


class Ne(_Compare):
    _fn = staticmethod(np.not_equal)


class Lt(_Compare):
    _fn = staticmethod(np.less)


class Le(_Compare):
    _fn = staticmethod(np.less_equal)


class Gt(_Compare):
    _fn = staticmethod(np.greater)


class Ge(_Compare):
    _fn = staticmethod(np.greater_equal)


def _compare(fn: type, a: Any, b: Any) -> Any:
    """A comparison records no graph. A Python int beyond an integer tensor's dtype is wrapped
    into it first, as torch casts it (uint8 < 300 compares with 44), where NumPy compares the
    true values."""
    a = a.detach() if hasattr(a, "detach") else a
    b = b.detach() if hasattr(b, "detach") else b
    if type(a) is int or type(b) is int:
        a, b = wrap_ints(a, b)
    return apply_binary(fn, a, b)


def eq(input: Any, other: Any) -> Any:
    return _compare(Eq, input, other)


def ne(input: Any, other: Any) -> Any:
    return _compare(Ne, input, other)


def lt(input: Any, other: Any) -> Any:
    return _compare(Lt, input, other)


def le(input: Any, other: Any) -> Any:
    return _compare(Le, input, other)


def gt(input: Any, other: Any) -> Any:
    return _compare(Gt, input, other)


def ge(input: Any, other: Any) -> Any:
    return _compare(Ge, input, other)


def _unary_bool(fn: Any, input: Any) -> Any:
    return input._make(np.asarray(fn(input._data)), False, None)


def isnan(input: Any) -> Any:
    return _unary_bool(np.isnan, input)


def isinf(input: Any) -> Any:
    return _unary_bool(np.isinf, input)


def isfinite(input: Any) -> Any:
    return _unary_bool(np.isfinite, input)


def logical_not(input: Any) -> Any:
    return _unary_bool(np.logical_not, input)


def _logic(fn: Any, input: Any, other: Any) -> Any:
    other = as_tensor_arg(other)
    b = other._data if hasattr(other, "_data") else other
    try:
        return input._make(np.asarray(fn(input._data, b)), False, None)
    except TypeError:
        # torch's error type for a kernel with no float version
        raise NotImplementedError(f"{fn.__name__} is only supported for integer and bool tensors, got {input.dtype}") from None


def logical_and(input: Any, other: Any) -> Any:
    return _logic(np.logical_and, input, other)


def logical_or(input: Any, other: Any) -> Any:
    return _logic(np.logical_or, input, other)


def logical_xor(input: Any, other: Any) -> Any:
    return _logic(np.logical_xor, input, other)


def bitwise_and(input: Any, other: Any) -> Any:
    return _logic(np.bitwise_and, input, other)


def bitwise_or(input: Any, other: Any) -> Any:
    return _logic(np.bitwise_or, input, other)


def bitwise_xor(input: Any, other: Any) -> Any:
    return _logic(np.bitwise_xor, input, other)


def bitwise_not(input: Any) -> Any:
    if input.is_floating_point():
        raise NotImplementedError(f"bitwise_not is only supported for integer and bool tensors, got {input.dtype}")
    return _unary_bool(np.invert, input)


def invert(input: Any) -> Any:
    """The ~ operator: bitwise not, which Python's operator refuses for floats with TypeError."""
    if input.is_floating_point():
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return bitwise_not(input)


def all(input: Any, dim: Optional[int] = None, keepdim: bool = False) -> Any:
    """True where every element is nonzero; bool, but uint8 for a uint8 input, as in torch."""
    return _truth(np.all, input, dim, keepdim)


def any(input: Any, dim: Optional[int] = None, keepdim: bool = False) -> Any:
    """True where some element is nonzero; bool, but uint8 for a uint8 input, as in torch."""
    return _truth(np.any, input, dim, keepdim)


def _truth(fn: Any, input: Any, dim: Any, keepdim: bool) -> Any:
    out = np.asarray(fn(input._data, axis=dim, keepdims=keepdim))
    return input._make(out.astype(np.uint8) if input._data.dtype == np.uint8 else out, False, None)


class Maximum(Function):
    """max(a, b) elementwise;  the gradient goes to the larger, half to each on a tie (torch)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _split_by(grad, a > b, a < b, a == b, a.shape, b.shape, ctx.needs_input_grad)


class Minimum(Function):
    """min(a, b) elementwise;  the gradient goes to the smaller, half to each on a tie (torch)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _split_by(grad, a < b, a > b, a == b, a.shape, b.shape, ctx.needs_input_grad)


def _split_by(grad: Any, wins: Any, loses: Any, tie: Any, sa: tuple, sb: tuple, needs: tuple) -> tuple:
    """torch's rule: a side gets dy where it wins, dy/2 on a tie, 0 where it loses (selected, so
    an inf or nan dy leaves the loser 0); a comparison with nan loses on neither side."""
    shared = Where.apply(tie, grad * 0.5, grad)
    da = sum_to(Where.apply(loses, 0.0, shared), sa) if needs[0] else None
    db = sum_to(Where.apply(wins, 0.0, shared), sb) if needs[1] else None
    return da, db


class Clamp(Function):
    """min(max(x, lo), hi);  d/dx = 1 where lo <= x <= hi, else 0."""

    _array_forward = True
    backward_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = lo, hi
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        keep = x == x
        if ctx.lo is not None:
            keep = keep & (x >= ctx.lo)
        if ctx.hi is not None:
            keep = keep & (x <= ctx.hi)
        return Where.apply(keep, grad, 0.0), None, None  # selected: an inf dy outside stays out

    backward_arrays = backward


class ClampTensor(Function):
    """min(max(x, lo), hi) for tensor bounds lo and hi that broadcast with x (either may be None);
    d/dx = 1 where lo <= x <= hi;  d/dlo = 1 where x < lo < hi;  d/dhi = 1 where x > hi or
    hi < lo (lo > hi makes every result hi). An element at a bound keeps its gradient in x, and
    a NaN anywhere gives NaN with no gradient to anyone (every comparison with it is false)."""

    _array_forward = True
    _number_edge = None  # an absent bound is listed in next_functions as (None, 0), as in torch
    backward_name = "ClampBackward0"

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x, lo, hi)
        out = x if lo is None else np.maximum(x, lo)
        return out if hi is None else np.minimum(out, hi)

    @staticmethod
    def backward(ctx, grad):
        x, lo, hi = ctx.saved_tensors
        dx, dlo, dhi = ctx.needs_input_grad
        gx = glo = ghi = None
        if dx:
            inside = x <= hi if lo is None else (x >= lo if hi is None else (x >= lo) & (x <= hi))
            gx = sum_to(Where.apply(inside, grad, 0.0), x.shape)
        if dlo:
            below = x < lo if hi is None else (x < lo) & (lo < hi)
            glo = sum_to(Where.apply(below, grad, 0.0), lo.shape)
        if dhi:
            above = x > hi if lo is None else (x > hi) | (hi < lo)
            ghi = sum_to(Where.apply(above, grad, 0.0), hi.shape)
        return gx, glo, ghi

    backward_arrays = backward


def maximum(input: Any, other: Any) -> Any:
    return apply_binary(Maximum, input, other)


def minimum(input: Any, other: Any) -> Any:
    return apply_binary(Minimum, input, other)


def clamp(input: Any, min: Any = None, max: Any = None) -> Any:
    """Each element of input limited to [min, max]: numbers, or tensors that broadcast with input
    (not one of each, as in torch); min > max gives max everywhere."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if is_tensor(min) or is_tensor(max):
        return _clamp_tensors(input, min, max)
    min, max = (b.item() if isinstance(b, np.generic) else b for b in (min, max))
    target = result_type(input, *[b for b in (min, max) if b is not None])
    # bounds checked as torch converts them: uint8 refuses 300 and reads -1 as 255, float32
    # refuses 1e300; a float bound stays a number (weak, as torch's scalar is)
    check = checked_number if target.is_floating_point else checked_scalar
    min, max = (None if b is None else check(b, target) for b in (min, max))
    return Clamp.apply(input if target is input.dtype else input.to(target), min, max)


def _clamp_tensors(input: Any, min: Any, max: Any) -> Any:
    bounds = [b for b in (min, max) if b is not None]
    shape = input._data.shape
    for b in bounds:
        if not is_tensor(b):
            got = ", ".join(["Tensor" if is_tensor(a) else type(a).__name__ for a in (input, min, max)])
            raise TypeError(
                f"clamp() received an invalid combination of arguments - got ({got}): min and max "
                "must both be Tensors (or None) or both numbers (or None)"
            )
        try:
            shape = np.broadcast_shapes(shape, b._data.shape)
        except ValueError:
            raise broadcast_error(shape, b._data.shape) from None
    target = result_type(input, *bounds)
    lo, hi = (None if b is None else b.to(target) for b in (min, max))
    return ClampTensor.apply(input.to(target), lo, hi)
