"""In-place ops (`add_`, `mul_`, `zero_`, `x[i] = v`, ...): they write into the tensor's own
storage (views see the change) and bump its version counter, so a backward that saved the old
values fails loudly instead of using the new ones.

Outside a recorded graph they are plain NumPy in-place updates (what optimizers do under
no_grad). Inside one, the new values are computed by the differentiable op from a snapshot of the
old ones, and the tensor takes over the op's grad_fn, as torch rebases history.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from .. import _dtype, _random, _tensor
from .._convert import checked_scalar, put_scalar
from .._creation import check_normal_std, check_uniform_bounds, random_float_dtype
from ..autograd.grad_mode import is_grad_enabled, no_grad
from . import arithmetic, compare, unary
from ._views import in_multi_view, leaf_base, rebase
from ._index_key import add_at, index_put_key, is_advanced, read, to_key, torch_index_error, write
from .gather_scatter import scatter, scatter_add
from .index import IndexPut, IndexPutAccumulate, MaskedFillTensor, masked_fill
from .scatter_reduce import scatter_reduce
from .join import Split, Unbind


def _check_leaf(t: Any) -> None:
    if not is_grad_enabled():
        return
    fn = t.grad_fn
    op = getattr(fn, "_forward_cls", type)
    if issubclass(op, (Split, Unbind)) and op._is_view:  # unsafe_split's and the copies' pieces are free
        raise RuntimeError(
            f"Output {t._output_nr} of {fn.name()} is a view and is being modified inplace. This view is "
            "the output of a function that returns multiple views. Such functions do not allow the "
            "output views to be modified inplace. You should replace the inplace operation by an "
            "out-of-place one (or .clone() the piece first)."
        )
    if t._requires_grad and fn is None:
        what = "a leaf Variable"
    elif leaf_base(t):
        what = "a view of a leaf Variable"
    else:
        return
    raise RuntimeError(
        f"{what} that requires grad is being used in an in-place operation. "
        "Do the update inside `with ember.no_grad():` (as optimizers do) or on `.data`."
    )


def _records(t: Any, args: tuple) -> bool:
    return is_grad_enabled() and (t._requires_grad or any(getattr(a, "_requires_grad", False) for a in args))


def _write(t: Any, values: np.ndarray) -> None:
    """Store values into t's storage, refusing what torch refuses (float into int, broadcast views)."""
    if _refused_cast(values.dtype, t._data.dtype):
        raise RuntimeError(
            f"result type {_dtype.from_numpy(values.dtype).name} can't be cast to the desired output "
            f"type {t.dtype.name}"
        )
    if values.shape != t._data.shape and np.broadcast_shapes(values.shape, t._data.shape) != t._data.shape:
        raise RuntimeError(
            f"output with shape {list(t._data.shape)} doesn't match the broadcast shape "
            f"{list(np.broadcast_shapes(values.shape, t._data.shape))}"
        )
    if not t._data.flags.writeable:
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a "
            "single memory location. Please clone() the tensor before performing the operation."
        )
    t._data[...] = values


def _refused_cast(source: np.dtype, target: np.dtype) -> bool:
    """torch's rule for writing a result into a tensor (`canCast`): a float result into an integer
    or bool tensor, or a non-bool one into a bool tensor, is refused; integers of any width and
    sign go into each other (cumsum_ on uint8 keeps uint8, wrapping)."""
    return source.kind == "f" and target.kind in "biu" or source.kind != "b" and target.kind == "b"


def check_cast(t: Any, *args: Any) -> None:
    """Raise torch's RuntimeError when the result type of t and args cannot be written into t."""
    result = _dtype.result_type(t, *args)
    if _refused_cast(result.numpy, t._data.dtype):
        raise RuntimeError(
            f"result type {result.name} can't be cast to the desired output type {t.dtype.name}"
        ) from None


