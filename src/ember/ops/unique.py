"""Distinct values and sorted positions: unique, unique_consecutive, searchsorted, bucketize.

None has a gradient (torch defines none for them either): the results are constants.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .. import _tensor
from ._util import normalize_dims


def _const(array: np.ndarray) -> Any:
    return _tensor.Tensor._make(np.array(array), False, None)


def _count(shape: tuple, skip: int) -> int:
    """The number of elements of `shape` without dim `skip` (a reshape's -1 fails on an empty array)."""
    return int(np.prod(shape[:skip] + shape[skip + 1:]))


def _results(values: Any, inverse: Any, counts: Any, return_inverse: bool, return_counts: bool) -> Any:
    extra = ([inverse] if return_inverse else []) + ([counts] if return_counts else [])
    return (values, *extra) if extra else values


def unique(
    input: Any, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False, dim: Optional[int] = None
) -> Any:
    """The distinct values (or slices along dim), sorted; optionally where each element went
    (inverse, in input's shape) and how often each value occurs. ember always sorts, as torch
    does on the CPU."""
    x = input._data
    if dim is None:
        values, inverse, counts = np.unique(x.reshape(-1), return_inverse=True, return_counts=True)
        inverse = inverse.reshape(x.shape)
    else:
        d = normalize_dims(dim, x.ndim)[0]
        values, inverse, counts = np.unique(x, return_inverse=True, return_counts=True, axis=d)
        inverse = inverse.reshape(-1)
    return _results(_const(values), _const(inverse.astype(np.int64)),
                    _const(counts.astype(np.int64)), return_inverse, return_counts)


def unique_consecutive(
    input: Any, return_inverse: bool = False, return_counts: bool = False, dim: Optional[int] = None
) -> Any:
    """Each run of equal consecutive values (or slices along dim) reduced to one."""
    x = input._data
    d = None if dim is None else normalize_dims(dim, x.ndim)[0]
    rows = x.reshape(-1, 1) if d is None else np.moveaxis(x, d, 0).reshape(x.shape[d], _count(x.shape, d))
    starts = np.ones(rows.shape[0], bool)
    starts[1:] = (rows[1:] != rows[:-1]).any(axis=1)
    first = np.flatnonzero(starts)
    inverse = np.cumsum(starts) - 1
    counts = np.diff(np.append(first, rows.shape[0]))
    values = x.reshape(-1)[first] if d is None else np.take(x, first, axis=d)
    if d is None:
        inverse = inverse.reshape(x.shape)
    return _results(_const(values), _const(inverse.astype(np.int64)),
                    _const(counts.astype(np.int64)), return_inverse, return_counts)


def searchsorted(
    sorted_sequence: Any, input: Any, *, out_int32: bool = False, right: bool = False,
    side: Optional[str] = None, sorter: Any = None,
) -> Any:
    """For each value, the index where it would be inserted into the (last-dim) sorted sequence
    to keep it sorted: before equal values, or after them with right=True / side='right'."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError(
                "torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True"
            )
        right = side == "right"
    seq = sorted_sequence._data
    if sorter is not None:
        if sorter.shape != sorted_sequence.shape:
            raise RuntimeError("torch.searchsorted(): boundary and sorter must have the same size")
        seq = np.take_along_axis(seq, sorter._data, -1)
    values = input._data if isinstance(input, _tensor.Tensor) else np.asarray(input)
    how = "right" if right else "left"
    if seq.ndim == 1:
        out = np.searchsorted(seq, values, side=how)
    else:
        if values.ndim != seq.ndim or values.shape[:-1] != seq.shape[:-1]:
            raise RuntimeError(
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries "
                f"tensor and input value tensor must match, but we got boundaries tensor {list(seq.shape)} and input "
                f"value tensor {list(values.shape)}"
            )
        lead = _count(seq.shape, seq.ndim - 1)
        rows_s, rows_v = seq.reshape(lead, seq.shape[-1]), values.reshape(lead, values.shape[-1])
        out = np.zeros(rows_v.shape, np.int64)
        for i, (s, v) in enumerate(zip(rows_s, rows_v)):
            out[i] = np.searchsorted(s, v, side=how)
        out = out.reshape(values.shape)
    return _const(np.asarray(out).astype(np.int32 if out_int32 else np.int64))


def bucketize(input: Any, boundaries: Any, *, out_int32: bool = False, right: bool = False) -> Any:
    """The bucket of each value among 1-d sorted boundaries: i with b[i-1] < x <= b[i]
    (b[i-1] <= x < b[i] with right=True)."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)
