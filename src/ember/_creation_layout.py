"""Creation with a chosen memory layout (`empty_strided`, `new_empty_strided`, `empty_permuted`),
and `scalar_tensor` and `randint_like`.

An ember tensor is a NumPy array, and NumPy arrays carry strides as torch's tensors do: a strided
tensor is a view over a buffer just long enough for its largest offset, so `stride()` reports the
strides asked for (in elements), zeros included. Like torch's, its values are unspecified (here,
zeros).
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from . import _dtype, _random, _tensor
from ._creation import _new, _np_dtype, _shape, randint


def empty_strided(
    size: Sequence[int], stride: Sequence[int], *, dtype: Optional[_dtype.dtype] = None, layout: Any = None,
    device: Any = None, requires_grad: bool = False, pin_memory: bool = False,
) -> _tensor.Tensor:
    """A tensor of `size` whose element i sits at offset sum(i_k * stride_k) of its memory."""
    shape, strides = _shape((size,)), tuple(int(s) for s in stride)
    if len(shape) != len(strides):
        raise RuntimeError(f"mismatch in length of strides and shape: size {list(shape)}, stride {list(strides)}")
    if any(s < 0 for s in strides):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: {list(strides)}")
    np_dtype = _np_dtype(dtype, _dtype.get_default_dtype())
    extent = 1 + sum((n - 1) * s for n, s in zip(shape, strides)) if all(shape) else 0
    buffer = np.zeros(extent, np_dtype)
    data = np.lib.stride_tricks.as_strided(buffer, shape, tuple(s * buffer.itemsize for s in strides))
    return _new(data, requires_grad, device)


def new_empty_strided(
    self: _tensor.Tensor, size: Sequence[int], stride: Sequence[int], *, dtype: Optional[_dtype.dtype] = None,
    layout: Any = None, device: Any = None, requires_grad: bool = False, pin_memory: bool = False,
) -> _tensor.Tensor:
    """`empty_strided` with self's dtype unless another is given."""
    return empty_strided(size, stride, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


def empty_permuted(
    size: Sequence[int], physical_layout: Sequence[int], *, dtype: Optional[_dtype.dtype] = None, layout: Any = None,
    device: Any = None, requires_grad: bool = False, pin_memory: bool = False,
) -> _tensor.Tensor:
    """A tensor of `size` whose memory holds its dims in the order `physical_layout` (outermost
    first): `empty_permuted((2, 3, 4), (0, 2, 1))` is laid out as a [2, 4, 3] tensor, transposed."""
    shape, order = _shape((size,)), [int(d) for d in physical_layout]
    if len(order) != len(shape):
        raise RuntimeError("Number of dimensions in size does not match the length of the physical_layout")
    for d in order:
        if not 0 <= d < len(shape):
            raise RuntimeError(f"Dimension out of range (expected to be in range of [0, {len(shape) - 1}], but got {d})")
    if len(set(order)) != len(order):
        raise RuntimeError(f"Duplicate dim not allowed: physical_layout {order}")
    return empty_strided(shape, contiguous_strides(shape, order), dtype=dtype, device=device, requires_grad=requires_grad)


def contiguous_strides(shape: Sequence[int], order: Optional[Sequence[int]] = None) -> tuple[int, ...]:
    """torch's strides (in elements) of a dense tensor of `shape` whose dims lie in memory in
    `order`, outermost first (by default 0, 1, ...); a dim of size 0 counts as 1."""
    strides, step = [0] * len(shape), 1
    for d in reversed(range(len(shape)) if order is None else order):
        strides[d] = step
        step *= max(shape[d], 1)
    return tuple(strides)


def scalar_tensor(
    s: Any, *, dtype: Optional[_dtype.dtype] = None, layout: Any = None, device: Any = None,
    requires_grad: bool = False, pin_memory: bool = False,
) -> _tensor.Tensor:
    """A 0-d tensor holding the number s, in the default float dtype unless another is given
    (an int or bool s too, as in torch)."""
    data = np.array(s._data if isinstance(s, _tensor.Tensor) else s).astype(_np_dtype(dtype, _dtype.get_default_dtype()))
    return _new(data, requires_grad, device)


def randint_like(
    input: _tensor.Tensor, low: Any = 0, high: Any = None, *, generator: Optional[_random.Generator] = None,
    dtype: Optional[_dtype.dtype] = None, layout: Any = None, device: Any = None, requires_grad: bool = False,
    memory_format: Any = None,
) -> _tensor.Tensor:
    """Integers uniform on [low, high) in input's shape and dtype (unless another is given);
    `randint_like(input, high)` starts at 0, and high may be a 0-d integer tensor."""
    if high is None:
        low, high = 0, low
    if isinstance(high, _tensor.Tensor):
        high = int(high._data)
    out = randint(low, high, input._data.shape, generator=generator, dtype=dtype or input.dtype, device=device)
    return out.requires_grad_(requires_grad) if requires_grad else out
