"""Indexing: reading (x[key], index_select, sort) and writing (x[key] = v, masked_fill, where);
gather and scatter are in `gather_scatter.py`.

Reading ops send the gradient back to where each element came from; when a position was read
several times (advanced indexing with repeats), its gradient is the sum, via `np.add.at`.
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence, Union

import numpy as np

from .. import _dtype, _tensor
from .._convert import checked_scalar, put_scalar
from ..autograd.function import Function
from ._topk_order import topk_indices
from .gather_scatter import ScatterAdd, gather
from ._index_key import Advanced, add_at, is_advanced, read, to_key, torch_index_error, write
from ._util import normalize_dims, promote, sum_to
from ._views import track, track_pieces
from .sort_order import sort_order
from .join import Split, SplitWithSizes, Unbind
from .reduce import return_types


class Index(Function):
    """x[key] (key from `to_key`: torch's rules);  dx = zeros with dy placed (summed, for
    repeats) at key."""

    _array_forward = True
    _is_view = True

    @staticmethod
    def forward(ctx, x, key):
        ctx.shape, ctx.dtype, ctx.key = x.shape, x.dtype, key
        out = read(x, key)
        if not isinstance(out, np.ndarray):
            # NumPy reads one element as a scalar copy; with an Ellipsis it returns a 0-d view,
            # as torch's x[i] is (so x[i].zero_() writes into x)
            out = x[(key if isinstance(key, tuple) else (key,)) + (Ellipsis,)]
        return out

    @staticmethod
    def backward(ctx, grad):
        return IndexAdd.apply(grad, ctx.shape, ctx.key), None

    backward_arrays = backward


class Select(Index):
    pass


class Slice(Index):
    pass


class IndexSelect(Index):
    pass


def _index_fn(key: Any) -> type:
    """torch's node name for x[key]: Index with a tensor in it, else Select with an int in it,
    else Slice."""
    if is_advanced(key):
        return Index
    parts = key if isinstance(key, tuple) else (key,)
    return Select if any(isinstance(k, (int, np.integer)) for k in parts) else Slice


class IndexAdd(Function):
    """zeros(shape) with y added at key;  dy = d(out)[key]."""

    _array_forward = True
    backward_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, y, shape, key):
        ctx.key = key
        out = np.zeros(shape, dtype=y.dtype)
        if is_advanced(key):
            add_at(out, key, y)
        else:
            out[key] = y
        return out

    @staticmethod
    def backward(ctx, grad):
        return Index.apply(grad, ctx.key), None, None

    backward_arrays = backward


def _value_grad(grad: Any, key: Any, shape: tuple) -> Any:
    """dy[key] summed back to the shape of the value written there. The value may have more
    dimensions than dy[key] when they lead with size 1 (torch drops them to broadcast it)."""
    g = Index.apply(grad, key)
    lead = len(shape) - g.ndim
    return sum_to(g, shape[lead:]).reshape(shape) if lead > 0 else sum_to(g, shape)


class IndexPut(Function):
    """out = x with out[key] = v;  dx = dy with zeros at key,  dv = dy[key] (summed to v's shape)."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, v, key):
        out = x.copy()
        write(out, key, v)
        ctx.key, ctx.v_shape = key, np.shape(v)
        return out

    @staticmethod
    def backward(ctx, grad):
        dx = dv = None
        if ctx.needs_input_grad[0]:
            dx = IndexPut.apply(grad, 0.0, ctx.key)
        if ctx.needs_input_grad[1]:
            dv = _value_grad(grad, ctx.key, ctx.v_shape)
        return dx, dv, None

    backward_arrays = backward


class IndexPutAccumulate(IndexPut):
    """out = x with v added at key, an index given twice adding twice (index_put_ with
    accumulate);  dx = dy,  dv = dy[key] (summed to v's shape)."""

    backward_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, x, v, key):
        out = x.copy()
        add_at(out, key, v)
        ctx.key, ctx.v_shape = key, np.shape(v)
        return out

    @staticmethod
    def backward(ctx, grad):
        dx = grad if ctx.needs_input_grad[0] else None
        dv = _value_grad(grad, ctx.key, ctx.v_shape) if ctx.needs_input_grad[1] else None
        return dx, dv, None

    backward_arrays = backward


