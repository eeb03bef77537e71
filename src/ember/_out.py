"""`out=`: torch's output-argument semantics, given to the public functions that have it.

`f(..., out=t)` computes `f(...)`, then writes the result into `t` and returns `t`:

- `t` is resized to the result's shape: silently when it has no elements, with torch's
  deprecation warning otherwise;
- the result's dtype must fit `t`'s, by one of torch's rules (`Rule`): cast where `can_cast`
  allows (elementwise math), the same dtype (indexing, `abs`, `clamp`, `mm`), or the op computes
  in `t`'s dtype (`sum`, `cumsum`, the factories);
- while grad mode is on, no argument (nor `t`) may require grad: out= is not differentiable;
- `t` may not overlap itself (an expanded tensor) nor an input, except that an elementwise op
  may write over an input it reads whole (`ember.exp(x, out=x)`).

The checks run only when `out` is given. `out_variant(rule)` wraps a function; the wrapper costs
one Python call, so the four arithmetic functions take `out` themselves and call `written`
(`ember.add(a, b)` pays one `is None` test).
"""

from __future__ import annotations

import enum
import functools
import warnings
from typing import Any, Callable

import numpy as np

from . import _dtype
from .autograd.grad_mode import is_grad_enabled


class Rule(enum.Enum):
    """How the result's dtype must relate to out's, and whether out may alias an input."""

    CAST = "cast"            # can_cast(result, out): add, exp, eq (TensorIterator ops)
    SAME = "same"            # result dtype == out dtype, out may be an input: abs, clamp, where
    SELECT = "select"        # result dtype == out dtype, no overlap with an input: gather, mm, sort
    JOIN = "join"            # can_cast(every input, out), no overlap: cat, stack
    REDUCE = "reduce"        # computed in out's dtype: sum, prod, cumsum, mean
    CREATE = "create"        # a factory made in out's dtype: zeros, arange, randn


def can_cast(from_: _dtype.dtype, to: _dtype.dtype) -> bool:
    """torch.can_cast: false only where a cast would lose the kind, float to integer or to bool
    and integer to bool."""
    return _kind(from_) <= _kind(to)


def _kind(d: _dtype.dtype) -> int:
    return 2 if d.is_floating_point else 0 if d.name == "bool" else 1


def out_variant(rule: Rule) -> Callable[[Callable], Callable]:
    """Decorator: `fn` gains the keyword `out`, with torch's semantics under `rule`."""

    def wrap(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def with_out(*args: Any, out: Any = None, **kwargs: Any) -> Any:
            if out is None:
                return fn(*args, **kwargs)
            return written(fn, rule, args, kwargs, out)

        return with_out

    return wrap


def written(fn: Callable, rule: Rule, args: tuple, kwargs: dict, out: Any) -> Any:
    """`fn(*args, **kwargs)` written into `out` (a Tensor, or a tuple for several results)."""
    from ._tensor import Tensor

    name = fn.__name__
    inputs = _tensors(args, kwargs)
    outs = tuple(out) if isinstance(out, (tuple, list)) else (out,)
    for t in outs:
        if not isinstance(t, Tensor):
            raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(t).__name__}")
    _check_grad(name, inputs + list(outs))
    for t in outs:
        _check_overlap(t, inputs, rule)
    if rule in (Rule.REDUCE, Rule.CREATE):
        kwargs = _in_dtype_of(outs[0], kwargs, rule)
    result = fn(*args, **kwargs)
    results = tuple(result) if isinstance(result, tuple) else (result,)
    if len(results) != len(outs):
        raise TypeError(f"{name}(): out must be a tuple of {len(results)} tensors, got {len(outs)}")
    for t, r in zip(outs, results):  # several results (values, indices) each keep their dtype
        _check_dtype(name, r.dtype, t.dtype, rule if len(results) == 1 else Rule.SELECT, inputs)
    for t, r in zip(outs, results):
        _store(t, r._data)
    if isinstance(result, tuple):
        return type(result)(*outs) if hasattr(result, "_fields") else outs
    return out


def _tensors(args: tuple, kwargs: dict) -> list:
    """The tensor arguments, including those inside a list or tuple argument (cat's)."""
    from ._tensor import Tensor

    found: list = []
    for a in list(args) + list(kwargs.values()):
        for item in a if isinstance(a, (list, tuple)) else (a,):
            if isinstance(item, Tensor):
                found.append(item)
    return found


def _check_grad(name: str, tensors: list) -> None:
    if is_grad_enabled() and any(t.requires_grad for t in tensors):
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic differentiation, but "
            "one of the arguments requires grad. Call it under `with ember.no_grad():`, or drop out= "
            "and assign the result."
        )


