"""Helpers every op module shares: operand promotion, summing a gradient back to an input's
shape after broadcasting, float16 arithmetic with a number in float32 (torch's "opmath"), and
dimension normalisation."""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

from .. import _dtype, _tensor

Dim = Union[int, Sequence[int], None]

_ndarray = np.ndarray
_multiply = np.multiply


def is_tensor(x: Any) -> bool:
    return isinstance(x, _tensor.Tensor)


def data(x: Any) -> Any:
    """The array of a Tensor; anything else as it is. For backward rules that run on Tensors
    (create_graph) and on the engine's arrays alike."""
    return x._data if isinstance(x, _tensor.Tensor) else x


def as_tensor_arg(x: Any, like: Optional[Any] = None) -> Any:
    """Tensors pass through; array-likes become constant tensors; numbers, NumPy scalars included,
    become Python scalars (weak, as torch treats them: NumPy 2 would let np.float64 widen)."""
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, _tensor.Tensor) or isinstance(x, (int, float, bool)):
        return x
    if isinstance(x, np.ndarray):
        return _tensor.Tensor._make(x, False, None)
    raise TypeError(f"expected a Tensor or a number, got {type(x).__name__}")


def promote(a: Any, b: Any) -> tuple[Any, Any]:
    """Cast tensor operands to torch's result dtype; Python scalars stay weak (NumPy 2 keeps the
    array's dtype for them, as torch does).

    Every binary op calls this, backward rules included, so the two common cases (two tensors
    of one dtype; a float tensor and a Python float) return before any conversion."""
    Tensor = _tensor.Tensor
    if isinstance(a, Tensor):
        da = a._data.dtype
        if isinstance(b, Tensor):
            db = b._data.dtype
            if da is db or da == db:
                return a, b
        elif type(b) is float and da.kind == "f":
            return a, b
    elif type(a) is float and isinstance(b, Tensor) and b._data.dtype.kind == "f":
        return a, b
    a, b = as_tensor_arg(a), as_tensor_arg(b)
    ta, tb = isinstance(a, _tensor.Tensor), isinstance(b, _tensor.Tensor)
    if not (ta or tb):  # add(2, 3.0): torch reads a number `input` as a 0-d tensor
        a, ta = _tensor.Tensor._make(np.asarray(a, _dtype._scalar_dtype(a).numpy), False, None), True
    if ta and tb and a._data.dtype == b._data.dtype:
        return a, b
    if ta and not tb and _scalar_fits(a._data.dtype, b):
        return a, b
    if tb and not ta and _scalar_fits(b._data.dtype, a):
        return a, b
    target = _dtype.result_type(a, b)
    return _cast_to(a, target), _cast_to(b, target)


def _scalar_fits(array_dtype: np.dtype, scalar: Any) -> bool:
    kind = array_dtype.kind
    if isinstance(scalar, bool):
        return True
    if isinstance(scalar, int):
        return kind != "b"
    return kind == "f"


def _cast_to(x: Any, target: _dtype.dtype) -> Any:
    if isinstance(x, _tensor.Tensor):
        return x if x._data.dtype == target.numpy else x._cast(target)
    return x


def float_operands(a: Any, b: Any) -> tuple[Any, Any]:
    """Promote, then lift integer results to the default float dtype (true division, pow)."""
    a, b = promote(a, b)
    t = a if isinstance(a, _tensor.Tensor) else b
    if t._data.dtype.kind != "f":
        target = _dtype.get_default_dtype()
        a, b = _cast_to(a, target), _cast_to(b, target)
    return a, b


