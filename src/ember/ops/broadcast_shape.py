"""Broadcasting on shapes: `broadcast_shapes` (the shape tensors of these shapes broadcast to)
and `Tensor.sum_to_size` (its adjoint: sum a tensor down to a shape that broadcasts to it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Union

from .._size import Size
from .reduce import sum
from .shape import _sizes, reshape

ShapeLike = Union[int, Sequence[int]]


def broadcast_shapes(*shapes: ShapeLike) -> Size:
    """The shape tensors of `shapes` broadcast to: aligned on the right, each dim the one size
    other than 1 (an int stands for a 1-d shape), as in torch:
    `broadcast_shapes((2,), (3, 1), (1, 1, 1))` is `Size([1, 3, 2])`."""
    given = [(s,) if isinstance(s, int) else s for s in shapes if s is not None]
    for shape in given:
        if not isinstance(shape, Sequence):
            raise RuntimeError(f"Input shapes should be of type ints, a tuple of ints, or a list of ints, got {shape}")
    common = [1] * max((len(s) for s in given), default=0)
    for index, shape in enumerate(given):
        for dim in range(-1, -1 - len(shape), -1):
            size = shape[dim]
            if size == common[dim] or size == 1:
                continue
            if common[dim] != 1:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {size} at {dim}! Mismatching argument at "
                    f"index {index} had {shape}; but expected shape should be broadcastable to {common}"
                )
            if size < 0:
                raise ValueError("Attempting to broadcast a dimension with negative length!")
            common[dim] = size
    return Size(common)


def sum_to_size(input: Any, *size: ShapeLike) -> Any:
    """input summed down to `size`, a shape that broadcasts to input's: over the leading dims
    input has beyond it and over the dims where size has 1 (the input itself when the shapes are
    equal; the empty shape sums everything, even a 0-d input, as torch does);  dx = dy expanded back."""
    if not size:
        raise TypeError('sum_to_size() missing 1 required positional arguments: "size"')
    shape = _sizes(size)
    have = input._data.shape
    lead = len(have) - len(shape)
    if lead < 0 or any(n != 1 and n != have[lead + i] for i, n in enumerate(shape)):
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(have)}}}.")
    if not shape:  # torch's sum_to: the empty shape is the sum of everything, a 0-d input too
        return sum(input)
    if shape == have:
        return input
    dims = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and have[lead + i] != 1)
    out = sum(input, dims, keepdim=True) if dims else input
    return reshape(out, shape) if lead else out
