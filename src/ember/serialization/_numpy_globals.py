"""The NumPy globals a weights-only load may name: what NumPy pickles an array, a dtype or a
scalar of a plain dtype with (numbers, booleans, fixed-size strings), so `ember.load` reads
`ember.save(np_array)` by default. An object dtype is refused wherever it could appear: its
elements would be arbitrary pickled objects.

Each is wrapped so that the object a pickle gets is fresh: NumPy's shared dtype descriptors
(`np.dtype("f8") is np.dtype("f8")`) are never handed out, so BUILD cannot change them.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from ._restricted import Refused

_RECONSTRUCT = np.zeros(0).__reduce__()[0]
_SCALAR = np.float64(0).__reduce__()[0]
_FROMBUFFER = np.zeros(0).__reduce_ex__(5)[0]  # what protocol 5 pickles an array with


def plain(dtype: np.dtype) -> np.dtype:
    """`dtype`, if it holds no Python objects; else `Refused` (an UnpicklingError)."""
    if dtype.hasobject:
        raise Refused(f"Weights only load failed: a NumPy array or scalar of dtype {dtype} (it holds "
                                     "Python objects, which could be anything); pass weights_only=False only for "
                                     "a file from a trusted source")
    return dtype


def _dtype(obj: Any, align: bool = False, copy: bool = False) -> np.dtype:
    """`np.dtype(obj, align)`, always a new descriptor (NumPy pickles dtypes with copy=True)."""
    return plain(np.dtype(obj, bool(align), True))


def _reconstruct(subtype: Any, shape: Any, typecode: Any) -> np.ndarray:
    """NumPy's `_reconstruct`, for plain ndarrays of plain dtypes."""
    if subtype is not np.ndarray:
        raise Refused(f"Weights only load failed: an array of type {subtype!r}, not numpy.ndarray")
    plain(np.dtype(typecode))
    return _RECONSTRUCT(subtype, shape, typecode)


def _scalar(dtype: Any, data: Any = None) -> Any:
    """NumPy's `scalar`, for plain dtypes."""
    if not isinstance(dtype, np.dtype):
        raise Refused(f"Weights only load failed: a NumPy scalar of {type(dtype).__name__}, not a dtype")
    return _SCALAR(plain(dtype), data)


def _frombuffer(buffer: Any, dtype: Any, shape: Any, order: Any) -> np.ndarray:
    """NumPy's `_frombuffer` (pickle protocol 5), for plain dtypes."""
    if not isinstance(dtype, np.dtype):
        raise Refused(f"Weights only load failed: an array of {type(dtype).__name__}, not a dtype")
    return _FROMBUFFER(buffer, plain(dtype), shape, order)


# NumPy 1 pickles under numpy.core, NumPy 2 under numpy._core; both are read
GLOBALS: dict[tuple[str, str], Any] = {("numpy", "ndarray"): np.ndarray, ("numpy", "dtype"): _dtype}
GLOBALS.update(
    ((f"numpy.{core}.multiarray", name), function)
    for core, (name, function) in itertools.product(("core", "_core"), (("_reconstruct", _reconstruct),
                                                                      ("scalar", _scalar))))
GLOBALS.update(((f"numpy.{core}.numeric", "_frombuffer"), _frombuffer) for core in ("core", "_core"))


def buildable(obj: Any) -> bool:
    """Whether BUILD may set `obj`'s state: a fresh array or dtype (checked again after)."""
    return type(obj) is np.ndarray or isinstance(obj, np.dtype)


def check_built(obj: Any) -> None:
    """An array or dtype after BUILD still holds no Python objects."""
    if isinstance(obj, (np.ndarray, np.dtype)):
        plain(obj if isinstance(obj, np.dtype) else obj.dtype)