def _inplace(t: Any, op: Callable[..., Any], *args: Any, fast: Optional[Callable[[np.ndarray], Any]] = None) -> Any:
    """t <- op(t, *args), in t's storage. `fast(array)`, if given, does the same update in place
    with NumPy when no graph is recorded."""
    _check_leaf(t)
    if fast is not None and not _records(t, args):
        if not t._data.flags.writeable:
            _write(t, t._data)
        try:
            fast(t._data)
        except TypeError:  # NumPy's "same_kind" refusal; torch's rule (`_refused_cast`) is wider
            check_cast(t, *args)
            # an integer result of another sign (uint8.add_(int64)): the general path writes it
        except (ValueError, OverflowError):
            pass  # shapes, or an int beyond t's dtype: the general path below handles both as torch
        else:
            t._bump_version()
            return t
    if _records(t, args):
        if in_multi_view(t):
            raise RuntimeError(
                "A view was created in no_grad mode and is being modified inplace with grad mode "
                "enabled. This view is the output of a function that returns multiple views. Such "
                "functions do not allow the output views to be modified inplace. You should replace "
                "the inplace operation by an out-of-place one (or .clone() the piece first)."
            )
        snapshot = t._make(t._data.copy(), t._requires_grad, t.grad_fn)
        snapshot._output_nr = t._output_nr
        result = op(snapshot, *args)
        _write(t, result._data)
        t.grad_fn, t._requires_grad, t._output_nr = result.grad_fn, result._requires_grad, result._output_nr
        rebase(t)
    else:
        with no_grad():
            _write(t, op(t, *args)._data)
    t._bump_version()
    return t


def _raw(x: Any) -> Any:
    return x._data if isinstance(x, _tensor.Tensor) else x


def add_(t: Any, other: Any, *, alpha: float = 1) -> Any:
    o = _raw(other)
    fast = None if alpha != 1 and t._data.dtype.char == "e" else (  # float16: add's single rounding
        lambda a: np.add(a, o if alpha == 1 else o * alpha, out=a, casting="same_kind")
    )
    return _inplace(t, lambda x, y: arithmetic.add(x, y, alpha=alpha), other, fast=fast)


def sub_(t: Any, other: Any, *, alpha: float = 1) -> Any:
    arithmetic.refuse_bool(t, other)
    o = _raw(other)
    fast = None if alpha != 1 and t._data.dtype.char == "e" else (  # float16: sub's single rounding
        lambda a: np.subtract(a, o if alpha == 1 else o * alpha, out=a, casting="same_kind")
    )
    return _inplace(t, lambda x, y: arithmetic.sub(x, y, alpha=alpha), other, fast=fast)


def mul_(t: Any, other: Any) -> Any:
    o = _raw(other)
    if t._data.dtype.char == "e":  # float16 times a number computes in float32: mul's own path
        return _inplace(t, arithmetic.mul, other)
    return _inplace(t, arithmetic.mul, other, fast=lambda a: np.multiply(a, o, out=a, casting="same_kind"))


def div_(t: Any, other: Any, *, rounding_mode: Optional[str] = None) -> Any:
    if rounding_mode is not None:
        return _inplace(t, lambda x, y: arithmetic.div(x, y, rounding_mode=rounding_mode), other)
    o = _raw(other)
    if t._data.dtype.char == "e":  # float16 over a number computes in float32: div's own path
        return _inplace(t, arithmetic.div, other)
    return _inplace(t, arithmetic.div, other, fast=lambda a: np.true_divide(a, o, out=a, casting="same_kind"))


def pow_(t: Any, exponent: Any) -> Any:
    return _inplace(t, arithmetic.pow, exponent)


def clamp_(t: Any, min: Any = None, max: Any = None) -> Any:
    return _inplace(t, compare.clamp, min, max)


def exp_(t: Any) -> Any:
    return _inplace(t, unary.exp)


def relu_(t: Any) -> Any:
    return _inplace(t, unary.relu)