def _check_overlap(out: Any, inputs: list, rule: Rule) -> None:
    """torch's overlap checks: out may not repeat an element (a stride-0 dim), nor share memory
    with an input; elementwise ops may read an input that is exactly out."""
    data = out._data
    if any(stride == 0 and size > 1 for stride, size in zip(data.strides, data.shape)):
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a single "
            "memory location. Please clone() the tensor before performing the operation."
        )
    whole = rule in (Rule.CAST, Rule.SAME, Rule.REDUCE)
    for t in inputs:
        if whole and _same_memory(t._data, data):
            continue
        if t is out or np.may_share_memory(t._data, data):
            raise RuntimeError(
                "unsupported operation: some elements of the input tensor and the written-to tensor "
                "refer to a single memory location. Please clone() the tensor before performing the "
                "operation."
            )


def _same_memory(a: np.ndarray, b: np.ndarray) -> bool:
    return (a.shape == b.shape and a.strides == b.strides
            and a.__array_interface__["data"][0] == b.__array_interface__["data"][0])


def _in_dtype_of(out: Any, kwargs: dict, rule: Rule) -> dict:
    """kwargs with dtype=out.dtype; a different dtype asked for is refused, as torch refuses it."""
    wanted = kwargs.get("dtype")
    if wanted is not None and wanted != out.dtype:
        if rule is Rule.CREATE:
            raise RuntimeError(f"dtype {_dtype.torch_name(wanted)} does not match dtype of out parameter "
                               f"({_dtype.torch_name(out.dtype)})")
        raise RuntimeError(f"Expected out tensor to have dtype {_dtype.c_name(wanted)}, but got "
                           f"{_dtype.c_name(out.dtype)} instead")
    return {**kwargs, "dtype": out.dtype}


def _check_dtype(name: str, result: _dtype.dtype, out: _dtype.dtype, rule: Rule, inputs: list) -> None:
    if rule is Rule.CAST and not can_cast(result, out):
        raise RuntimeError(f"result type {_dtype.torch_name(result)} can't be cast to the desired output "
                           f"type {_dtype.torch_name(out)}")
    if rule is Rule.JOIN and not all(can_cast(t.dtype, out) for t in inputs):
        raise TypeError(f"torch.{name}(): input types can't be cast to the desired output type "
                        f"{_dtype.torch_name(out)}")
    if rule in (Rule.SAME, Rule.SELECT) and result != out:
        raise RuntimeError(f"{name}(): expected out tensor to have dtype {_dtype.c_name(result)}, but got "
                           f"{_dtype.c_name(out)} instead; pass an out of the result's dtype")


def _store(out: Any, values: np.ndarray) -> None:
    """values into out's storage, out resized first where the shapes differ."""
    data = out._data
    if data.shape != values.shape:
        if data.size:
            warnings.warn(
                f"An output with one or more elements was resized since it had shape {list(data.shape)}, "
                f"which does not match the required output shape {list(values.shape)}. This behavior is "
                "deprecated, and in a future PyTorch release outputs will not be resized unless they have "
                "zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero "
                "elements with t.resize_(0).",
                UserWarning,
                stacklevel=4,
            )
        out._data = data = np.empty(values.shape, data.dtype)
    data[...] = values
    out._bump_version()


# The functions of `ember` that take out= as torch's do, by rule (add sub mul div take it themselves).
FUNCTIONS = {
    Rule.CAST: "exp log log1p log2 log10 expm1 sqrt rsqrt sin cos tan tanh sigmoid erf erfc erfinv asin acos "
               "atan asinh acosh atanh sinh cosh exp2 reciprocal digamma lgamma square logit i0 sinc deg2rad "
               "rad2deg logical_not pow remainder fmod atan2 hypot logaddexp logaddexp2 xlogy maximum minimum "
               "eq ne lt le gt ge logical_and logical_or logical_xor floor_divide copysign nextafter lerp "
               "addcmul addcdiv max min bitwise_and bitwise_or bitwise_xor",
    Rule.SAME: "abs neg floor ceil round trunc sign sgn frac clamp clamp_min clamp_max where nan_to_num bitwise_not",
    Rule.SELECT: "masked_select take gather index_select amax amin mm bmm matmul mv multinomial sort topk nonzero "
                 "kthvalue msort nonzero_static",
    Rule.JOIN: "cat stack hstack vstack dstack column_stack",
    Rule.REDUCE: "sum prod mean cumsum cumprod nansum",
    Rule.CREATE: "arange linspace zeros ones full empty rand randn randint eye randperm normal",
}


def install(namespace: dict, *aliases: dict) -> None:
    """Give the FUNCTIONS of `namespace` (ember's) out=; an alias (`concat` of `cat`, here or in
    a namespace of `aliases`, `special.psi` of `digamma`) gets the same wrapper. Internal calls
    and Tensor methods keep the unwrapped functions."""
    wrappers = {}
    for rule, names in FUNCTIONS.items():
        for name in names.split():
            fn = namespace[name]
            wrappers[id(fn)] = out_variant(rule)(fn)
    for space in (namespace, *aliases):
        for name, value in list(space.items()):
            if id(value) in wrappers and callable(value):
                space[name] = wrappers[id(value)]
