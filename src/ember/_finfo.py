"""ember.finfo and ember.iinfo: the numerical limits of a floating-point or integer dtype, as
torch's (NumPy's values, torch's names and messages).

    ember.finfo(ember.float32).eps    # 1.1920928955078125e-07
    ember.iinfo(ember.uint8).max      # 255
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from . import _dtype


def _checked(type: Any, name: str) -> _dtype.dtype:
    if not isinstance(type, _dtype.dtype):
        raise TypeError(f"{name}(): argument 'type' (position 1) must be ember.dtype, not {type.__class__.__name__}")
    return type


class finfo:
    """The limits of a floating-point dtype (the default dtype when none is given): bits, eps
    (1.0's distance to the next float), max, min (= -max), tiny and smallest_normal (the
    smallest positive normal number), resolution (10^-precision) and dtype (its name)."""

    def __init__(self, type: Optional[_dtype.dtype] = None) -> None:
        d = _dtype.get_default_dtype() if type is None else _checked(type, "finfo")
        if not d.is_floating_point:
            raise TypeError("ember.finfo() requires a floating point input type. Use ember.iinfo to handle 'ember.finfo'")
        info = np.finfo(d.numpy)
        self.bits: int = int(info.bits)
        self.eps, self.max, self.min = float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -int(info.precision)  # exact, where float16's own 0.001 is 0.0010004
        self.dtype: str = d.name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, finfo) and other.dtype == self.dtype

    __hash__ = None  # type: ignore[assignment]  # unhashable, as torch's

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """The limits of an integer dtype: bits, min, max (Python ints) and dtype (its name)."""

    def __init__(self, type: _dtype.dtype) -> None:
        d = _checked(type, "iinfo")
        if d is _dtype.bool_:
            raise TypeError("ember.bool is not supported by ember.iinfo")
        if d.is_floating_point:
            raise TypeError("ember.iinfo() requires an integer input type. Use ember.finfo to handle 'ember.iinfo'")
        info = np.iinfo(d.numpy)
        self.bits: int = int(info.bits)
        self.min, self.max = int(info.min), int(info.max)
        self.dtype: str = d.name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, iinfo) and other.dtype == self.dtype

    __hash__ = None  # type: ignore[assignment]  # unhashable, as torch's

    def __repr__(self) -> str:
        return f"iinfo(min={float(self.min):g}, max={float(self.max):g}, dtype={self.dtype})"