def tanh_(t: Any) -> Any:
    return _inplace(t, unary.tanh)


def sigmoid_(t: Any) -> Any:
    return _inplace(t, unary.sigmoid)


def masked_fill_(t: Any, mask: Any, value: Any) -> Any:
    return _inplace(t, masked_fill, mask, value)


def scatter_(t: Any, dim: int, index: Any, src: Any = None, *, value: Any = None, reduce: Optional[str] = None) -> Any:
    """scatter, written into t."""
    return _inplace(t, lambda x, s: scatter(x, dim, index, s, reduce=reduce), value if src is None else src)


def scatter_add_(t: Any, dim: int, index: Any, src: Any) -> Any:
    """scatter_add, written into t."""
    return _inplace(t, lambda x, s: scatter_add(x, dim, index, s), src)


def scatter_reduce_(t: Any, dim: int, index: Any, src: Any, reduce: str, *, include_self: bool = True) -> Any:
    """scatter_reduce, written into t."""
    return _inplace(t, lambda x, s: scatter_reduce(x, dim, index, s, reduce, include_self=include_self), src)


def _everywhere(x: Any) -> Any:
    return x._make(np.ones(x.shape, dtype=bool), False, None)


def fill_(t: Any, value: Any) -> Any:
    """Every element <- value (a number or a 0-d tensor); the gradient to t is 0. A number t's
    dtype cannot hold is refused, as torch refuses it (`checked_scalar`)."""
    if isinstance(value, _tensor.Tensor) and value.ndim:
        raise RuntimeError(
            f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} dimensions."
        )
    v = value._data if isinstance(value, _tensor.Tensor) else checked_scalar(value, t.dtype)
    return _inplace(t, lambda x, val: masked_fill(x, _everywhere(x), val), value, fast=lambda a: a.fill(v))


def copy_(t: Any, src: Any) -> Any:
    """t <- src (broadcast, cast to t's dtype); the gradient goes to src."""
    s = _raw(src)
    return _inplace(t, lambda x, y: MaskedFillTensor.apply(x, _everywhere(x), y.to(x.dtype)), src,
                    fast=lambda a: np.copyto(a, s, casting="unsafe"))


def setitem(t: Any, key: Any, value: Any) -> None:
    """t[key] = value, with torch's indexing rules (`ops._index_key`): value, a Tensor or a
    number, broadcasts to the shape of t[key]."""
    if key is False:  # torch's x[False] = v writes nothing and leaves the version as it is
        return
    _put(t, to_key(key, t.ndim), value)


def _put(t: Any, key: Any, value: Any) -> None:
    """t[key] = value for a key from `to_key`; recorded as IndexPut when a gradient flows."""
    if isinstance(value, _tensor.Tensor):
        if is_advanced(key):
            _check_put_dtype(t, value)
    elif not isinstance(value, (int, float, complex, np.number, np.bool_)):
        raise TypeError(
            f"can't assign a {type(value).__name__} to a {t.dtype} tensor; assign a Tensor (ember.tensor(...)) "
            "or a number"
        )
    else:
        value = put_scalar(value, t.dtype)
    _check_leaf(t)
    try:
        if _records(t, (value,)):
            v = value if isinstance(value, _tensor.Tensor) else t._make(np.asarray(value, t._data.dtype), False, None)
            _inplace(t, lambda x, val: IndexPut.apply(x, val.to(x.dtype), key), v)
            return
        write(t._data, key, value._data if isinstance(value, _tensor.Tensor) else value)
    except (ValueError, IndexError) as e:
        raise _write_error(e, t, key, value) from None
    t._bump_version()


def _check_put_dtype(t: Any, value: Any) -> None:
    """An index with tensors writes with index_put_, which casts nothing (a view's copy_ does)."""
    if value.dtype != t.dtype:
        raise RuntimeError(
            f"Index put requires the source and destination dtypes match, got {_dtype.torch_name(t.dtype)} "
            f"for the destination and {_dtype.torch_name(value.dtype)} for the source."
        )


