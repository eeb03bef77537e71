"""Python data and numbers read as torch reads them: the dtype it infers from nested lists
(NumPy scalars and tensors inside keep theirs), numbers converted once, straight to the asked
dtype, and the checked conversion that refuses a number a dtype cannot hold (uint8 300, NaN into
int64) where NumPy would wrap it or warn."""

from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from . import _dtype, _tensor


def as_dtype(dtype: Any) -> _dtype.dtype:
    """An ember dtype for what `dtype=` accepts (also NumPy dtypes and `float`, `int`, `bool`)."""
    return dtype if isinstance(dtype, _dtype.dtype) else _dtype.from_numpy(_dtype.to_numpy(dtype))


def _data_dtype(data: Any, scalars: list) -> Optional[_dtype.dtype]:
    """torch's dtype for nested data: Python bools, ints and floats read as bool, int64 and the
    default float dtype, NumPy scalars and arrays and tensors inside keep theirs, and the result
    is their promotion ([np.float64(0.1), 1] is float64). None for no elements; other types
    (a range) are left to NumPy. Tensors and NumPy scalars met are appended to `scalars`."""
    if isinstance(data, (_tensor.Tensor, np.generic)):
        scalars.append(data)
        return _dtype.from_numpy(data.dtype) if isinstance(data, np.generic) else data.dtype
    if isinstance(data, np.ndarray):
        return _dtype.from_numpy(data.dtype)
    if isinstance(data, (list, tuple)):
        out = None
        for kind in set(map(type, data)):  # one look per type: a list of floats costs one pass in C
            python = _PYTHON_DTYPES.get(kind)
            found = [python()] if python else [_data_dtype(x, scalars) for x in data if type(x) is kind]
            for d in found:
                if d is not None:
                    out = d if out is None else _dtype.promote_types(out, d)
        return out
    python = _PYTHON_DTYPES.get(type(data))
    if python:
        return python()
    if isinstance(data, str):
        raise ValueError(f"too many dimensions 'str': {data!r} is not a number; convert strings to numbers first")
    if data is None:
        raise RuntimeError("Could not infer dtype of NoneType: tensor data must be numbers, not None")
    return None


_PYTHON_DTYPES = {bool: lambda: _dtype.bool_, int: lambda: _dtype.int64, float: _dtype.get_default_dtype}


def _python_dtype(raw: np.ndarray) -> _dtype.dtype:
    """The dtype torch gives data NumPy read as `raw`: floats the default dtype, ints int64."""
    kind = raw.dtype.kind if raw.size else "f"
    return _dtype.bool_ if kind == "b" else _dtype.get_default_dtype() if kind == "f" else _dtype.int64


def _first_non_index(data: Any, target: _dtype.dtype) -> Optional[tuple[int, TypeError]]:
    """torch reads tensors and NumPy scalars into an integer or bool dtype as Python indices, and
    refuses those that are not: float tensors, NumPy floats other than float64 (a Python float),
    and NumPy bools into an integer dtype. The first such element's flat position and error."""
    position = 0

    def walk(x: Any) -> Optional[tuple[int, TypeError]]:
        nonlocal position
        if isinstance(x, (list, tuple)):
            for y in x:
                found = walk(y)
                if found:
                    return found
            return None
        if isinstance(x, _tensor.Tensor) and x.is_floating_point():
            return position, TypeError("only integer tensors of a single element can be converted to an index")
        if isinstance(x, np.floating) and not isinstance(x, float) or isinstance(x, np.bool_) and target._kind == _dtype._INT:
            return position, TypeError(f"'numpy.{type(x).__name__}' object cannot be interpreted as an integer; convert it with int() first")
        position += x.size if isinstance(x, np.ndarray) else 1
        return None

    return walk(data)


def _scalars(data: Any) -> Any:
    """Nested data with each tensor in it read as the one number it holds, as torch reads them."""
    if isinstance(data, _tensor.Tensor):
        if data._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return data._data.item()
    if isinstance(data, (list, tuple)):
        return [_scalars(x) for x in data]
    return data


def _range(dtype: _dtype.dtype, of_floats: bool) -> tuple[int, int]:
    """The numbers torch's checked conversion lets into an integer dtype: its range, and for ints
    also negatives down to -max in an unsigned dtype, which they wrap into (-1 is 255 in uint8)."""
    low, high = _INT_RANGES[dtype]
    return (low, high) if of_floats or low else (-high, high)


_INT_RANGES = {d: (int(np.iinfo(d.numpy).min), int(np.iinfo(d.numpy).max)) for d in _dtype.ALL if d._kind == _dtype._INT}


def _overflow(value: Any, dtype: _dtype.dtype, type_name: str) -> RuntimeError:
    low, high = _INT_RANGES.get(dtype, (None, None))
    where = f"{dtype.name}, whose values run from {low} to {high}" if low is not None else f"{dtype.name}"
    return RuntimeError(f"value cannot be converted to type {type_name} without overflow: {value} does not fit in {where}; pass a wider dtype")


