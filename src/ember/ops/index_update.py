"""Writing slices chosen along one dim: index_add, index_copy, index_fill (and their in-place
forms), select_scatter and slice_scatter.

index_add, index_copy and index_fill are one node each (ops/index_slices.py); select_scatter
and slice_scatter move `dim` to the front and write with index_put. Either way input's gradient
is the gradient with the written slices zeroed (kept, for index_add) and the source's is the
written slices of the gradient (times alpha for index_add), as torch's.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from .._creation import tensor
from .. import _tensor
from ._util import normalize_dims
from .index_slices import IndexAddDim, IndexCopyDim, IndexFillDim, IndexFillDimTensor
from .inplace import _inplace, index_put
from .shape import movedim, reshape


def _index(input: Any, dim: int, index: Any, op: str) -> tuple[int, Any]:
    """dim normalised, and index checked as torch checks it (a 0-d or 1-d int tensor in range)."""
    d = normalize_dims(dim, max(input.ndim, 1))[0]
    if index.dtype.name not in ("int32", "int64"):
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index but got: {index.dtype}")
    if index.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector")
    size = input.shape[d] if input.ndim else 1
    idx = index._data.reshape(-1)
    if idx.size and (idx.min() < -size or idx.max() >= size):
        raise IndexError(f"{op}(): index out of range: indices must lie in [0, {size}) along dim {d}")
    return d, idx.astype(np.int64) % max(size, 1)


def _write(input: Any, d: int, idx: np.ndarray, values: Any, accumulate: bool) -> Any:
    """input with values (dim d first, one slice per index) written or added at idx along d."""
    x = reshape(input, (1,)) if input.ndim == 0 else input
    out = index_put(movedim(x, d, 0), (tensor(idx),), values, accumulate)
    return reshape(movedim(out, 0, d), input.shape)


def _check_source(input: Any, source: Any, d: int, count: int, op: str) -> None:
    if source.dtype != input.dtype:
        raise RuntimeError(f"{op}(): self ({input.dtype}) and source ({source.dtype}) must have the same scalar type")
    src_shape = tuple(source.shape) or (1,)
    expected = (input.shape[:d] + (count,) + input.shape[d + 1:]) if input.ndim else (count,)
    if src_shape != expected:
        raise RuntimeError(f"{op}(): source of shape {list(source.shape)} does not match the expected shape {list(expected)}")


def index_add(input: Any, dim: int, index: Any, source: Any, *, alpha: float = 1) -> Any:
    """input with alpha * source's slices added at `index` along dim (repeated indices add up)."""
    d, idx = _index(input, dim, index, "index_add")
    _check_source(input, source, d, idx.size, "index_add")
    return IndexAddDim.apply(input, d, idx, source, alpha)


def index_copy(input: Any, dim: int, index: Any, source: Any) -> Any:
    """input with source's slices written at `index` along dim."""
    d, idx = _index(input, dim, index, "index_copy")
    _check_source(input, source, d, idx.size, "index_copy")
    return IndexCopyDim.apply(input, d, idx, source)


def index_fill(input: Any, dim: int, index: Any, value: Any) -> Any:
    """input with the slices at `index` along dim set to value (a number or a 0-d tensor,
    whose gradient is the sum of the gradient over those slices, each counted once)."""
    d, idx = _index(input, dim, index, "index_fill")
    if isinstance(value, _tensor.Tensor):
        if value.ndim:
            raise RuntimeError(
                f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with {value.ndim} dimension(s)."
            )
        return IndexFillDimTensor.apply(input, d, idx, value.to(input.dtype))
    return IndexFillDim.apply(input, d, idx, tensor(value, dtype=input.dtype).item())


def index_add_(input: Any, dim: int, index: Any, source: Any, *, alpha: float = 1) -> Any:
    return _inplace(input, lambda x, s: index_add(x, dim, index, s, alpha=alpha), source)


def index_copy_(input: Any, dim: int, index: Any, source: Any) -> Any:
    return _inplace(input, lambda x, s: index_copy(x, dim, index, s), source)


def index_fill_(input: Any, dim: int, index: Any, value: Any) -> Any:
    return _inplace(input, lambda x, v: index_fill(x, dim, index, v), value)


def select_scatter(input: Any, src: Any, dim: int, index: int) -> Any:
    """A copy of input whose slice `index` along dim (what select gives) holds src."""
    d = normalize_dims(dim, input.ndim)[0]
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select_scatter(): index {index} out of range for tensor of size {list(input.shape)} at dimension {d}")
    expected = input.shape[:d] + input.shape[d + 1:]
    if tuple(src.shape) != expected:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, slice size = {list(expected)}")
    return _write(input, d, np.array([index % n]), src.unsqueeze(0), False)


def slice_scatter(
    input: Any, src: Any, dim: int = 0, start: Optional[int] = None, end: Optional[int] = None, step: int = 1
) -> Any:
    """A copy of input whose slice start:end:step along dim holds src."""
    d = normalize_dims(dim, input.ndim)[0]
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    idx = np.arange(input.shape[d])[slice(start, end, step)]
    expected = input.shape[:d] + (idx.size,) + input.shape[d + 1:]
    if tuple(src.shape) != expected:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, slice size = {list(expected)}")
    return _write(input, d, idx, movedim(src, d, 0), False)
