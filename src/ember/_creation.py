"""Making tensors: from data (`tensor`, `as_tensor`, `from_numpy`), filled (`zeros`, `full`,
`arange`, `eye`, ...) and random (`rand`, `randn`, `randint`, `randperm`, `normal`).

Random tensors draw from `ember.manual_seed`'s generator unless given `generator=`; ember's
streams are reproducible but are not torch's streams (torch's generator is not NumPy's).
"""

from __future__ import annotations

import math
from typing import Any, Optional, Sequence, Union

import numpy as np

from . import _dtype, _random, _tensor
from ._convert import array_from_data, as_dtype, checked_number, checked_scalar, is_size
from ._device import on_cpu

Size = Union[int, Sequence[int]]


def _shape(size: tuple) -> tuple[int, ...]:
    if len(size) == 1 and not is_size(size[0]):
        if isinstance(size[0], _tensor.Tensor):  # torch reads no sizes out of a tensor
            raise TypeError("size must be tuple of ints, but found element of type Tensor at pos 0")
        size = tuple(size[0])
    for i, s in enumerate(size):
        if not is_size(s):
            raise TypeError(f"size must be tuple of ints, but found element of type {type(s).__name__} at pos {i}")
    shape = tuple(int(s) for s in size)
    if any(s < 0 for s in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {list(shape)}; sizes must be non-negative")
    return shape


def _new(data: np.ndarray, requires_grad: bool, device: Any = None) -> _tensor.Tensor:
    if device is not None:
        on_cpu(device)
    t = _tensor.Tensor._make(data, False, None)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _np_dtype(dtype: Optional[_dtype.dtype], default: Optional[_dtype.dtype] = None) -> Optional[np.dtype]:
    if dtype is None:
        return None if default is None else default.numpy
    return _dtype.to_numpy(dtype)


def tensor(data: Any, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    """A new tensor holding a copy of `data` (numbers, nested lists, arrays, tensors)."""
    return _new(array_from_data(data, dtype, copy=True), requires_grad, device)


def as_tensor(data: Any, dtype: Optional[_dtype.dtype] = None, device: Any = None) -> _tensor.Tensor:
    """Like `tensor`, but shares memory with `data` when no conversion is needed."""
    if device is not None:
        on_cpu(device)
    if isinstance(data, _tensor.Tensor) and (dtype is None or dtype is data.dtype):
        return data
    return _new(array_from_data(data, dtype, copy=False), False, device)


def from_numpy(array: np.ndarray) -> _tensor.Tensor:
    """A tensor sharing memory with a NumPy array."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    _dtype.from_numpy(array.dtype)
    return _tensor.Tensor._make(array, False, None)


def full(size: Size, fill_value: Any, *, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    """A tensor of `size` filled with `fill_value`, of its dtype (bool, int64 or the default float)
    unless `dtype` is given."""
    if isinstance(fill_value, _tensor.Tensor):
        fill_value = fill_value.item()
    dtype = _dtype._scalar_dtype(fill_value) if dtype is None else as_dtype(dtype)
    return _new(np.full(_shape((size,)), checked_scalar(fill_value, dtype)), requires_grad, device)


def zeros(*size: Any, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    return _new(np.zeros(_shape(size), _np_dtype(dtype, _dtype.get_default_dtype())), requires_grad, device)


def ones(*size: Any, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    return _new(np.ones(_shape(size), _np_dtype(dtype, _dtype.get_default_dtype())), requires_grad, device)


def empty(*size: Any, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    return _new(np.empty(_shape(size), _np_dtype(dtype, _dtype.get_default_dtype())), requires_grad, device)


def _like(t: _tensor.Tensor, dtype: Optional[_dtype.dtype]) -> np.dtype:
    return t._data.dtype if dtype is None else _np_dtype(dtype)


def zeros_like(input: _tensor.Tensor, *, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    return _new(np.zeros(input._data.shape, _like(input, dtype)), requires_grad, device)


def ones_like(input: _tensor.Tensor, *, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    return _new(np.ones(input._data.shape, _like(input, dtype)), requires_grad, device)


def full_like(input: _tensor.Tensor, fill_value: Any, *, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    return full(input._data.shape, fill_value, dtype=input.dtype if dtype is None else dtype, device=device, requires_grad=requires_grad)


def empty_like(input: _tensor.Tensor, *, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    return _new(np.empty(input._data.shape, _like(input, dtype)), requires_grad, device)


def arange(start: float, end: Optional[float] = None, step: float = 1, *, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    """start + i step for i = 0, 1, ... while short of `end`: ceil((end - start) / step) values,
    each one fused multiply-add in double (float for float16), as torch's scalar loop computes
    it, then rounded to the dtype; int64 unless an argument is a float. An integer dtype
    truncates the bounds and step to integers first, as torch does. Past its first vector of
    values torch's vectorised loop builds each value from the start of its vector, which depends
    on the CPU's vector width, so a fractional step can differ from torch's by an ulp there.

        arange(0, 1, 0.25)   # tensor([0.0000, 0.2500, 0.5000, 0.7500])
    """
    if end is None:
        start, end = 0, start
    start, end, step = (v.item() if isinstance(v, _tensor.Tensor) else v for v in (start, end, step))
    if dtype is None:
        dtype = _dtype.get_default_dtype() if any(isinstance(v, float) for v in (start, end, step)) else _dtype.int64
    dtype = as_dtype(dtype)
    if dtype is _dtype.bool_:
        raise NotImplementedError('"arange_cpu" not implemented for \'Bool\'')
    wide = _dtype.float32 if dtype is _dtype.float16 else _dtype.float64 if dtype.is_floating_point else _dtype.int64
    acc = wide.numpy.type
    first, last, stride = checked_number(start, wide), checked_number(end, wide), checked_number(step, wide)
    lo, hi, by = float(start), float(end), float(step)
    if by == 0:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"unsupported range: {start} -> {end}")
    if (by > 0 and hi < lo) or (by < 0 and hi > lo):
        raise RuntimeError(f"upper bound and lower bound inconsistent with step sign: step {step} never goes from {start} to {end}; swap the bounds or the step's sign")
    if dtype is _dtype.int64:  # counts with the truncated integers
        if stride == 0:
            raise ValueError(f"step must be nonzero: {step} truncates to 0 for int64; pass a float dtype")
        size = (last - first + stride - (1 if stride > 0 else -1)) // stride
    else:
        size = math.ceil((hi - lo) / by)
    i = np.arange(size, dtype=acc)  # past the dtype's range: inf, or wrapped integers, as in torch
    values = _fma(i, stride, first) if acc is np.float64 else acc(first) + acc(stride) * i
    return _new(values.astype(dtype.numpy, copy=False), requires_grad, device)


def linspace(start: Any, end: Any, steps: int, *, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    """`steps` values from start to end, evenly spaced, as torch computes them: step =
    (end - start) / (steps - 1) in the dtype (double for integers), start + i step for the first
    half and end - (steps - 1 - i) step for the second, so both ends are exact."""
    for name, v in (("start", start), ("end", end)):
        if isinstance(v, _tensor.Tensor) and v.ndim:
            raise RuntimeError(f"linspace only supports 0-dimensional start and end tensors, but got {name} with {v.ndim} dimension(s).")
    if not isinstance(steps, (int, np.integer)):
        raise TypeError(f"linspace(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError(f"number of steps must be non-negative, got {steps}")
    dtype = _dtype.get_default_dtype() if dtype is None else as_dtype(dtype)
    if dtype.name == "bool":
        raise NotImplementedError('"linspace_cpu" not implemented for \'Bool\'')
    first, last = checked_scalar(start, dtype), checked_scalar(end, dtype)
    if steps <= 1:
        return _new(np.full(steps, first), requires_grad, device)
    # the step in the dtype (double for integers); each value one fused multiply-add, as torch's
    # compiled kernel computes it (float16 rounds every operation)
    step_type = dtype.numpy.type if dtype.is_floating_point else np.float64
    stride = (last.astype(step_type) - first.astype(step_type)) / step_type(steps - 1)
    k = np.arange(steps, dtype=np.float64)
    lower = k < steps // 2
    if dtype is _dtype.float16:
        k, stride = k.astype(np.float16), np.float16(stride)
        values = np.where(lower, first + stride * k, last - stride * (np.float16(steps - 1) - k))
    else:
        values = np.where(lower, _fma(k, stride, first), _fma(k - (steps - 1), stride, last))
    return _new(values.astype(dtype.numpy), requires_grad, device)


def _fma(a: np.ndarray, b: Any, c: Any) -> np.ndarray:
    """a * b + c in float64 rounded once, as the fused multiply-add of torch's compiled kernels
    (NumPy rounds the product, then the sum). Boldo and Melquiond's emulation: the product's
    rounding error is recovered exactly (Dekker's split), the sum's too (Knuth's two-sum), and
    the two errors are added rounding to odd, so that the last addition rounds once, correctly,
    even where a plain sum of the errors would land on a tie and round twice."""
    b, c = np.float64(b), np.float64(c)
    product = a * b
    a_hi, a_lo = _split(a)
    b_hi, b_lo = _split(b)
    product_error = ((a_hi * b_hi - product) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    total, sum_error = _two_sum(product, c)
    errors, residue = _two_sum(sum_error, product_error)
    inexact_even = (residue != 0) & (errors.view(np.int64) & 1 == 0)
    errors = np.where(inexact_even, np.nextafter(errors, np.copysign(np.inf, residue)), errors)
    fused = total + errors
    return np.where(np.isfinite(fused), fused, total)  # inf and NaN as the plain sum has them


def _two_sum(x: Any, y: Any) -> tuple[Any, Any]:
    """x + y rounded, and the exact rounding error (Knuth): x + y = sum + error."""
    total = x + y
    back = total - x
    return total, (x - (total - back)) + (y - back)


def _split(x: Any) -> tuple[Any, Any]:
    """x = high + low with each half of x's 53 bits, so products of halves are exact."""
    scaled = x * 134217729.0  # 2**27 + 1
    high = scaled - (scaled - x)
    return high, x - high


def eye(n: int, m: Optional[int] = None, *, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    """The n x m (n x n) matrix with ones on its diagonal."""
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    return _new(np.eye(n, m, dtype=_np_dtype(dtype, _dtype.get_default_dtype())), requires_grad, device)


def _gen(generator: Optional[_random.Generator]) -> np.random.Generator:
    return (generator or _random.default_generator).numpy


def random_float_dtype(dtype: Optional[_dtype.dtype], kernel: str) -> np.dtype:
    """The dtype of random floats (the default float dtype unless given); torch's kernels for
    them take no integer or bool dtype."""
    d = _dtype.get_default_dtype() if dtype is None else as_dtype(dtype)
    if not d.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_dtype.torch_name(d)}\'')
    return d.numpy


def check_normal_std(std: Any) -> None:
    """torch's normal refuses a negative (or NaN) standard deviation, where NumPy's ValueError
    says only 'scale < 0'."""
    if isinstance(std, _tensor.Tensor):
        if not (std._data >= 0).all():
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif not std >= 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")


def check_uniform_bounds(low: float, high: float) -> None:
    if not low <= high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={low} > to={high}")


def rand(*size: Any, generator: Optional[_random.Generator] = None, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    """Uniform on [0, 1)."""
    d = random_float_dtype(dtype, "check_uniform_bounds")
    data = _gen(generator).random(_shape(size), dtype=np.float64).astype(d)
    return _new(data, requires_grad, device)


def randn(*size: Any, generator: Optional[_random.Generator] = None, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    """Standard normal."""
    d = random_float_dtype(dtype, "normal_kernel_cpu")
    data = _gen(generator).standard_normal(_shape(size)).astype(d)
    return _new(data, requires_grad, device)


def randint(low: int, high: Optional[int] = None, size: Sequence[int] = (), *, generator: Optional[_random.Generator] = None, dtype: Optional[_dtype.dtype] = None, device: Any = None) -> _tensor.Tensor:
    """Integers uniform on [low, high); `randint(high, size)` starts at 0. Both ends must fit the
    dtype (low and high - 1), as torch checks."""
    if high is None or not isinstance(high, (int, np.integer, float)):
        low, high, size = 0, low, high if high is not None else size
    if not isinstance(low, (int, np.integer)) or not isinstance(high, (int, np.integer)):
        raise TypeError(f"randint(): low and high must be ints, got {type(low).__name__} and {type(high).__name__}")
    d = _dtype.int64 if dtype is None else as_dtype(dtype)
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    lowest, highest = _draw_range(d)
    for name, v in (("from", low), ("to - 1", high - 1)):
        if not lowest <= v <= highest:
            raise RuntimeError(f"{name} is out of bounds for {_dtype.c_name(d)}: {d.name} holds {lowest} to {highest}")
    data = _gen(generator).integers(low, high, size=_shape((size,)), dtype=np.int64)
    return _new(data.astype(d.numpy), False, device)


def _draw_range(d: _dtype.dtype) -> tuple[int, int]:
    """The integers `randint` may draw in dtype d: its range (a float dtype's finite range)."""
    if d is _dtype.bool_:
        return 0, 1
    if d.is_floating_point:
        largest = int(np.finfo(d.numpy).max)
        return -largest, largest
    info = np.iinfo(d.numpy)
    return int(info.min), int(info.max)


def randperm(n: int, *, generator: Optional[_random.Generator] = None, dtype: Optional[_dtype.dtype] = None, device: Any = None) -> _tensor.Tensor:
    """A random permutation of 0, ..., n - 1; the dtype must hold n - 1 (a float dtype, every
    integer up to n)."""
    d = _dtype.int64 if dtype is None else as_dtype(dtype)
    _shape((n,))
    if d is _dtype.bool_:
        raise NotImplementedError('"randperm" not implemented for \'Bool\'')
    if d.is_floating_point:
        largest = 2 ** (np.finfo(d.numpy).nmant + 1) + 1
        if n > largest:
            raise RuntimeError(f"n cannot be greater than {largest} for {_dtype.torch_name(d)} type.")
    elif n:
        checked_number(n - 1, d)
    return _new(_gen(generator).permutation(n).astype(d.numpy), False, device)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Optional[Sequence[int]] = None, *, generator: Optional[_random.Generator] = None, dtype: Optional[_dtype.dtype] = None, device: Any = None, requires_grad: bool = False) -> _tensor.Tensor:
    """Normal samples; mean and std may be tensors (elementwise) or numbers with `size`."""
    if size is not None and (isinstance(mean, _tensor.Tensor) or isinstance(std, _tensor.Tensor)):
        raise TypeError("normal(): size is taken only with a number mean and std; a tensor mean or std "
                        "gives the shape itself: drop size, or pass numbers")
    check_normal_std(std)
    m = mean._data if isinstance(mean, _tensor.Tensor) else mean
    s = std._data if isinstance(std, _tensor.Tensor) else std
    shape = tuple(size) if size is not None else np.broadcast_shapes(np.shape(m), np.shape(s))
    like = mean if isinstance(mean, _tensor.Tensor) else std if isinstance(std, _tensor.Tensor) else None
    d = like._data.dtype if like is not None and dtype is None else random_float_dtype(dtype, "normal_kernel_cpu")
    if d.kind != "f":
        raise NotImplementedError(f'"normal_kernel_cpu" not implemented for \'{_dtype.torch_name(_dtype.from_numpy(d))}\'')
    data = _gen(generator).normal(m, s, size=shape).astype(d)
    return _new(data, requires_grad, device)


def rand_like(input: _tensor.Tensor, *, generator: Optional[_random.Generator] = None, dtype: Optional[_dtype.dtype] = None, device: Any = None) -> _tensor.Tensor:
    return rand(input._data.shape, generator=generator, dtype=dtype or input.dtype, device=device)


def randn_like(input: _tensor.Tensor, *, generator: Optional[_random.Generator] = None, dtype: Optional[_dtype.dtype] = None, device: Any = None) -> _tensor.Tensor:
    return randn(input._data.shape, generator=generator, dtype=dtype or input.dtype, device=device)