def _first_overflow(values: np.ndarray, dtype: _dtype.dtype) -> Optional[int]:
    """The flat position of the first number an integer dtype cannot hold (`_range`; NaN and inf
    never fit), None when all fit."""
    if values.dtype.kind == "b" or values.size == 0 or np.can_cast(values.dtype, dtype.numpy):
        return None  # every value of values' dtype fits (NumPy read Python ints as int64)
    low, high = _range(dtype, values.dtype.kind == "f")
    with np.errstate(invalid="ignore"):
        bad = ~((values >= low) & (values <= high))
    return int(np.argmax(bad.ravel())) if bad.any() else None


def array_from_data(data: Any, dtype: Optional[_dtype.dtype], copy: bool) -> np.ndarray:
    """`data` as an array of `dtype` (torch's reading of it when None). Tensors and NumPy arrays
    keep their dtype or are cast (wrapping, as torch's casts do); Python numbers are converted
    once, straight to the dtype (0.1 as float64 is the double 0.1), and an integer dtype refuses
    those it cannot hold."""
    if isinstance(data, _tensor.Tensor) or isinstance(data, (np.ndarray, np.generic)):
        array = np.asarray(data._data if isinstance(data, _tensor.Tensor) else data)
        _dtype.from_numpy(array.dtype)
        return _dtype.astype(array, array.dtype if dtype is None else _dtype.to_numpy(dtype), copy=copy)
    scalars: list = []
    inferred = _data_dtype(data, scalars)
    tensors = any(isinstance(x, _tensor.Tensor) for x in scalars)
    # uint64 data read as uint64: NumPy reads ints past int64 beside small ones as float64
    raw = np.array(_scalars(data) if tensors else data, dtype=np.uint64 if dtype is _dtype.uint64 else None)
    kind = raw.dtype.kind
    # Python ints beyond int64: NumPy reads them as uint64 (or objects); NumPy's own unsigned
    # scalars keep their dtype
    big_ints = (raw.dtype == np.uint64 and not scalars) or kind == "O" and all(type(v) is int for v in raw.flat)
    if kind not in "biuf" and not big_ints:
        raise TypeError(f"Could not infer dtype of {type(data).__name__}: expected numbers or nested lists of numbers")
    target = as_dtype(dtype) if dtype is not None else inferred or _python_dtype(raw)
    if target._kind != _dtype._FLOAT:  # torch refuses the first element it cannot store
        refused = _first_non_index(data, target) if scalars else None
        overflow = None
        if target._kind == _dtype._INT:
            if big_ints and target is not _dtype.uint64:
                raise ValueError(f"Overflow when unpacking long long: {max(raw.flat, key=abs)} is outside int64's range")
            overflow = _first_overflow(raw, target)
        if refused is not None and (overflow is None or refused[0] <= overflow):
            raise refused[1]
        if overflow is not None:
            raise _overflow(raw.flat[overflow], target, target.name)
    return _dtype.astype(raw, target.numpy)  # too large for a float dtype: inf, as in torch


def checked_scalar(value: Any, dtype: _dtype.dtype) -> np.ndarray:
    """A number (or one-element tensor) as a 0-d array of `dtype`, checked (`checked_number`)."""
    return _dtype.astype(np.asarray(checked_number(value, dtype)), dtype.numpy)


def put_scalar(value: Any, dtype: _dtype.dtype) -> np.ndarray:
    """A number written among a tensor's elements by `where` or by `x[key] = v`, converted as torch
    converts it there: unchecked into float16 (-1e9, an attention mask's fill, is -inf; 1e6 is
    inf), checked into the other dtypes (`checked_scalar`: 300 into uint8 and 1e39 into float32
    are refused, -1 into uint8 is 255)."""
    if dtype is _dtype.float16:
        return _dtype.astype(np.asarray(value, np.float64), np.float16)
    return checked_scalar(value, dtype)


def checked_number(value: Any, dtype: _dtype.dtype) -> Any:
    """A number (or one-element tensor) checked as torch's scalar conversion checks it: an
    integer dtype refuses numbers it cannot hold (`_range`) and gets the int truncated toward 0;
    float32 and float16 refuse finite numbers beyond their largest (torch's fill of a single
    element skips that check and gives inf; ember refuses there too)."""
    if isinstance(value, _tensor.Tensor):
        value = value.item()
    if isinstance(value, complex):  # torch keeps a complex number's real part only when imag is 0
        if value.imag:
            raise RuntimeError(f"value cannot be converted to type {dtype.name} without overflow: {value} has an "
                               "imaginary part, and ember has no complex dtypes; pass its .real")
        value = value.real
    if dtype._kind == _dtype._INT:
        low, high = _range(dtype, isinstance(value, (float, np.floating)))
        if not low <= value <= high:
            raise _overflow(value, dtype, f"{dtype.name}_t")
        return int(value)
    largest = _FLOAT_MAX.get(dtype)
    if largest is not None and abs(value) > largest and math.isfinite(value):
        raise _overflow(value, dtype, dtype.name)
    return value


_FLOAT_MAX = {d: float(np.finfo(d.numpy).max) for d in (_dtype.float16, _dtype.float32)}


def is_size(s: Any) -> bool:
    """An int as torch takes it in a size or a shape: a Python or NumPy int, or a one-element
    integer tensor (`zeros(n, lengths.max())`); a longer tensor is a sequence of sizes."""
    if isinstance(s, _tensor.Tensor):
        return s._data.size == 1 and s._data.dtype.kind in "iu"
    return isinstance(s, (int, np.integer))
