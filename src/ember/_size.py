"""`ember.Size`: what `Tensor.shape` and `Tensor.size()` return, a tuple of ints as `torch.Size` is.

A Size is a tuple (equal to, and hashed as, the plain tuple of its sizes; accepted wherever a
shape is) that prints as `ember.Size([2, 3])`, counts its elements with `numel()` and stays a
Size when sliced, concatenated with a tuple (from either side) or repeated.

`Tensor.shape` makes one per read, so it skips the checks: `tuple.__new__(Size, array.shape)`.
ember's own code reads `tensor._data.shape`, the plain tuple, on its hot paths.
"""

from __future__ import annotations

import math
import operator
from typing import Any, Iterable, SupportsIndex, Union, overload

_tuple_new = tuple.__new__
_tuple_getitem = tuple.__getitem__
_tuple_add = tuple.__add__
_tuple_mul = tuple.__mul__
_INT64_MAX = 2 ** 63 - 1
_HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class written in Python (torch's tensors included)


class Size(tuple):
    """`ember.Size([2, 3])`: the shape of a tensor, a tuple of ints.

    >>> ember.zeros(2, 3).shape
    ember.Size([2, 3])
    >>> ember.Size([2, 3]).numel()
    6
    """

    __slots__ = ()

    def __new__(cls, sizes: Iterable[SupportsIndex] = (), /) -> Size:
        return _tuple_new(cls, [_checked(s, i) for i, s in enumerate(sizes)])

    def numel(self) -> int:
        """The number of elements a tensor of this size holds (the product of the sizes)."""
        return math.prod(self)

    @overload
    def __getitem__(self, key: SupportsIndex) -> int: ...
    @overload
    def __getitem__(self, key: slice) -> Size: ...

    def __getitem__(self, key: Union[SupportsIndex, slice]) -> Union[int, Size]:
        item = _tuple_getitem(self, key)
        return _tuple_new(Size, item) if type(key) is slice else item

    def __add__(self, other: Any) -> Size:  # type: ignore[override]
        if not isinstance(other, tuple):
            raise TypeError(f"can only concatenate tuple (not {type(other).__name__}) to ember.Size")
        return _tuple_new(Size, _tuple_add(self, other))

    def __radd__(self, other: Any) -> Size:
        if not isinstance(other, tuple):
            return NotImplemented
        return _tuple_new(Size, _tuple_add(other, self))

    def __mul__(self, times: SupportsIndex) -> Size:  # type: ignore[override]
        if not hasattr(type(times), "__index__"):
            raise TypeError(f"can't multiply sequence by non-int of type '{type(times).__name__}'")
        return _tuple_new(Size, _tuple_mul(self, times))

    __rmul__ = __mul__

    def __repr__(self) -> str:
        return f"ember.Size({list(self)})"

    __str__ = __repr__

    def __reduce__(self) -> tuple:
        return Size, (tuple(self),)


def dim_error(dim: Any, ndim: int) -> Exception:
    """torch's error for `size(dim)` with a dim that is out of range or not an int."""
    if not isinstance(dim, SupportsIndex):
        return TypeError(f"size(): argument 'dim' (position 1) must be int, not {type(dim).__name__}")
    if ndim == 0:
        return IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})")


def _checked(size: Any, position: int) -> int:
    """One entry of `Size(sizes)`: anything with `__index__` (an int, a NumPy integer, a
    one-element integer tensor), as torch reads it; negative sizes pass, as in torch."""
    try:
        value = operator.index(size)
    except TypeError:
        raise TypeError(f"ember.Size() takes an iterable of 'int' (item {position} is '{_type_name(size)}')") from None
    if not -_INT64_MAX - 1 <= value <= _INT64_MAX:
        raise ValueError("Overflow when unpacking long long")
    return value


def _type_name(obj: Any) -> str:
    """The type's name as CPython's own errors print it: bare for classes written in Python,
    dotted for extension types (`numpy.float64`), as torch's message shows them."""
    cls = type(obj)
    if cls.__flags__ & _HEAP_TYPE or cls.__module__ == "builtins":
        return cls.__name__
    return f"{cls.__module__}.{cls.__qualname__}"
