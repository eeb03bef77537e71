"""In-place ops on a tensor's memory as a whole: `zero_` (every element 0, torch's ZeroBackward0
node) and `resize_` / `resize_as_` (a new shape over the same memory, grown when too small).

resize_ reads the memory in its physical order, as torch reads its storage: a transposed tensor
resized to its element count gives its elements in memory order. Shrinking keeps sharing the
memory; growing moves to a longer buffer whose new elements are unspecified (here, zeros). A
tensor that requires grad refuses, as in torch.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..autograd.function import Function
from ._util import new_zeros
from .inplace import _inplace
from .shape import Shape, _sizes


class Zero(Function):
    """Every element 0;  dx = 0."""

    _array_forward = True

    @staticmethod
    def forward(ctx, x):
        return np.zeros_like(x)

    @staticmethod
    def backward(ctx, grad):
        return new_zeros(grad, grad.shape)

    backward_arrays = backward


def zero_(input: Any) -> Any:
    """input <- 0, in place."""
    return _inplace(input, Zero.apply, fast=lambda a: a.fill(0))


def resize_(input: Any, *sizes: Shape, memory_format: Any = None) -> Any:
    """input takes the shape `sizes`, C-contiguous over its memory (see the module)."""
    shape = _sizes(sizes)
    if any(n < 0 for n in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {list(shape)}")
    if input._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if shape != input._data.shape:
        memory = input._data.ravel(order="K")
        count = math.prod(shape)
        if count > memory.size:
            memory = np.concatenate([memory, np.zeros(count - memory.size, memory.dtype)])
        input._data = memory[:count].reshape(shape)
        input._bump_version()  # torch's version moves only when the shape changes
    return input


def resize_as_(input: Any, the_template: Any, *, memory_format: Any = None) -> Any:
    """resize_ to the_template's shape."""
    return resize_(input, the_template._data.shape)
