"""The `*_copy` variants of the view ops (torch's functionalization names): the same values as
the view, in new memory that nothing else shares, and the view's gradient. Each Function is its
view's Function with the output copied and torch's node name (`ExpandBackward0_copy`, ...).
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence, Union

import numpy as np

from ..autograd.function import Function
from ._util import normalize_dims
from .diagonal import Diagonal, _dims
from .index import Slice, narrow_key
from .join import SplitWithSizes, Unbind
from .shape import (
    Clone, Expand, Permute, Reshape, T, Transpose, _sizes, permuted_dims, squeeze_fn, squeezed_shape,
    transpose, unsqueezed_shape,
)
from .splitting import checked_sizes
from .tile_repeat import Unfold, UnfoldBackward, unfold_dim


def _copied(view_forward: Callable) -> Any:
    """A view's array forward whose outputs are copied into fresh C-contiguous arrays."""

    def forward(ctx: Any, *args: Any) -> Any:
        out = view_forward(ctx, *args)
        return tuple([np.array(o, order="C") for o in out]) if isinstance(out, tuple) else np.array(out, order="C")

    return staticmethod(forward)


class ExpandCopy(Expand):
    """expand, copied;  dx = dy summed over the repeated dimensions."""

    _is_view = False
    backward_name = "ExpandBackward0_copy"
    forward = _copied(Expand.forward)


class DiagonalCopy(Diagonal):
    """diagonal, copied;  dx = zeros with dy on that diagonal."""

    _is_view = False
    backward_name = "DiagonalBackward0_copy"
    forward = _copied(Diagonal.forward)


class AliasCopy(Clone):
    """A copy of x (torch's alias, functionalized);  dx = dy."""

    backward_name = "AliasBackward0_copy"


class SqueezeCopy(Reshape):
    """squeeze of every size-1 dim, copied;  dx = dy reshaped back."""

    _is_view = False
    backward_name = "SqueezeBackward0_copy"
    forward = _copied(Reshape.forward)


class SqueezeDimCopy(SqueezeCopy):
    """squeeze of one dim, copied;  dx = dy reshaped back."""

    backward_name = "SqueezeBackward1_copy"


class SqueezeDimsCopy(SqueezeCopy):
    """squeeze of a list of dims, copied;  dx = dy reshaped back."""

    backward_name = "SqueezeBackward2_copy"


class UnsqueezeCopy(SqueezeCopy):
    """unsqueeze, copied;  dx = dy reshaped back."""

    backward_name = "UnsqueezeBackward0_copy"


class TransposeCopy(Transpose):
    """transpose, copied;  dx = dy transposed back."""

    _is_view = False
    backward_name = "TransposeBackward0_copy"
    forward = _copied(Transpose.forward)


class TCopy(T):
    """t, copied;  dx = dy transposed back."""

    _is_view = False
    backward_name = "TBackward0_copy"
    forward = _copied(T.forward)


class ViewCopy(SqueezeCopy):
    """view, copied;  dx = dy reshaped back."""

    backward_name = "ViewBackward0_copy"


class PermuteCopy(Permute):
    """permute, copied;  dx = dy permuted by the inverse order."""

    _is_view = False
    backward_name = "PermuteBackward0_copy"
    forward = _copied(Permute.forward)


class NarrowCopy(Slice):
    """narrow, copied;  dx = zeros with dy in the narrowed range."""

    _is_view = False
    backward_name = "NarrowCopyBackward0"
    forward = _copied(Slice.forward)


class UnfoldCopy(Function):
    """unfold, copied (a 0-d x unfolds as [1]);  dx = each window's gradient added back where
    the window was read."""

    _array_forward = True
    backward_name = "UnfoldBackward0_copy"

    @staticmethod
    def forward(ctx, x, dim, size, step):
        ctx.in_shape = x.shape
        windows = Unfold.forward(ctx, x.reshape(x.shape or (1,)), dim, size, step)
        return np.array(windows if x.ndim else windows.reshape(size), order="C")

    @staticmethod
    def backward(ctx, grad):
        windows = grad if ctx.in_shape else grad.reshape((1, ctx.args[1]))
        return UnfoldBackward.apply(windows, ctx.shape, *ctx.args).reshape(ctx.in_shape), None, None, None