def _write_error(error: Exception, t: Any, key: Any, value: Any) -> Exception:
    """NumPy's error from writing value at t[key] as torch's: an index out of range is an
    IndexError in torch's words, a value that does not fit t[key] a RuntimeError naming shapes."""
    if isinstance(error, IndexError):
        return torch_index_error(error)
    return RuntimeError(_value_shape_error(t, key, value))


def _value_shape_error(t: Any, key: Any, value: Any) -> str:
    """torch's message for a value that does not broadcast to t[key]: an index with tensors
    reports index_put's shape mismatch, a view (basic index) copy_'s failed expand."""
    target = read(t._data, key).shape
    shape = tuple(np.shape(value._data if isinstance(value, _tensor.Tensor) else value))
    while shape and shape[0] == 1:  # torch drops a value's leading 1s before broadcasting it
        shape = shape[1:]
    if is_advanced(key):
        return (
            f"shape mismatch: value tensor of shape {list(shape)} cannot be broadcast to indexing result of "
            f"shape {list(target)}"
        )
    lead = len(target) - len(shape)
    if lead < 0:
        return (
            f"expand: the number of sizes provided ({len(target)}) must be greater or equal to the number of "
            f"dimensions in the tensor ({len(shape)})"
        )
    i = max((i for i in range(lead, len(target)) if shape[i - lead] not in (1, target[i])), default=None)
    if i is None:
        return f"cannot write a value of shape {list(shape)} into the indexed part of shape {list(target)}"
    return (
        f"The expanded size of the tensor ({target[i]}) must match the existing size ({shape[i - lead]}) at "
        f"non-singleton dimension {i}.  Target sizes: {list(target)}.  Tensor sizes: {list(shape)}"
    )


def index_put_(t: Any, indices: Any, values: Any, accumulate: bool = False) -> Any:
    """t[indices] = values; with `accumulate`, t[indices] += values, where an index given twice
    adds twice (torch's index_put_). `indices` is a tuple of index tensors, all advanced."""
    if not isinstance(values, _tensor.Tensor):
        raise TypeError(f"index_put_(): argument 'values' (position 2) must be Tensor, not {type(values).__name__}")
    key = index_put_key(indices, t.ndim)
    if not accumulate:
        _put(t, key, values)
        return t
    _check_put_dtype(t, values)
    try:
        return _inplace(
            t, lambda x, val: IndexPutAccumulate.apply(x, val, key), values, fast=lambda a: add_at(a, key, values._data)
        )
    except (ValueError, IndexError) as e:
        raise _write_error(e, t, key, values) from None


def index_put(input: Any, indices: Any, values: Any, accumulate: bool = False) -> Any:
    """index_put_ on a copy of input."""
    return index_put_(input.clone(), indices, values, accumulate)


def _random_(t: Any, draw: Callable[[np.random.Generator], np.ndarray], generator: Optional[_random.Generator]) -> Any:
    _check_leaf(t)
    gen = (generator or _random.default_generator).numpy
    t._data[...] = draw(gen)
    t._bump_version()
    return t


def uniform_(t: Any, a: float = 0.0, b: float = 1.0, *, generator: Optional[_random.Generator] = None) -> Any:
    """t <- uniform on [a, b); float tensors only, a <= b, as torch checks."""
    random_float_dtype(t.dtype, "check_uniform_bounds")
    check_uniform_bounds(a, b)
    return _random_(t, lambda g: g.uniform(a, b, t.shape), generator)


def normal_(t: Any, mean: float = 0.0, std: float = 1.0, *, generator: Optional[_random.Generator] = None) -> Any:
    """t <- normal(mean, std); float tensors only, std >= 0, as torch checks."""
    random_float_dtype(t.dtype, "normal_kernel_cpu")
    check_normal_std(std)
    return _random_(t, lambda g: g.normal(mean, std, t.shape), generator)