def sum_to(grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum a broadcast gradient (a Tensor or an array) back down to `shape` (the rule behind
    every broadcasting op): leading extra dimensions are summed away, dimensions of size 1 are
    summed with keepdim."""
    gshape = grad.shape
    if gshape == shape:
        return grad
    lead = len(gshape) - len(shape)
    dims = tuple(range(lead)) + tuple(i + lead for i, n in enumerate(shape) if n == 1 and gshape[i + lead] != 1)
    out = (add_reduce(grad, dims) if type(grad) is np.ndarray else grad.sum(dims)) if dims else grad
    return out.reshape(shape) if out.shape != shape else out


def add_reduce(x: np.ndarray, axes: Optional[tuple[int, ...]], keepdims: bool = False) -> Any:
    """np.add.reduce over `axes`; integers sum in int64 and float16 accumulates in float32
    (rounded back at the end), as torch's sums do: a float16 running sum stops growing at 2048
    once its terms are below 1."""
    dtype = x.dtype
    if dtype.kind in "biu":
        return np.add.reduce(x, axes, np.int64, keepdims=keepdims)
    if dtype.char == "e":
        return np.add.reduce(x, axes, np.float32, keepdims=keepdims).astype(np.float16)
    return np.add.reduce(x, axes, keepdims=keepdims)


def half_opmath(ufunc: np.ufunc, a: Any, b: Any) -> Any:
    """`ufunc(a, b)` for a float16 array `a` and a number `b`, as torch's float16 kernels compute
    it ("opmath"): a in float32 times (or over) b rounded to float32, and only the result rounded
    to float16. NumPy 2 rounds b to float16 first, so x / 1e5 would divide by inf:

        half_opmath(np.true_divide, np.float16([1.0]), 1e5)   # [1.0014e-05], not [0.]
    """
    with np.errstate(over="ignore"):  # float16 overflows to inf, as torch's does, without a warning
        return ufunc(a, np.float32(b), dtype=np.float32).astype(np.float16)


def opmath(ufunc: np.ufunc, a: Any, b: Any) -> Any:
    """`a * b` (ufunc np.multiply) or `a / b` (np.true_divide) as torch computes it, for backward
    rules: a float16 gradient array with a number b goes through `half_opmath` (float32, rounded
    once), as the forward did; arrays otherwise, and Tensors always (whose ops do the same), by
    the operator.

        opmath(np.true_divide, grad, 1e5)   # grad / 1e5, not grad / inf for a float16 grad
    """
    if type(b) is not _ndarray and type(a) is _ndarray and a.dtype.char == "e":
        return half_opmath(ufunc, a, b)
    return a * b if ufunc is _multiply else a / b


def new_zeros(like: Any, shape: tuple[int, ...]) -> Any:
    """Zeros of `shape` in `like`'s dtype, of its kind: an array for an array, a constant
    Tensor for a Tensor (for rules that run on both)."""
    if type(like) is np.ndarray:
        return np.zeros(shape, like.dtype)
    return like.new_zeros(shape)


def normalize_dims(dim: Dim, ndim: int) -> Optional[tuple[int, ...]]:
    """`dim` (int, sequence or None) as a sorted tuple of non-negative axes, checked like torch.
    A single int in range, the usual case, returns before the general checks."""
    if dim is None:
        return None
    if type(dim) is int and -ndim <= dim < ndim:
        return (dim % ndim,)
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    out = []
    for d in dims:
        d = int(d)
        lo, hi = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
        if not lo <= d <= hi:
            raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {d})")
        out.append(d % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise RuntimeError(f"dim {out} appears multiple times in the list of dims")
    return tuple(sorted(out))


def broadcast_error(a: tuple[int, ...], b: tuple[int, ...]) -> RuntimeError:
    """torch's message for shapes that don't broadcast, with both shapes named."""
    n = max(len(a), len(b))
    pa, pb = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and 1 not in (pa[i], pb[i]):
            return RuntimeError(
                f"The size of tensor a ({pa[i]}) must match the size of tensor b ({pb[i]}) at "
                f"non-singleton dimension {i} (shapes {list(a)} and {list(b)})"
            )
    return RuntimeError(f"shapes {list(a)} and {list(b)} cannot be broadcast together")


def apply_binary(fn: Any, a: Any, b: Any) -> Any:
    """`fn.apply(a, b)` on the operands promoted to torch's result dtype (see `promote`),
    turning NumPy's broadcasting ValueError into torch's error."""
    a, b = promote(a, b)
    try:
        return fn.apply(a, b)
    except ValueError as e:
        raise as_torch_error(e, a, b) from None
    except OverflowError:  # NumPy 2 refuses a Python int beyond the tensor's integer dtype
        return fn.apply(*wrap_ints(a, b))


def wrap_ints(a: Any, b: Any) -> tuple[Any, Any]:
    """Python ints wrapped into the integer dtype of the other operand, as torch casts them
    (uint8 + 300 adds 44, int64 + 2**63 adds -2**63); beside a bool or float tensor they stay."""
    return _wrapped(a, b), _wrapped(b, a)


def _wrapped(x: Any, like: Any) -> Any:
    if type(x) is int and is_tensor(like) and like._data.dtype.kind in "iu":
        return np.asarray(x).astype(like._data.dtype)[()]
    return x


def as_torch_error(e: ValueError, a: Any, b: Any) -> Exception:
    """NumPy's broadcasting ValueError on operands a and b as torch's error; others as they are."""
    return broadcast_error(np.shape(a), np.shape(b)) if "broadcast" in str(e) else e