class UnbindCopy(Unbind):
    """unbind, copied;  dx = the pieces' gradients stacked back along dim."""

    _is_view = False
    backward_name = "UnbindBackward0_copy"
    forward = _copied(Unbind.forward)


class SplitWithSizesCopy(SplitWithSizes):
    """split_with_sizes, copied;  dx = the pieces' gradients joined back (zeros for a piece that
    received none)."""

    _is_view = False
    backward_name = "SplitWithSizesBackward0_copy"
    forward = _copied(SplitWithSizes.forward)


def expand_copy(input: Any, size: Sequence[int], *, implicit: bool = False) -> Any:
    """`expand` into new memory."""
    return ExpandCopy.apply(input, _sizes((size,)))


def diagonal_copy(input: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Any:
    """`diagonal` into new memory."""
    return DiagonalCopy.apply(input, int(offset), *_dims(input.ndim, dim1, dim2))


def alias_copy(input: Any) -> Any:
    """A copy of input, recorded as torch's functionalized alias."""
    return AliasCopy.apply(input)


def squeeze_copy(input: Any, dim: Optional[Union[int, Sequence[int]]] = None) -> Any:
    """`squeeze` into new memory."""
    return squeeze_fn(dim, SqueezeCopy, SqueezeDimCopy, SqueezeDimsCopy).apply(input, squeezed_shape(input, dim))


def unsqueeze_copy(input: Any, dim: int) -> Any:
    """`unsqueeze` into new memory."""
    return UnsqueezeCopy.apply(input, unsqueezed_shape(input, dim))


def transpose_copy(input: Any, dim0: int, dim1: int) -> Any:
    """`transpose` into new memory (a 0-d or 1-d input is copied as it is)."""
    return transpose(input, dim0, dim1, TransposeCopy)


def t_copy(input: Any) -> Any:
    """`t` into new memory."""
    if input.ndim > 2:
        raise RuntimeError(f"t_copy() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return TCopy.apply(input, tuple(reversed(range(input.ndim))))


def unfold_copy(input: Any, dimension: int, size: int, step: int) -> Any:
    """`Tensor.unfold` into new memory."""
    return UnfoldCopy.apply(input, unfold_dim(input.shape or (1,), dimension, size, step), size, step)


def unbind_copy(input: Any, dim: int = 0) -> tuple:
    """`unbind` into new memory."""
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    return UnbindCopy.apply(input, normalize_dims(dim, input.ndim)[0])


def split_with_sizes_copy(input: Any, split_sizes: Sequence[int], dim: int = 0) -> tuple:
    """`split_with_sizes` into new memory."""
    d, sizes = checked_sizes(input, split_sizes, dim)
    return SplitWithSizesCopy.apply(input, sizes, d)


def view_copy(input: Any, *size: Any) -> Any:
    """`view` into new memory: the shape (-1 inferred, the element count kept) whatever the
    strides, as torch's."""
    return ViewCopy.apply(input, _sizes(size))


def permute_copy(input: Any, dims: Sequence[int]) -> Any:
    """`permute` into new memory."""
    return PermuteCopy.apply(input, permuted_dims(input, (dims,)))


def narrow_copy(input: Any, dim: int, start: Any, length: int) -> Any:
    """`narrow` into new memory. As torch's, a dim past the last is a RuntimeError (its kernel's
    check), a dim before the first an IndexError (the usual wrap)."""
    if input.ndim and dim >= input.ndim:
        raise RuntimeError(f"narrow_copy(): dim {dim} is out of range for a tensor with {input.ndim} dimensions")
    return NarrowCopy.apply(input, narrow_key(input, dim, start, length))
