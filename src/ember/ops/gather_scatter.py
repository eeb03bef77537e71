"""gather and scatter: reading and writing along one dim at the positions an index tensor
names (dim=1: out[i][j] = x[i][index[i][j]]). Only the index's own extent is addressed, and
each op's gradient is the other op: gather's is a scatter-add of dy, scatter's a gather of dy.
scatter_reduce, which builds on these, is in `scatter_reduce.py`."""

from __future__ import annotations

import warnings
from typing import Any, Optional

import numpy as np

from .. import _tensor
from ..autograd.function import Function
from ._util import new_zeros, normalize_dims


def _along(index: np.ndarray, dim: int) -> tuple:
    """The full NumPy index of the positions index[i][j] names (dim=1): (i, index[i][j]). Only
    index's own extent is addressed: an index smaller than x in the other dims reads and writes
    just the rows it has, as in torch (np.take_along_axis would broadcast it over all rows)."""
    grid = list(np.indices(index.shape, sparse=True))
    grid[dim] = index
    return tuple(grid)


def _within(src: Any, index: np.ndarray) -> Any:
    """The part of src that lines up with index (src may be larger in every dim); a number, or a
    0-d array, as it is (written at every position)."""
    if not (isinstance(src, np.ndarray) and src.ndim):
        return src
    return src[tuple(slice(0, n) for n in index.shape)]


class Gather(Function):
    """out[i][j] = x[i][index[i][j]] (dim=1);  dx = zeros with dy scatter-added at index."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.shape, ctx.dim = x.shape, dim
        ctx.save_for_backward(index)
        return x[_along(index, dim)]

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        return ScatterAdd.apply(new_zeros(grad, ctx.shape), ctx.dim, index, grad), None, None

    backward_arrays = backward


class ScatterAdd(Function):
    """out = x, then out[i][index[i][j]] += src[i][j] (dim=1);  dx = dy,  dsrc = dy gathered."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, dim, index, src):
        ctx.dim = dim
        ctx.save_for_backward(index)
        out = x.copy()
        np.add.at(out, _along(index, dim), _within(src, index))
        return out

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        return grad, None, None, Gather.apply(grad, ctx.dim, index)


