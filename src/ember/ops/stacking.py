"""Joining and splitting several tensors by torch's (and NumPy's) conventions: the h/v/d/column
stacks, atleast_nd, tensor_split and the h/v/d splits, meshgrid, broadcast_tensors,
cartesian_prod, combinations, block_diag and the triangle index lists.

All are written with cat, stack, reshape, expand, narrow and indexing, so their gradients are
those ops' gradients, as in torch.
"""

from __future__ import annotations

import itertools
import warnings
from typing import Any, Optional, Sequence, Union

import numpy as np

from .. import _dtype, _tensor
from ._util import normalize_dims
from .index import narrow
from .join import _common_dtype, cat, stack
from .shape import expand, reshape


def _tensors(args: tuple) -> tuple[list, bool]:
    """The tensors of f(t), f(t1, t2) or f([t1, t2]), and whether a single tensor was passed."""
    if len(args) == 1 and isinstance(args[0], _tensor.Tensor):
        return [args[0]], True
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        return list(args[0]), False
    return list(args), False


def _atleast(args: tuple, shape_of: Any) -> Any:
    tensors, single = _tensors(args)
    out = tuple(reshape(t, shape_of(t.shape)) if t.ndim < len(shape_of(())) else t for t in tensors)
    return out[0] if single else out


def atleast_1d(*tensors: Any) -> Any:
    return _atleast(tensors, lambda s: s if s else (1,))


def atleast_2d(*tensors: Any) -> Any:
    return _atleast(tensors, lambda s: (1,) * (2 - len(s)) + tuple(s))


def atleast_3d(*tensors: Any) -> Any:
    """0-d to (1, 1, 1), (n,) to (1, n, 1), (r, c) to (r, c, 1), as NumPy's."""
    return _atleast(tensors, lambda s: {0: (1, 1, 1), 1: (1,) + tuple(s) + (1,), 2: tuple(s) + (1,)}.get(len(s), s))


def _nonempty(tensors: Sequence[Any], op: str) -> list:
    if not len(tensors):
        raise RuntimeError(f"{op} expects a non-empty TensorList")
    return list(tensors)


def hstack(tensors: Sequence[Any]) -> Any:
    ts = atleast_1d(_nonempty(tensors, "hstack"))
    if len({t.ndim for t in ts}) > 1:
        raise RuntimeError(f"Tensors must have same number of dimensions: got {[t.ndim for t in ts]}")
    return cat(ts, 0 if all(t.ndim == 1 for t in ts) else 1)


def vstack(tensors: Sequence[Any]) -> Any:
    return cat(atleast_2d(_nonempty(tensors, "vstack")), 0)


row_stack = vstack


def dstack(tensors: Sequence[Any]) -> Any:
    return cat(atleast_3d(_nonempty(tensors, "dstack")), 2)


def column_stack(tensors: Sequence[Any]) -> Any:
    """Vectors (and numbers) as columns, matrices as they are, side by side."""
    return cat([reshape(t, (t.numel(), 1)) if t.ndim <= 1 else t for t in tensors], 1)


def tensor_split(input: Any, indices_or_sections: Any, dim: int = 0) -> tuple:
    """Views of input cut along dim: into n nearly equal parts (the first n % size one longer)
    for an int, or at the given indices for a list (or a 1-d integer tensor)."""
    d = normalize_dims(dim, input.ndim)[0]
    size = input.shape[d]
    cuts = indices_or_sections
    if isinstance(cuts, _tensor.Tensor):
        if cuts.dtype.name != "int64":
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to have dtype of long, but got {cuts.dtype}")
        if cuts.ndim > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor")
        cuts = int(cuts._data) if cuts.ndim == 0 else [int(c) for c in cuts._data]
    if isinstance(cuts, (int, np.integer)):
        if cuts <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {cuts}")
        q, r = divmod(size, int(cuts))
        cuts = list(itertools.accumulate(q + 1 if i < r else q for i in range(int(cuts) - 1)))
    bounds = [0] + [min(max(c if c >= 0 else c + size, 0), size) for c in cuts] + [size]
    return tuple(narrow(input, d, a, max(b - a, 0)) for a, b in zip(bounds, bounds[1:]))


def _split_along(name: str, input: Any, sections: Any, dim: int, min_ndim: int) -> tuple:
    if input.ndim < min_ndim:
        raise RuntimeError(
            f"torch.{name} requires a tensor with at least {min_ndim} dimension, but got a tensor with "
            f"{input.ndim} dimensions!"
        )
    if isinstance(sections, int) and (sections == 0 or input.shape[dim] % sections):
        raise RuntimeError(
            f"torch.{name} attempted to split along dimension {dim}, but the size of the dimension "
            f"{input.shape[dim]} is not divisible by the split_size {sections}!"
        )
    return tensor_split(input, sections, dim)