class MaskedFill(Function):
    """where mask, the value; else x;  dx = dy where not mask,  dvalue = sum of dy where mask."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, mask, value):
        ctx.save_for_backward(mask)
        ctx.shapes = (x.shape, np.shape(value))
        return np.where(mask, value, x)

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        sx, sv = ctx.shapes
        dx, _, dv = ctx.needs_input_grad
        gv, gx = _select_grads(grad, mask, (sv, sx), (dv, dx))  # masked_fill(x, m, v) = where(m, v, x)
        return gx, None, gv

    backward_arrays = backward


class MaskedFillTensor(MaskedFill):
    """masked_fill with a 0-d tensor value (torch's MaskedFillBackward1)."""

    backward_name = "MaskedFillBackward1"


class Where(Function):
    """cond ? a : b;  da = dy where cond,  db = dy where not cond."""

    _array_forward = True
    _number_edge = None

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.save_for_backward(cond)
        ctx.shapes = (np.shape(a), np.shape(b))
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx, grad):
        (cond,) = ctx.saved_tensors
        return (None,) + _select_grads(grad, cond, ctx.shapes, ctx.needs_input_grad[1:])

    backward_arrays = backward


def _select_grads(grad: Any, cond: Any, shapes: tuple, needs: Sequence[bool]) -> tuple:
    """The gradients of where(cond, a, b), each summed back to its operand's shape: dy where
    cond to a, dy elsewhere to b (zeros as a weak 0.0, so the dtype stays dy's)."""
    (sa, sb), (da, db) = shapes, needs
    return (
        sum_to(Where.apply(cond, grad, 0.0), sa) if da else None,
        sum_to(Where.apply(cond, 0.0, grad), sb) if db else None,
    )


class Sort(Function):
    """Sorted values and their indices, ties in torch's order (`sort_order`);  dx = dy sent back
    to each value's origin."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x, dim, descending, stable):
        idx = sort_order(x, dim, descending, stable)
        ctx.shape, ctx.dim = x.shape, dim
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(idx)
        return np.take_along_axis(x, idx, dim), idx

    @staticmethod
    def backward(ctx, grad, _):
        (idx,) = ctx.saved_tensors
        return ScatterAdd.apply(grad.new_zeros(ctx.shape), ctx.dim, idx, grad), None, None, None


def _view(input: Any, key: Any, fn: Any = None) -> Any:
    """input[key], remembered as a view of input when it shares input's memory."""
    fn = fn or _index_fn(key)
    return track(fn.apply(input, key), input, lambda t: fn.apply(t, key))


def getitem(input: Any, key: Any) -> Any:
    try:
        return _view(input, to_key(key, input.ndim))
    except IndexError as e:
        raise torch_index_error(e) from None


def index_select(input: Any, dim: int, index: Any) -> Any:
    """input's slices along dim at the int32/int64 indices in the vector index; a 0-d input takes
    one index, 0, and stays 0-d, as in torch."""
    d = normalize_dims(dim, max(input.ndim, 1))[0]
    if input.ndim == 0:
        if index.numel() != 1:
            raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {index.numel()} value(s)")
        return index_select(input.reshape(1), 0, index.reshape(1)).reshape(())
    if index.dtype.name not in ("int32", "int64"):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    idx = index._data.reshape(-1)
    if idx.size and (idx.min() < 0 or idx.max() >= input._data.shape[d]):  # NumPy would wrap a negative one
        raise IndexError(f"index out of range in self: indices must lie in [0, {input.shape[d]}) along dim {d}")
    return IndexSelect.apply(input, Advanced((), (slice(None),) * d + (idx,)))


def masked_fill(input: Any, mask: Any, value: Any) -> Any:
    """input where mask is False, value where True; mask broadcasts to input's shape."""
    if mask.dtype.name != "bool":
        raise RuntimeError(f"masked_fill only supports boolean masks, but got mask with dtype {mask.dtype}")
    if isinstance(value, _tensor.Tensor):
        if value.ndim:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s); pass value.squeeze() or a number")
        return MaskedFillTensor.apply(input, mask, value.to(input.dtype))
    return MaskedFill.apply(input, mask, checked_scalar(value, input.dtype))


def where(condition: Any, input: Any = None, other: Any = None) -> Any:
    """Elementwise choice `condition ? input : other`, broadcasting all three."""
    if input is None and other is None:
        return tuple(condition._make(np.asarray(a, np.int64), False, None) for a in np.nonzero(condition._data))
    if not isinstance(input, _tensor.Tensor) and not isinstance(other, _tensor.Tensor):
        input = condition._make(np.asarray(input, dtype=_dtype.result_type(input, other).numpy), False, None)
    a, b = promote(input, other)
    if condition._data.dtype == np.uint8:
        condition = _deprecated_uint8_condition(condition)
    elif condition.dtype.name != "bool":
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype {condition.dtype}")
    if not isinstance(a, _tensor.Tensor):
        a = b._make(put_scalar(a, b.dtype), False, None)
    if not isinstance(b, _tensor.Tensor):
        b = a._make(put_scalar(b, a.dtype), False, None)
    try:
        return Where.apply(condition, a, b)
    except ValueError:
        raise RuntimeError(
            f"where: condition, input and other of shapes {list(condition.shape)}, {list(a.shape)} and "
            f"{list(b.shape)} cannot be broadcast together"
        ) from None


