"""Reading and writing by mask and by flat index: masked_select, masked_scatter, argwhere,
take, take_along_dim and put.

Each is written with indexing, gather and index_put, whose gradients are torch's for these
(the read positions receive the gradient; written positions pass theirs to the source).
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .._creation import tensor
from ._util import normalize_dims
from .gather_scatter import gather
from .index_slices import MaskedScatter
from .inplace import _inplace, index_put
from .shape import expand, reshape


def _check_mask(mask: Any, op: str) -> None:
    if mask.dtype.name != "bool":
        raise RuntimeError(f"{op}: expected BoolTensor for mask, got {mask.dtype}")


def _broadcast_shape(a: Any, b: Any, op: str) -> tuple[int, ...]:
    try:
        return np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise RuntimeError(
            f"{op}: the shapes of input {list(a.shape)} and mask {list(b.shape)} cannot be broadcast together"
        ) from None


def _broadcast(a: Any, b: Any, op: str) -> tuple[Any, Any]:
    shape = _broadcast_shape(a, b, op)
    return expand(a, shape), expand(b, shape)


def masked_select(input: Any, mask: Any) -> Any:
    """The elements of input (broadcast with mask) where mask is True, as a 1-d tensor."""
    _check_mask(mask, "masked_select")
    x, m = _broadcast(input, mask, "masked_select")
    return x[m]


def masked_scatter(input: Any, mask: Any, source: Any) -> Any:
    """A copy of input whose positions where mask is True take source's first elements, in order."""
    _check_mask(mask, "masked_scatter_")
    if source.dtype != input.dtype:
        raise RuntimeError(
            f"masked_scatter_: expected self and source to have same dtypes but got {input.dtype} and {source.dtype}"
        )
    shape = _broadcast_shape(input, mask, "masked_scatter")
    if int(np.broadcast_to(mask._data, shape).sum()) > source.numel():
        raise RuntimeError("masked_scatter: Number of elements of source < number of ones in mask")
    return MaskedScatter.apply(input, mask, source)


def masked_scatter_(input: Any, mask: Any, source: Any) -> Any:
    if np.broadcast_shapes(input.shape, mask.shape) != input.shape:
        raise RuntimeError(f"masked_scatter_: mask of shape {list(mask.shape)} does not broadcast to {list(input.shape)}")
    return _inplace(input, lambda x, s: masked_scatter(x, mask, s), source)


def argwhere(input: Any) -> Any:
    """The indices of the non-zero elements, one row each (int64, shape [n, ndim])."""
    return input._make(np.argwhere(input._data).astype(np.int64), False, None)


def _flat_index(input: Any, index: Any, op: str) -> Any:
    if index.dtype.name != "int64":
        raise RuntimeError(f"{op}(): Expected a long tensor for index, but got {index.dtype}")
    n = input.numel()
    bad = (index._data < -n) | (index._data >= n)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {int(index._data[bad][0])} on a tensor of {n} elements.")
    return index


def take(input: Any, index: Any) -> Any:
    """input read as a flat vector at `index` (negative counts from the end), in index's shape."""
    return reshape(input, (-1,))[_flat_index(input, index, "take")]


def take_along_dim(input: Any, indices: Any, dim: Optional[int] = None) -> Any:
    """Values of input at `indices` along dim (gather, broadcasting the other dims); the flat
    input with no dim."""
    if indices.dtype.name != "int64":
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be int64 but got {indices.dtype}")
    if dim is None:
        return gather(reshape(input, (-1,)), 0, reshape(indices, (-1,)))
    if input.ndim != indices.ndim:
        raise RuntimeError(
            f"torch.take_along_dim(): input and indices should have the same number of dimensions, but got "
            f"{input.ndim} dimensions for input, and {indices.ndim} dimensions for indices"
        )
    d = normalize_dims(dim, input.ndim)[0]
    if (indices._data < 0).any():  # counted from the end, as in torch
        indices = indices._make(np.where(indices._data < 0, indices._data + input.shape[d], indices._data), False, None)
    others = [s[:d] + (1,) + s[d + 1:] for s in (input.shape, indices.shape)]
    shape = list(np.broadcast_shapes(*others))
    shape_in, shape_idx = list(shape), list(shape)
    shape_in[d], shape_idx[d] = input.shape[d], indices.shape[d]
    return gather(expand(input, tuple(shape_in)), d, expand(indices, tuple(shape_idx)))


def put(input: Any, index: Any, source: Any, accumulate: bool = False) -> Any:
    """A copy of input, read as a flat vector, with source written (or added) at `index`."""
    _flat_index(input, index, "put")
    if source.numel() != index.numel():
        raise RuntimeError(
            f"put_(): Expected source and index to have the same number of elements, but got "
            f"source.numel() = {source.numel()}, index.numel() = {index.numel()}"
        )
    flat = index._data.reshape(-1) % max(input.numel(), 1)
    out = index_put(reshape(input, (-1,)), (tensor(flat),), reshape(source, (-1,)), accumulate)
    return reshape(out, input.shape)


def put_(input: Any, index: Any, source: Any, accumulate: bool = False) -> Any:
    return _inplace(input, lambda x, s: put(x, index, s, accumulate), source)
