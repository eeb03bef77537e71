"""Integer-only elementwise ops: shifts, gcd and lcm. None is differentiable.

Shifts follow torch where C leaves them undefined: a shift by a negative amount or by at least
the width of the dtype gives 0 to the left, and the sign fill (0 or -1) to the right."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._dtype import torch_name
from ._util import as_torch_error, promote


def _integer_operands(kernel: str, input: Any, other: Any) -> tuple[Any, np.ndarray, np.ndarray]:
    """The promoted operands (the tensor one first) and their arrays; floats are refused."""
    a, b = promote(input, other)
    like = a if hasattr(a, "_data") else b
    if like._data.dtype.kind == "f" or (type(a) is float or type(b) is float):
        raise NotImplementedError(f'"{kernel}" not implemented for \'{torch_name(like.dtype)}\'')
    arrays = [x._data if hasattr(x, "_data") else np.asarray(x) for x in (a, b)]
    return like, arrays[0], arrays[1]


def _result(like: Any, values: np.ndarray) -> Any:
    return like._make(values.astype(like._data.dtype, copy=False), False, None)


def _shift(kernel: str, left: bool, input: Any, other: Any) -> Any:
    like, a, s = _integer_operands(kernel, input, other)
    try:
        a, s = np.broadcast_arrays(a, s)
    except ValueError as e:
        raise as_torch_error(e, input, other) from None
    if a.dtype.kind == "b":
        a = a.astype(np.uint8)
    bits = a.dtype.itemsize * 8
    valid = (s >= 0) & (s < bits)
    safe = np.where(valid, s, 0).astype(a.dtype)
    if left:
        out = np.where(valid, np.left_shift(a, safe), 0)
    else:
        fill = np.where(a < 0, -1, 0) if a.dtype.kind == "i" else 0
        out = np.where(valid, np.right_shift(a, safe), fill)
    return _result(like, out.astype(a.dtype, copy=False))


def bitwise_left_shift(input: Any, other: Any) -> Any:
    """input * 2^other in the integer dtype (bits shifted out are lost)."""
    return _shift("lshift_cpu", True, input, other)


def bitwise_right_shift(input: Any, other: Any) -> Any:
    """floor(input / 2^other): an arithmetic shift, keeping the sign of signed integers."""
    return _shift("rshift_cpu", False, input, other)


def gcd(input: Any, other: Any) -> Any:
    """The greatest common divisor, >= 0; gcd(0, 0) = 0."""
    like, a, b = _integer_operands("gcd_cpu", input, other)
    return _result(like, np.gcd(a, b))


def lcm(input: Any, other: Any) -> Any:
    """The least common multiple, >= 0; 0 when either is 0."""
    like, a, b = _integer_operands("lcm_cpu", input, other)
    return _result(like, np.lcm(a, b))
