"""dtypes as torch names them, backed by NumPy dtypes, with torch's type-promotion rules.

torch and NumPy promote differently in three places, and ember follows torch in each:
- int tensor with float tensor: the float dtype wins (int64 + float32 -> float32; NumPy: float64);
- Python scalars never widen a tensor of their own category (float32 * 2.5 -> float32), and a
  float scalar with an int tensor gives the default dtype (float32), not float64;
- 0-d tensors act like scalars: they decide the dtype only when of a higher category.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np


class dtype:
    """A tensor element type: `ember.float32`, `ember.int64`, ..."""

    __slots__ = ("name", "numpy", "is_floating_point", "is_signed", "itemsize", "_kind")

    def __init__(self, name: str, np_dtype: Any, kind: int) -> None:
        self.name = name
        self.numpy = np.dtype(np_dtype)
        self.is_floating_point = kind == _FLOAT
        self.is_signed = self.numpy.kind in "fi"
        self.itemsize = self.numpy.itemsize
        self._kind = kind

    @property
    def is_complex(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"ember.{self.name}"


_BOOL, _INT, _FLOAT = 0, 1, 2

bool_ = dtype("bool", np.bool_, _BOOL)
uint8 = dtype("uint8", np.uint8, _INT)
int8 = dtype("int8", np.int8, _INT)
int16 = dtype("int16", np.int16, _INT)
int32 = dtype("int32", np.int32, _INT)
int64 = dtype("int64", np.int64, _INT)
# torch's shell dtype: what hash_tensor returns; it promotes with no other integer type
uint64 = dtype("uint64", np.uint64, _INT)
float16 = dtype("float16", np.float16, _FLOAT)
float32 = dtype("float32", np.float32, _FLOAT)
float64 = dtype("float64", np.float64, _FLOAT)

ALL = (bool_, uint8, int8, int16, int32, int64, uint64, float16, float32, float64)
_FROM_NUMPY = {d.numpy: d for d in ALL}

_default_float = float32


_TORCH_NAMES = {
    "int64": ("Long", "long int"), "int32": ("Int", "int"), "int16": ("Short", "short int"),
    "int8": ("Char", "signed char"), "uint8": ("Byte", "unsigned char"), "bool": ("Bool", "bool"),
    "float16": ("Half", "c10::Half"), "float32": ("Float", "float"), "float64": ("Double", "double"),
    "uint64": ("UInt64", "uint64_t"),
}


def torch_name(d: dtype) -> str:
    """The scalar type name torch's messages use: Long, Float, Double..."""
    return _TORCH_NAMES[d.name][0] if d.name in _TORCH_NAMES else d.name


def c_name(d: dtype) -> str:
    """The C type name some of torch's messages use: long int, float, double..."""
    return _TORCH_NAMES[d.name][1] if d.name in _TORCH_NAMES else d.name


def get_default_dtype() -> dtype:
    return _default_float


def set_default_dtype(d: dtype) -> None:
    """Set the dtype of float tensors made from Python floats (torch: float32 unless changed)."""
    global _default_float
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default_float = d


def from_numpy(np_dtype: Any) -> dtype:
    """The ember dtype of a NumPy dtype; a clear TypeError for types ember has no name for."""
    try:
        return _FROM_NUMPY[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only supported types are: "
            + ", ".join(d.name for d in ALL)
        ) from None


def to_numpy(d: Optional[Any]) -> Optional[np.dtype]:
    """Accept an ember dtype (or a NumPy dtype / Python type, as torch accepts `float`)."""
    if d is None:
        return None
    if isinstance(d, dtype):
        return d.numpy
    if d is float:
        return _default_float.numpy
    if d is int:
        return int64.numpy
    if d is bool:
        return bool_.numpy
    return from_numpy(d).numpy


def astype(array: Any, np_dtype: np.dtype, copy: bool = True) -> np.ndarray:
    """`array` converted to `np_dtype` as torch converts: a double reaches float16 through
    float32, as C++'s double -> float -> Half does. NumPy rounds once, and the two differ where
    a double lies just past a float16 tie: 1 + 2**-11 + 2**-40 is 1.0 in torch, 1.001 in NumPy."""
    if np_dtype is _HALF and array.dtype is _DOUBLE:
        array = array.astype(np.float32)
    return array.astype(np_dtype, copy=copy)


_HALF, _DOUBLE = np.dtype(np.float16), np.dtype(np.float64)


def promote_types(a: dtype, b: dtype) -> dtype:
    """torch.promote_types: the smallest dtype both convert to without losing their category."""
    if a is b:
        return a
    if (a is uint64 or b is uint64) and a._kind != _FLOAT and b._kind != _FLOAT:
        raise RuntimeError(
            "Promotion for uint16, uint32, uint64 types is not supported, attempted to promote "
            f"{torch_name(a)} and {torch_name(b)}"
        )
    if a._kind != b._kind:
        high, low = (a, b) if a._kind > b._kind else (b, a)
        return high if high._kind == _FLOAT or low is bool_ else _FROM_NUMPY[np.promote_types(a.numpy, b.numpy)]
    return _FROM_NUMPY[np.promote_types(a.numpy, b.numpy)]


def _scalar_dtype(x: Any) -> dtype:
    if isinstance(x, (bool, np.bool_)):
        return bool_
    if isinstance(x, (int, np.integer)):
        return int64
    return _default_float


def _combine(higher: Optional[dtype], lower: Optional[dtype]) -> Optional[dtype]:
    """Let a lower-priority operand change the dtype only if it is of a higher category."""
    if higher is None:
        return lower
    if lower is None or higher._kind >= lower._kind:
        return higher
    return promote_types(higher, lower)


def result_type(*operands: Any) -> dtype:
    """torch.result_type over tensors (n-d, then 0-d) and Python scalars, in that priority."""
    dims = zeros = scalars = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if isinstance(d, dtype):
            if x.ndim:
                dims = d if dims is None else promote_types(dims, d)
            else:
                zeros = d if zeros is None else promote_types(zeros, d)
        else:
            d = _scalar_dtype(x)
            scalars = d if scalars is None else promote_types(scalars, d)
    return _combine(dims, _combine(zeros, scalars))
