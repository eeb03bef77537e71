"""Making tensors: from data (`tensor`, `as_tensor`, `from_numpy`), filled (`zeros`, `full`,
`arange`, `eye`, ...) and random (`rand`, `randn`, `randint`, `randperm`, `normal`).

Random tensors draw from `ember.manual_seed`'s generator unless given `generator=`; ember's
streams are reproducible but are not torch's streams (torch's generator is not NumPy's).
"""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np

from . import _dtype, _random, _tensor
from ._device import device as _device

Size = Union[int, Sequence[int]]


def _shape(size: tuple) -> tuple[int, ...]:
    if len(size) == 1 and not isinstance(size[0], (int, np.integer)):
        size = tuple(size[0])
    shape = tuple(int(s) for s in size)
    if any(s < 0 for s in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension: {list(shape)}; sizes must be non-negative")
    return shape


def _new(data: np.ndarray, requires_grad: bool, device: Any = None) -> _tensor.Tensor:
    if device is not None:
        _device(device)
    t = _tensor.Tensor._make(data, False, None)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _np_dtype(dtype: Optional[_dtype.dtype], default: Optional[_dtype.dtype] = None) -> Optional[np.dtype]:
    if dtype is None:
        return None if default is None else default.numpy
    return _dtype.to_numpy(dtype)


def _infer(data: Any) -> np.ndarray:
    """NumPy's reading of the data, with torch's defaults: Python floats -> the default float
    dtype, Python ints -> int64; NumPy arrays keep their dtype."""
    if isinstance(data, _tensor.Tensor):
        return data._data
    if isinstance(data, (np.ndarray, np.generic)):
        array = np.asarray(data)
        _dtype.from_numpy(array.dtype)
        return array
    array = np.array(data)
    if array.dtype.kind == "f":
        return array.astype(_dtype.get_default_dtype().numpy)
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    if array.dtype.kind == "O" or array.dtype.kind in "USc":
        raise TypeError(f"Could not infer dtype of {type(data).__name__}: expected numbers or nested lists of numbers")
    return array


def tensor(data: Any, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    """A new tensor holding a copy of `data` (numbers, nested lists, arrays, tensors)."""
    array = np.array(_infer(data), dtype=_np_dtype(dtype), copy=True)
    return _new(array, requires_grad, device)


def as_tensor(data: Any, dtype: Optional[_dtype.dtype] = None, device: Any = None) -> _tensor.Tensor:
    """Like `tensor`, but shares memory with `data` when no conversion is needed."""
    if isinstance(data, _tensor.Tensor) and (dtype is None or dtype is data.dtype):
        return data
    array = _infer(data)
    return _new(array if dtype is None else array.astype(_np_dtype(dtype), copy=False), False, device)


def from_numpy(array: np.ndarray) -> _tensor.Tensor:
    """A tensor sharing memory with a NumPy array."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    _dtype.from_numpy(array.dtype)
    return _tensor.Tensor._make(array, False, None)


def full(size: Size, fill_value: Any, *, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    if dtype is None:
        dtype = _dtype._scalar_dtype(fill_value)
    return _new(np.full(_shape((size,)), fill_value, dtype=_np_dtype(dtype)), requires_grad, device)


def zeros(*size: Any, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    return _new(np.zeros(_shape(size), _np_dtype(dtype, _dtype.get_default_dtype())), requires_grad, device)


def ones(*size: Any, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    return _new(np.ones(_shape(size), _np_dtype(dtype, _dtype.get_default_dtype())), requires_grad, device)


def empty(*size: Any, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    return _new(np.empty(_shape(size), _np_dtype(dtype, _dtype.get_default_dtype())), requires_grad, device)


def _like(t: _tensor.Tensor, dtype: Optional[_dtype.dtype]) -> np.dtype:
    return t._data.dtype if dtype is None else _np_dtype(dtype)


def zeros_like(input: _tensor.Tensor, *, dtype: Optional[_dtype.dtype] = None, requires_grad: bool = False) -> _tensor.Tensor:
    return _new(np.zeros(input.shape, _like(input, dtype)), requires_grad)


def ones_like(input: _tensor.Tensor, *, dtype: Optional[_dtype.dtype] = None, requires_grad: bool = False) -> _tensor.Tensor:
    return _new(np.ones(input.shape, _like(input, dtype)), requires_grad)


def full_like(input: _tensor.Tensor, fill_value: Any, *, dtype: Optional[_dtype.dtype] = None, requires_grad: bool = False) -> _tensor.Tensor:
    return _new(np.full(input.shape, fill_value, _like(input, dtype)), requires_grad)


def empty_like(input: _tensor.Tensor, *, dtype: Optional[_dtype.dtype] = None, requires_grad: bool = False) -> _tensor.Tensor:
    return _new(np.empty(input.shape, _like(input, dtype)), requires_grad)


def arange(start: float, end: Optional[float] = None, step: float = 1, *, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    """Values from start (inclusive) to end (exclusive); int64 unless an argument is a float."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        dtype = _dtype.get_default_dtype() if is_float else _dtype.int64
    return _new(np.arange(start, end, step).astype(_np_dtype(dtype)), requires_grad, device)


def linspace(start: float, end: float, steps: int, *, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    data = np.linspace(start, end, steps, dtype=np.float64).astype(_np_dtype(dtype, _dtype.get_default_dtype()))
    return _new(data, requires_grad, device)


def eye(n: int, m: Optional[int] = None, *, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    return _new(np.eye(n, m, dtype=_np_dtype(dtype, _dtype.get_default_dtype())), requires_grad, device)


def _gen(generator: Optional[_random.Generator]) -> np.random.Generator:
    return (generator or _random.default_generator).numpy


def _float_dtype(dtype: Optional[_dtype.dtype]) -> np.dtype:
    d = _np_dtype(dtype, _dtype.get_default_dtype())
    if d.kind != "f":
        raise RuntimeError(f"expected a floating-point dtype for random floats, got {dtype}")
    return d


def rand(*size: Any, generator: Optional[_random.Generator] = None, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    """Uniform on [0, 1)."""
    d = _float_dtype(dtype)
    data = _gen(generator).random(_shape(size), dtype=np.float64).astype(d)
    return _new(data, requires_grad, device)


def randn(*size: Any, generator: Optional[_random.Generator] = None, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    """Standard normal."""
    d = _float_dtype(dtype)
    data = _gen(generator).standard_normal(_shape(size)).astype(d)
    return _new(data, requires_grad, device)


def randint(low: int, high: Optional[int] = None, size: Sequence[int] = (), *, generator: Optional[_random.Generator] = None, dtype: Optional[_dtype.dtype] = None, device: Any = None) -> _tensor.Tensor:
    """Integers uniform on [low, high); `randint(high, size)` starts at 0."""
    if high is None or not isinstance(high, (int, np.integer)):
        low, high, size = 0, low, high if high is not None else size
    data = _gen(generator).integers(low, high, size=tuple(size), dtype=np.int64)
    return _new(data.astype(_np_dtype(dtype, _dtype.int64)), False, device)


def randperm(n: int, *, generator: Optional[_random.Generator] = None, dtype: Optional[_dtype.dtype] = None, device: Any = None) -> _tensor.Tensor:
    data = _gen(generator).permutation(n).astype(_np_dtype(dtype, _dtype.int64))
    return _new(data, False, device)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Optional[Sequence[int]] = None, *, generator: Optional[_random.Generator] = None, dtype: Optional[_dtype.dtype] = None) -> _tensor.Tensor:
    """Normal samples; mean and std may be tensors (elementwise) or numbers with `size`."""
    m = mean._data if isinstance(mean, _tensor.Tensor) else mean
    s = std._data if isinstance(std, _tensor.Tensor) else std
    shape = tuple(size) if size is not None else np.broadcast_shapes(np.shape(m), np.shape(s))
    like = mean if isinstance(mean, _tensor.Tensor) else std if isinstance(std, _tensor.Tensor) else None
    d = like._data.dtype if like is not None and dtype is None else _float_dtype(dtype)
    data = _gen(generator).normal(m, s, size=shape).astype(d)
    return _new(data, False)


def rand_like(input: _tensor.Tensor, *, generator: Optional[_random.Generator] = None, dtype: Optional[_dtype.dtype] = None) -> _tensor.Tensor:
    return rand(input.shape, generator=generator, dtype=dtype or input.dtype)


def randn_like(input: _tensor.Tensor, *, generator: Optional[_random.Generator] = None, dtype: Optional[_dtype.dtype] = None) -> _tensor.Tensor:
    return randn(input.shape, generator=generator, dtype=dtype or input.dtype)