class Scatter(Function):
    """out = x, then out[i][index[i][j]] = src[i][j] (dim=1);  dx = dy zeroed at index,
    dsrc = dy gathered at index."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, dim, index, src):
        ctx.dim = dim
        ctx.save_for_backward(index)
        out = x.copy()
        out[_along(index, dim)] = _within(src, index)
        return out

    @staticmethod
    def backward(ctx, grad):
        (index,) = ctx.saved_tensors
        dx = ScatterValue.apply(grad, ctx.dim, index, 0.0) if ctx.needs_input_grad[0] else None
        dsrc = Gather.apply(grad, ctx.dim, index) if ctx.needs_input_grad[3] else None
        return dx, None, None, dsrc


class ScatterValue(Scatter):
    """scatter of a number (torch's ScatterBackward1)."""

    backward_name = "ScatterBackward1"


class ScatterWithReduce(Function):
    """scatter with reduce='add' or 'multiply': out = x, then out[i][index[i][j]] (op)= src[i][j]
    (dim=1). torch defines no derivative for it (its grad_fn is NotImplemented)."""

    _array_forward = True
    backward_name = "NotImplemented"

    @staticmethod
    def forward(ctx, x, dim, index, src, ufunc):
        out = x.copy()
        ufunc.at(out, _along(index, dim), _within(src, index))
        return out

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::scatter is not implemented")


def gather(input: Any, dim: int, index: Any) -> Any:
    """out[i][j] = input[i][index[i][j]] (dim=1); index has input's number of dims and is no
    larger in the others."""
    if index._data.size == 0:  # torch checks nothing of an empty index, not even its dtype
        return input.reshape(-1)[:0].reshape(index._data.shape)
    d = _check_scatter_gather("gather", input, dim, index)
    if input.ndim == 0 or index.ndim == 0:  # torch reads a 0-d tensor here as one element
        return gather(input.reshape(-1), 0, index.reshape(-1)).reshape(index._data.shape)
    return Gather.apply(input, d, index)


_SCATTER_REDUCE = {"add": np.add, "multiply": np.multiply}


def scatter(input: Any, dim: int, index: Any, src: Any = None, *, value: Any = None, reduce: Optional[str] = None) -> Any:
    """out = input with out[i][index[i][j]] = src[i][j] (dim=1), src a tensor or a number;
    reduce='add' or 'multiply' combines instead of replacing."""
    if src is None:
        src = value
    if reduce is not None and reduce not in _SCATTER_REDUCE:
        raise RuntimeError("reduce argument must be either add or multiply.")
    if not isinstance(src, _tensor.Tensor):
        d = _check_scatter_gather("scatter", input, dim, index)
        src = np.asarray(src, dtype=input._data.dtype).item()
    else:
        d = _check_scatter_gather("scatter", input, dim, index, src)
        if reduce is not None:
            warnings.warn(
                "The reduce argument of torch.scatter with Tensor src is deprecated and will be removed in a "
                "future PyTorch release. Use torch.scatter_reduce instead for more reduction options.",
                UserWarning,
                stacklevel=2,
            )
    if input.ndim == 0 or index.ndim == 0:
        src = src.reshape(-1) if isinstance(src, _tensor.Tensor) else src
        return scatter(input.reshape(-1), 0, index.reshape(-1), src, reduce=reduce).reshape(input._data.shape)
    if reduce is not None:
        return ScatterWithReduce.apply(input, d, index, src, _SCATTER_REDUCE[reduce])
    if not isinstance(src, _tensor.Tensor):
        return ScatterValue.apply(input, d, index, src)
    return Scatter.apply(input, d, index, src)


def scatter_add(input: Any, dim: int, index: Any, src: Any) -> Any:
    """out = input with src[i][j] added at out[i][index[i][j]] (dim=1), repeats adding up."""
    if not isinstance(src, _tensor.Tensor):
        raise TypeError(f"scatter_add(): argument 'src' (position 3) must be Tensor, not {type(src).__name__}")
    d = _check_scatter_gather("scatter", input, dim, index, src)
    if input.ndim == 0 or index.ndim == 0:
        return scatter_add(input.reshape(-1), 0, index.reshape(-1), src.reshape(-1)).reshape(input._data.shape)
    return ScatterAdd.apply(input, d, index, src)


def _check_scatter_gather(op: str, input: Any, dim: int, index: Any, src: Any = None) -> int:
    """torch's checks on gather's and scatter's arguments, each a RuntimeError with its message:
    an int32/int64 index with as many dims as input (a 0-d tensor counting as 1-d), no larger
    than input outside dim (nor than src anywhere), its values in [0, size of dim). Returns dim
    normalised."""
    d = normalize_dims(dim, max(input.ndim, 1))[0]
    if index.dtype.name not in ("int32", "int64"):
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index")
    if src is not None and src.dtype != input.dtype:
        raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype")
    ndim = max(input.ndim, 1)
    if max(index.ndim, 1) != ndim:
        what = "input" if op == "gather" else "self"
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {what} tensor")
    if src is not None and max(src.ndim, 1) != ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    idx = index._data
    if idx.size == 0:
        return d
    shape, ishape = input._data.shape or (1,), idx.shape or (1,)
    sshape = None if src is None else (src._data.shape or (1,))
    for k in range(ndim):
        if (k != d and ishape[k] > shape[k]) or (sshape is not None and ishape[k] > sshape[k]):
            if op == "gather":
                raise RuntimeError(
                    f"Size does not match at dimension {k} expected index {list(idx.shape)} to be no larger than "
                    f"self {list(input.shape)} apart from dimension {d}"
                )
            raise RuntimeError(
                f"Expected index {list(idx.shape)} to be no larger than self {list(input.shape)} apart from "
                f"dimension {d}" + ("" if sshape is None else f" and to be no larger size than src {list(src.shape)}")
            )
    n = shape[d]
    bad = idx[(idx < 0) | (idx >= n)]
    if bad.size:
        raise RuntimeError(f"index {bad.flat[0]} is out of bounds for dimension {d} with size {n}")
    return d