def hsplit(input: Any, sections: Union[int, Sequence[int]]) -> tuple:
    return _split_along("hsplit", input, sections, 1 if input.ndim > 1 else 0, 1)


def vsplit(input: Any, sections: Union[int, Sequence[int]]) -> tuple:
    return _split_along("vsplit", input, sections, 0, 2)


def dsplit(input: Any, sections: Union[int, Sequence[int]]) -> tuple:
    return _split_along("dsplit", input, sections, 2, 3)


def meshgrid(*tensors: Any, indexing: Optional[str] = None) -> tuple:
    """Coordinate grids: output i holds tensor i along its own dim ('ij'); 'xy' swaps the first
    two dims (NumPy's default). Each output is an expanded view of its input."""
    tensors_, _ = _tensors(tensors)
    if indexing is None:
        warnings.warn(
            "torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
            UserWarning, stacklevel=2,
        )
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    for t in tensors_:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t.ndim}D")
        if t.dtype is not tensors_[0].dtype:
            raise RuntimeError("torch.meshgrid: Expected all tensors in the tensor list to have the same dtype")
    order = list(range(len(tensors_)))
    if indexing == "xy" and len(order) > 1:
        order[0], order[1] = 1, 0
    shape = [0] * len(order)
    for i, t in enumerate(tensors_):
        shape[order[i]] = t.numel()
    return tuple(
        expand(reshape(t, tuple(-1 if k == order[i] else 1 for k in range(len(shape)))), tuple(shape))
        for i, t in enumerate(tensors_)
    )


def broadcast_tensors(*tensors: Any) -> tuple:
    tensors_, _ = _tensors(tensors)
    try:
        shape = np.broadcast_shapes(*(t.shape for t in tensors_))
    except ValueError:
        raise RuntimeError(
            f"The size of tensors cannot be broadcast together: {[list(t.shape) for t in tensors_]}"
        ) from None
    return tuple(expand(t, shape) for t in tensors_)


def cartesian_prod(*tensors: Any) -> Any:
    """Every tuple of one element from each vector, in order, as rows."""
    tensors_, _ = _tensors(tensors)
    if len(tensors_) == 1:
        return tensors_[0]
    grids = meshgrid(*_common_dtype(tensors_), indexing="ij")
    return stack([reshape(g, (-1,)) for g in grids], 1)


def combinations(input: Any, r: int = 2, with_replacement: bool = False) -> Any:
    """Every r-element combination of a vector's elements (as itertools'), one per row."""
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return input.new_zeros((0,))
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = np.array(list(pick(range(input.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    return input[input._make(rows, False, None)]


def block_diag(*tensors: Any) -> Any:
    """The matrices (vectors as rows, numbers as 1x1) along the diagonal of one matrix, zeros elsewhere."""
    blocks = []
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(
                f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has {t.ndim} dimensions"
            )
        blocks.append(reshape(t, (1,) * (2 - t.ndim) + t.shape) if t.ndim < 2 else t)
    if not blocks:
        return _tensor.Tensor._make(np.zeros((1, 0), _dtype.get_default_dtype().numpy), False, None)
    blocks = _common_dtype(blocks)
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        right = width - left - b.shape[1]
        rows.append(cat([b.new_zeros((b.shape[0], left)), b, b.new_zeros((b.shape[0], right))], 1))
        left += b.shape[1]
    return cat(rows, 0)


def _tri_indices(rows: np.ndarray, cols: np.ndarray, dtype: Optional[_dtype.dtype]) -> Any:
    dtype = dtype or _dtype.int64
    if dtype.name not in ("int32", "int64"):
        raise NotImplementedError(f'"tril_indices" not implemented for \'{dtype}\'')
    return _tensor.Tensor._make(np.stack([rows, cols]).astype(dtype.numpy), False, None)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Optional[_dtype.dtype] = None, device: Any = None, layout: Any = None) -> Any:
    """The (row, col) indices of the lower triangle of a row x col matrix, row by row, as a 2 x N tensor."""
    return _tri_indices(*np.tril_indices(row, offset, col), dtype)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Optional[_dtype.dtype] = None, device: Any = None, layout: Any = None) -> Any:
    """The (row, col) indices of the upper triangle of a row x col matrix, row by row, as a 2 x N tensor."""
    return _tri_indices(*np.triu_indices(row, offset, col), dtype)
