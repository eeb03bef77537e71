"""The public binary functions that torch only accepts with Tensor arguments in given places.

torch's argument parser decides which overloads exist: `torch.eq(x, 2)` is fine but
`torch.eq(2, x)` is a TypeError (the number may only come second); `torch.maximum(x, 2)` is a
TypeError (both must be Tensors); `torch.xlogy(2, 3)` is one (at least one must be a Tensor).
ember's ops accept numbers anywhere, which its own code relies on, so the checks sit on the
public functions only: one `isinstance` per call, off the operator paths (`x < 2`, `a + b`).

    ember.maximum(ember.ones(3), 2)   # TypeError: maximum(): argument 'other' (position 2) must be Tensor, not int
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from . import ops
from ._tensor import Tensor
from .ops import bitwise, fmax_fmin, pointwise

_Fn = Callable[..., Any]


def _name(x: Any) -> str:
    return "Tensor" if isinstance(x, Tensor) else type(x).__name__


def _invalid(name: str, args: tuple) -> TypeError:
    got = ", ".join(_name(a) for a in args)
    return TypeError(
        f"{name}() received an invalid combination of arguments - got ({got}), but expected one of: "
        f"(Tensor input, Tensor other) or (Tensor input, Number other); pass a Tensor first "
        f"(ember.tensor(value)) if both are numbers"
    )


def _tensor_first(fn: _Fn) -> _Fn:
    """`fn(input, other, ...)` whose `input` must be a Tensor; `other` may be a number."""

    @functools.wraps(fn)
    def checked(input: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(input, Tensor):
            raise _invalid(fn.__name__, (input,) + args)
        return fn(input, *args, **kwargs)

    return checked


def _tensors_both(fn: _Fn) -> _Fn:
    """`fn(input, other)` whose two arguments must both be Tensors."""

    @functools.wraps(fn)
    def checked(input: Any, other: Any) -> Any:
        if not (isinstance(input, Tensor) and isinstance(other, Tensor)):
            position, name, value = (1, "input", input) if not isinstance(input, Tensor) else (2, "other", other)
            raise TypeError(
                f"{fn.__name__}(): argument '{name}' (position {position}) must be Tensor, not "
                f"{_name(value)}; wrap the number with ember.tensor(value)"
            )
        return fn(input, other)

    return checked


def _tensor_either(fn: _Fn) -> _Fn:
    """`fn(input, other)` of which at least one argument must be a Tensor."""

    @functools.wraps(fn)
    def checked(input: Any, other: Any) -> Any:
        if not (isinstance(input, Tensor) or isinstance(other, Tensor)):
            raise _invalid(fn.__name__, (input, other))
        return fn(input, other)

    return checked


eq, ne, ge, gt, le, lt = (_tensor_first(f) for f in (ops.eq, ops.ne, ops.ge, ops.gt, ops.le, ops.lt))
max, min, rsub = (_tensor_first(f) for f in (ops.max, ops.min, ops.rsub))
copysign, fmod = _tensor_first(pointwise.copysign), _tensor_first(pointwise.fmod)
maximum, minimum = _tensors_both(ops.maximum), _tensors_both(ops.minimum)
fmax, fmin = _tensors_both(fmax_fmin.fmax), _tensors_both(fmax_fmin.fmin)
logical_and, logical_or, logical_xor = (_tensors_both(f) for f in (ops.logical_and, ops.logical_or, ops.logical_xor))
gcd, lcm = _tensors_both(bitwise.gcd), _tensors_both(bitwise.lcm)
ldexp, logaddexp = _tensors_both(pointwise.ldexp), _tensors_both(pointwise.logaddexp)
nextafter = _tensors_both(pointwise.nextafter)
xlogy, remainder = _tensor_either(pointwise.xlogy), _tensor_either(ops.remainder)
bitwise_left_shift = _tensor_either(bitwise.bitwise_left_shift)
bitwise_right_shift = _tensor_either(bitwise.bitwise_right_shift)
