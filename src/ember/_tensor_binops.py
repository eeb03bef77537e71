"""Tensor methods of the binary ops torch has and the other method tables lack: fmax/fmin,
`__rdiv__` (Python 2's name, which torch keeps), and the in-place comparisons and logic ops
(`x.lt_(y)` writes 1/0 into x's own dtype) with `sign_`, installed on the class by `install`,
which also makes the methods whose `other` torch only takes as a Tensor refuse a number
(`x.maximum(2)` is a TypeError, as in torch; `x.eq(2)` is fine)."""

from __future__ import annotations

from typing import Any

from ._tensor import Tensor
from ._tensor_elementwise import _inplace_method
from .ops import arithmetic, compare, unary
from .ops.fmax_fmin import fmax, fmin
from .ops.inplace import _inplace

_INPLACE = {
    "eq": compare.eq, "ne": compare.ne, "lt": compare.lt, "le": compare.le, "gt": compare.gt, "ge": compare.ge,
    "logical_and": compare.logical_and, "logical_or": compare.logical_or, "logical_xor": compare.logical_xor,
    "floor_divide": arithmetic.floor_divide, "sign": unary.sign,
}
_TENSOR_OTHER = ["maximum", "minimum", "fmax", "fmin", "logical_and", "logical_or", "logical_xor", "gcd", "lcm",
                 "ldexp", "logaddexp", "nextafter", "logical_and_", "logical_or_", "logical_xor_", "gcd_", "lcm_",
                 "ldexp_", "nextafter_"]
_ALIASES = {"greater": "gt", "greater_equal": "ge", "less": "lt", "less_equal": "le", "not_equal": "ne"}


def _fmax(self: Any, other: Any) -> Any:
    return fmax(self, other)


def _fmin(self: Any, other: Any) -> Any:
    return fmin(self, other)


def _rdiv(self: Any, other: Any) -> Any:
    return self.__rtruediv__(other)


def _logical_not_(self: Any) -> Any:
    return _inplace(self, compare.logical_not)


def _tensor_other(method: Any, name: str) -> Any:
    def checked(self: Any, other: Any) -> Any:
        if not isinstance(other, Tensor):
            raise TypeError(
                f"{name}(): argument 'other' (position 1) must be Tensor, not {type(other).__name__}; "
                "wrap the number with ember.tensor(value)"
            )
        return method(self, other)

    checked.__doc__ = method.__doc__
    return checked


def install(cls: type) -> None:
    """Add the methods to `cls` (ember.Tensor)."""
    for name, op in _INPLACE.items():
        setattr(cls, name + "_", _inplace_method(op))
    for alias, name in _ALIASES.items():
        if not hasattr(cls, alias + "_"):
            setattr(cls, alias + "_", getattr(cls, name + "_"))
    cls.fmax, cls.fmin, cls.__rdiv__, cls.logical_not_ = _fmax, _fmin, _rdiv, _logical_not_
    for name in _TENSOR_OTHER:
        setattr(cls, name, _tensor_other(getattr(cls, name), name))
