"""index_reduce: slices of `source` reduced into `input` at the positions `index` names along a dim.

    out = input;  out.select(dim, index[i]) <- reduce(out.select(dim, index[i]), source.select(dim, i))

for reduce in prod, mean, amax, amin, over every i (include_self=False leaves input's values out of
the slices that index names). It is `scatter_reduce` with the index spread over source's shape,
so its values and gradients are scatter_reduce's, which are torch's `index_reduce_backward`:

    prod:  d/dinput = grad * out / input,  d/dsource_i = (grad * out).select(dim, index[i]) / source_i
           (a zero is handled by the product of the others);
    mean:  d/dinput = grad / count,  d/dsource_i = (grad / count).select(dim, index[i]);
    amax/amin: the gradient is shared evenly among the elements equal to the result.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._util import normalize_dims
from .inplace import _inplace
from .scatter_reduce import scatter_reduce

_REDUCTIONS = ("prod", "mean", "amax", "amin")


def index_reduce(input: Any, dim: int, index: Any, source: Any, reduce: str, *, include_self: bool = True) -> Any:
    """input with the slices of source reduced in at the positions in the vector index along dim."""
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    d = normalize_dims(dim, max(input.ndim, 1))[0]
    _check(input, d, index, source)
    if index.numel() == 0:
        return input.clone()
    if input.ndim == 0:
        return index_reduce(input.reshape(1), 0, index.reshape(-1), source.reshape(1), reduce,
                            include_self=include_self).reshape(())
    shape = [1] * source.ndim
    shape[d] = -1
    spread = index._make(np.broadcast_to(index._data.astype(np.int64).reshape(shape), source.shape).copy(), False, None)
    return scatter_reduce(input, d, spread, source, reduce, include_self=include_self)


def _check(input: Any, d: int, index: Any, source: Any) -> None:
    """torch's checks: an int32/int64 vector index, source of input's dtype and of its sizes but
    along dim (where it has one slice per index), indices in [0, size of dim)."""
    if index.ndim > 1:
        raise IndexError(f"index_reduce_(): Index is supposed to be a vector, but got dim: {index.ndim}")
    if index.dtype.name not in ("int32", "int64"):
        raise RuntimeError(f"index_reduce_(): Expected dtype int32/int64 for index but got: {index.dtype}")
    if source.dtype != input.dtype:
        raise RuntimeError(f"index_reduce_(): self ({input.dtype}) and source ({source.dtype}) must have the same "
                           "scalar type")
    others = [n for k, n in enumerate(input.shape) if k != d], [n for k, n in enumerate(source.shape) if k != d]
    if max(source.ndim, 1) != max(input.ndim, 1) or others[0] != others[1]:
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(input.shape)} source.shape = {list(source.shape)}")
    count = source.shape[d] if source.ndim else 1
    if count != index.numel():
        raise RuntimeError(f"index_reduce_(): Number of indices ({index.numel()}) should be equal to "
                           f"source.size(dim): ({count}), for dim: {d}")
    size = input.shape[d] if input.ndim else 1
    flat = index._data.reshape(-1)
    if flat.size and (flat.min() < 0 or flat.max() >= size):
        raise IndexError(f"index out of range in self: indices must lie in [0, {size}) along dim {d}")


def index_reduce_(input: Any, dim: int, index: Any, source: Any, reduce: str, *, include_self: bool = True) -> Any:
    """index_reduce, written into input."""
    return _inplace(input, lambda x, s: index_reduce(x, dim, index, s, reduce, include_self=include_self), source)


def install_tensor_methods(tensor: type) -> None:
    tensor.index_reduce = index_reduce
    tensor.index_reduce_ = index_reduce_
