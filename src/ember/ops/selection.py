"""Selecting by value and by position: kthvalue, msort, isin, unravel_index, nonzero_static.

Values are `gather`ed at the chosen indices, so gradients reach the chosen elements only, as
torch's `value_selecting_reduction_backward` sends them.
"""

from __future__ import annotations

import math
from typing import Any, Sequence, Union

import numpy as np

from .. import _dtype
from ._util import normalize_dims
from .gather_scatter import gather
from .index import sort
from .reduce import _return_type

_Kthvalue = _return_type("kthvalue")


def kthvalue(input: Any, k: int, dim: int = -1, keepdim: bool = False) -> Any:
    """The k-th smallest element along dim (NaN counts as the largest) and its index.

    Among equal values torch returns the one its quickselect leaves at position k - 1, not the
    first: ember picks by a stable sort where the k-th value is unique and replays torch's
    quickselect (`_quickselect`) on the rows where it is not, so indices match torch's too.

    >>> ember.kthvalue(ember.tensor([3.0, 1.0, 2.0]), 2)  # values=2., indices=2
    """
    d = normalize_dims(dim, max(input.ndim, 1))[0]
    size = input.shape[d] if input.ndim else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}: k={k}, size {size}")
    if input.ndim == 0:
        return _Kthvalue(input.clone(), input._make(np.zeros((), np.int64), False, None))
    rows = np.moveaxis(input._data, d, -1)
    chosen = np.argsort(rows, axis=-1, kind="stable")[..., k - 1]
    kth = np.take_along_axis(rows, chosen[..., None], -1)
    ties = _equal(rows, kth).sum(-1) > 1
    for row in map(tuple, np.argwhere(ties)):
        chosen[row] = _quickselect(rows[row], k - 1)
    index = np.expand_dims(chosen, d).astype(np.int64)
    values = gather(input, d, input._make(index, False, None))
    indices = input._make(index, False, None)
    if not keepdim:
        values, indices = values.squeeze(d), indices.squeeze(d)
    return _Kthvalue(values, indices)


def _equal(rows: np.ndarray, kth: np.ndarray) -> np.ndarray:
    """rows == kth, a NaN equal to a NaN (torch's order puts every NaN at one rank)."""
    if rows.dtype.kind == "f":
        return (rows == kth) | (np.isnan(rows) & np.isnan(kth))
    return rows == kth


def _quickselect(row: np.ndarray, k: int) -> int:
    """The index torch's CPU kthvalue returns for position k of `row`: Sedgewick's quickselect
    with a median-of-three pivot (aten's quick_select_template), replayed on (value, index)
    pairs, NaN greater than every number."""
    values, order = [float(v) if row.dtype.kind == "f" else int(v) for v in row], list(range(len(row)))

    def greater(a: Any, b: Any) -> bool:
        return (a != a and b == b) or a > b

    def swap(a: int, b: int) -> None:
        values[a], values[b] = values[b], values[a]
        order[a], order[b] = order[b], order[a]

    low, high = 0, len(values) - 1
    while high > low:
        if high == low + 1:
            if greater(values[low], values[high]):
                swap(low, high)
            break
        swap((low + high) >> 1, low + 1)
        for a, b in ((low + 1, high), (low, high), (low + 1, low)):
            if greater(values[a], values[b]):
                swap(a, b)
        i, j, pivot = low + 1, high, values[low]
        while True:
            i += 1
            while greater(pivot, values[i]):
                i += 1
            j -= 1
            while greater(values[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(low, j)
        if j <= k:
            low = i
        if j >= k:
            high = j - 1
    return order[k]


def msort(input: Any) -> Any:
    """input sorted along its first dim: sort(input, dim=0).values."""
    return sort(input, 0).values


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False, invert: bool = False) -> Any:
    """Whether each element of `elements` occurs in `test_elements` (either may be a number),
    compared in their promoted dtype; `invert` negates. A bool tensor of elements' shape."""
    from .._tensor import Tensor

    like = elements if isinstance(elements, Tensor) else test_elements
    common = _dtype.result_type(elements, test_elements).numpy
    a = np.asarray(elements._data if isinstance(elements, Tensor) else elements).astype(common)
    b = np.asarray(test_elements._data if isinstance(test_elements, Tensor) else test_elements).astype(common)
    found = np.isin(a, b, assume_unique=assume_unique, invert=invert)
    return like._make(np.asarray(found, dtype=bool), False, None)


def unravel_index(indices: Any, shape: Union[int, Sequence[int]]) -> tuple:
    """The coordinates, one int64 tensor per dim of `shape`, of the flat `indices` in a tensor
    of that shape: (i // stride_d) % shape_d, Python's floor rule, so out-of-range and negative
    indices wrap as in torch."""
    if indices.dtype.is_floating_point or indices.dtype.name == "bool":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    dims = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if not all(isinstance(n, (int, np.integer)) for n in dims):
        raise TypeError(f"expected 'shape' sequence to only contain ints, but got {dims}")
    if any(n < 0 for n in dims):
        raise ValueError(f"'shape' cannot have negative values, but got {dims}")
    flat = indices._data.astype(np.int64)
    strides = [math.prod(dims[i + 1:]) for i in range(len(dims))]
    return tuple(indices._make(np.asarray(flat // s % n, np.int64), False, None) for s, n in zip(strides, dims))


def nonzero_static(input: Any, *, size: int, fill_value: int = -1) -> Any:
    """nonzero(input) with exactly `size` rows: cut short, or padded with rows of fill_value."""
    if size < 0:
        raise RuntimeError(f"nonzero_static: 'size' must be an non-negative integer, got {size}")
    found = np.argwhere(input._data)[:size]
    rows = np.full((size, input.ndim), fill_value, np.int64)
    rows[: len(found)] = found
    return input._make(rows, False, None)


def install_tensor_methods(tensor: type) -> None:
    """The Tensor methods torch has of these: kthvalue, msort, nonzero_static."""
    tensor.kthvalue = kthvalue
    tensor.msort = msort
    tensor.nonzero_static = nonzero_static