def _deprecated_uint8_condition(condition: Any) -> Any:
    """torch still takes a uint8 condition (nonzero is true), with a deprecation warning."""
    warnings.warn(
        "where received a uint8 condition tensor. This behavior is deprecated and will be removed in a "
        "future version of PyTorch. Use a boolean condition instead.",
        UserWarning,
        stacklevel=3,
    )
    return condition != 0


def sort(input: Any, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
    d = normalize_dims(dim, input.ndim)[0] if input.ndim else None
    if d is None:
        return return_types["sort"](input.clone(), input.new_zeros((), dtype=_dtype.int64))
    return return_types["sort"](*Sort.apply(input, d, descending, stable))


def argsort(input: Any, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
    return sort(input.detach(), dim, descending, stable).indices


def topk(input: Any, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
    """The k largest (smallest) along dim, with their indices: torch's indices, also among equal
    values and with sorted=False (`topk_indices`); the values are gathered there, so the
    gradient reaches those elements. A 0-d input gives its element for k = 1 and also for k = 0,
    as torch gives it."""
    d = normalize_dims(dim, max(input.ndim, 1))[0]
    if input.ndim == 0:
        if k not in (0, 1):
            raise RuntimeError(f"selected index k out of range: k={k}, a 0-d tensor has one element")
        values, indices = topk(input.reshape(1), 1, 0, largest, sorted)
        return return_types["topk"](values.reshape(()), indices.reshape(()))
    if not 0 <= k <= input.shape[d]:
        raise RuntimeError(f"selected index k out of range: k={k}, size along dim {d} is {input.shape[d]}")
    indices = input._make(topk_indices(input._data, k, d, largest, sorted), False, None)
    return return_types["topk"](gather(input, d, indices), indices)


def split(input: Any, split_size_or_sections: Union[int, Sequence[int]], dim: int = 0) -> tuple:
    d = normalize_dims(dim, input.ndim)[0]
    n = input._data.shape[d]
    if isinstance(split_size_or_sections, (int, np.integer)):
        step = _split_step(int(split_size_or_sections), n)
        sizes = [min(step, n - s) for s in range(0, n, step)] or [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                f"dimension {d}), but got split_sizes={sizes}"
            )
    fn = Split if isinstance(split_size_or_sections, (int, np.integer)) else SplitWithSizes
    return track_pieces(fn.apply(input, sizes, d), input)


def _split_step(step: int, n: int) -> int:
    """split's size per piece, checked as torch does; 0 is only valid for an empty dim (one piece)."""
    if step < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
    if step == 0 and n:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
    return step or 1


def chunk(input: Any, chunks: int, dim: int = 0) -> tuple:
    """`chunks` pieces of ceil(n / chunks) along dim (fewer when they run out); of an empty dim,
    `chunks` empty pieces, as torch."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = normalize_dims(dim, input.ndim)[0]
    n = input._data.shape[d]
    if n == 0:
        return split(input, [0] * chunks, d)
    return split(input, max(1, -(-n // chunks)), d)


def narrow(input: Any, dim: int, start: Any, length: int) -> Any:
    """input[start:start + length] along dim (a view); start may be a 0-d integer Tensor."""
    return _view(input, narrow_key(input, dim, start, length))


def narrow_key(input: Any, dim: int, start: Any, length: int) -> tuple:
    """narrow's index key, after torch's checks of dim, start and length."""
    if isinstance(start, _tensor.Tensor):
        if start.ndim != 0 or start.dtype.is_floating_point or start.dtype.name == "bool":
            raise RuntimeError("start must be an 0-dim integral Tensor.")
        start = int(start._data)
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    d = normalize_dims(dim, input.ndim)[0]
    n = input._data.shape[d]
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    start = start + n if start < 0 else start
    if not 0 <= length <= n - start:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return (slice(None),) * d + (slice(start, start + length),)


def select(input: Any, dim: int, index: int) -> Any:
    d = normalize_dims(dim, input.ndim)[0]
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at dimension {d}")
    return _view(input, (slice(None),) * d + (int(index),))


def unbind(input: Any, dim: int = 0) -> tuple:
    return track_pieces(Unbind.apply(input, normalize_dims(dim, input.ndim)[0]), input)
