"""Splitting by torch's lower-level names: `split_with_sizes` (the pieces as views, one node),
and `unsafe_split` / `unsafe_chunk`, whose pieces share input's memory but are not tracked as
views of it, so an in-place op may write into them (torch's promise: the caller knows no one
reads the other pieces' or the input's values afterwards). Every piece's gradient goes back to
its place in dx, zeros where a piece received none.
"""

from __future__ import annotations

from typing import Any, Sequence

from ._util import normalize_dims
from ._views import track_pieces
from .join import Split, SplitWithSizes


class UnsafeSplit(Split):
    """Consecutive pieces of x along dim sharing its memory, untracked;  dx = the pieces'
    gradients joined back."""

    _is_view = False


def _split_dim(input: Any, dim: int) -> int:
    if input.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    return normalize_dims(dim, input.ndim)[0]


def checked_sizes(input: Any, sizes: Sequence[int], dim: int) -> tuple[int, list[int]]:
    """(the axis, the sizes) of a split into pieces of `sizes` along dim, checked as torch does."""
    d = _split_dim(input, dim)
    sizes = [int(s) for s in sizes]
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes={sizes}")
    n = input.shape[d]
    if sum(sizes) != n:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at dimension {d}), "
            f"but got split_sizes={sizes}"
        )
    return d, sizes


def _even_sizes(input: Any, split_size: int, dim: int) -> tuple[int, list[int]]:
    """(the axis, the sizes) of pieces of split_size along dim, the last one shorter."""
    d = _split_dim(input, dim)
    n = input.shape[d]
    if split_size < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={split_size}")
    if split_size == 0 and n:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
    return d, [min(split_size, n - s) for s in range(0, n, split_size)] if n else [0]


def split_with_sizes(input: Any, split_sizes: Sequence[int], dim: int = 0) -> tuple:
    """Pieces of the given sizes along dim, each a view of input."""
    d, sizes = checked_sizes(input, split_sizes, dim)
    return track_pieces(SplitWithSizes.apply(input, sizes, d), input)


def unsafe_split(input: Any, split_size: int, dim: int = 0) -> tuple:
    """Pieces of split_size along dim (the last one shorter), untracked (see the module)."""
    d, sizes = _even_sizes(input, int(split_size), dim)
    return UnsafeSplit.apply(input, sizes, d)


def unsafe_chunk(input: Any, chunks: int, dim: int = 0) -> tuple:
    """`chunks` pieces along dim of ceil(n / chunks) elements (fewer pieces when they run out),
    untracked (see the module)."""
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = normalize_dims(dim, input.ndim)[0]
    n = input.shape[d]
    if n == 0:
        return UnsafeSplit.apply(input, [0] * chunks, d)
    return unsafe_split(input, -(-n // chunks), d)
