"""What every masked operation shares: the canonical mask (the mask broadcast to the input's
shape, as bool), the identity that replaces masked-out elements, and the reduced dims.

A masked reduction is the plain reduction of `where(mask, input, identity)`: masked-out
elements are replaced by the value that leaves the reduction unchanged (0 for sum, 1 for prod,
-inf for amax, ...), so their gradient is 0 and the masked-in elements get the plain gradient.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

from .. import _dtype
from .._creation import tensor
from ..ops import broadcast_to, where

DimOrDims = Optional[Union[int, Sequence[int]]]

_INTEGER_TO_INT64 = ("uint8", "bool", "int8", "int16", "int32")


def canonical_dim(dim: DimOrDims, ndim: int) -> tuple[int, ...]:
    """dim as a sorted tuple of non-negative dims; None or () is every dim (a 0-d input has
    the one dim 0 for range checks, as torch's reductions do)."""
    if dim is None or dim == ():
        return tuple(range(ndim))
    bound = max(ndim, 1)
    dims: list[int] = []
    for d in (dim,) if isinstance(dim, int) else dim:
        if d in dims:
            raise RuntimeError(f"dim={d} appears multiple times in the list of dims")
        if d >= bound or d < -bound:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-bound}, {bound - 1}], but got {d})")
        dims.append(d % bound)
    return tuple(sorted(dims))


def input_mask(input: Any, mask: Any) -> Any:
    """mask broadcast to input's shape, as bool; a mask of more dims than input is refused."""
    if mask.shape != input.shape:
        if mask.ndim > input.ndim:
            raise IndexError("_input_mask expected broadcastable mask (got mask dimensionality higher than of the input)")
        mask = broadcast_to(mask.clone(), input.shape)
    return mask.to(dtype=_dtype.bool_)


def sum_dtype(input: Any, dtype: Optional[_dtype.dtype]) -> _dtype.dtype:
    """The result dtype of a masked sum or prod: dtype, else input's, integers and bool as int64."""
    if dtype is not None:
        return dtype
    return _dtype.int64 if input.dtype.name in _INTEGER_TO_INT64 else input.dtype


def identity(op: str, input: Any, ord: Any = 2) -> Any:
    """The 0-d identity of reduction `op` in input's dtype: op(identity, x) == x for every x."""
    dtype = input.dtype
    numpy_type = dtype.numpy
    integer = dtype.name != "bool" and not dtype.is_floating_point
    if op in ("sum", "cumsum"):
        value: Any = 0
    elif op in ("prod", "cumprod"):
        value = 1
    elif op in ("amax", "argmax", "logaddexp", "logsumexp") and (dtype.is_floating_point or integer):
        value = -np.inf if dtype.is_floating_point else np.iinfo(numpy_type).min
    elif op in ("amin", "argmin") and (dtype.is_floating_point or integer):
        value = np.inf if dtype.is_floating_point else np.iinfo(numpy_type).max
    elif op == "norm":
        if ord == float("-inf") and not dtype.is_floating_point:
            raise AssertionError(f"input must be floating point, got {dtype}")
        value = np.inf if ord == float("-inf") else 0
    elif op == "median":
        return tensor(np.nan, dtype=dtype if dtype.is_floating_point else _dtype.float32)
    else:
        raise NotImplementedError(f"identity of {op} on {dtype} input")
    return tensor(value, dtype=dtype)


def combine(op: str, input: Any, mask: Any, ord: Any = 2) -> Any:
    """input with its masked-out elements replaced by op's identity (input itself without a mask)."""
    if mask is None:
        return input
    return where(input_mask(input, mask), input, identity(op, input, ord))
