"""The order torch's CPU sort leaves elements in, ties included.

A stable sort (stable=True, and every sort of a row without ties) is NumPy's stable argsort;
an unstable one of a dtype ember cannot replay, NumPy's quicksort (ascending).
An unstable one is whatever torch's kernel does, and on ties the kernels differ: for int8,
int16, uint8, bool and float16 torch calls `std::sort` (GCC's introsort) on (value, index)
pairs; a 1-d ascending integer sort of at least 32768 elements goes to fbgemm's radix sort,
which is stable; int32, int64, float32 and float64 go to x86-simd-sort, whose tie order depends
on the CPU's vector width, and which ember leaves to NumPy (the values are the same; only the
indices of equal elements may differ). `_std_sort` replays GCC's introsort on a row with
ties (its partitions vectorised): the cost of torch's indices, paid only by unstable sorts of
these dtypes in rows that have ties.
"""

from __future__ import annotations

import numpy as np

from ._std_sort import std_sort_order

_RADIX_MIN = 32768  # at::internal::GRAIN_SIZE: fbgemm's radix sort takes 1-d rows this long
_STD_SORT = {"int8", "int16", "uint8", "bool", "float16"}


def sort_order(x: np.ndarray, dim: int, descending: bool, stable: bool) -> np.ndarray:
    """The indices that sort `x` along `dim` as torch's CPU sort orders them."""
    key = ~x if descending and x.dtype.kind in "biu" else (-x if descending else x)
    std_sort = x.dtype.name in _STD_SORT and not stable
    order = np.argsort(key, axis=dim, kind="stable" if stable or descending or std_sort else "quicksort")
    if descending and x.dtype.kind == "f":  # NaN counts as the largest: first, where NumPy put it last
        order = np.take_along_axis(order, np.argsort(~np.isnan(np.take_along_axis(x, order, dim)), axis=dim, kind="stable"), dim)
    if not std_sort or x.shape[dim] < 2:
        return order
    if x.ndim == 1 and not descending and x.dtype.kind in "iu" and x.size >= _RADIX_MIN:
        return order
    ranks = _ranks(key, order, dim)
    rows = np.moveaxis(ranks, dim, -1).reshape(-1, x.shape[dim])
    out = np.moveaxis(order, dim, -1).reshape(rows.shape).copy()
    tied = rows.max(axis=-1) < rows.shape[-1] - 1  # dense ranks: a row with a tie skips none
    if tied.any():
        out[tied] = std_sort_order(rows[tied])
    return np.moveaxis(out.reshape(np.moveaxis(order, dim, -1).shape), -1, dim)


def _ranks(key: np.ndarray, order: np.ndarray, dim: int) -> np.ndarray:
    """Dense integer ranks of `key` along `dim`, numbered in `order` (equal values, NaNs among
    them, share one). Descending keys are ~x (order-reversing for integers and bools, with no
    overflow at -128 or in uint8) or -x."""
    ordered = np.take_along_axis(key, order, dim)
    first = [slice(None)] * key.ndim
    rest = list(first)
    first[dim], rest[dim] = slice(1, None), slice(None, -1)
    a, b = ordered[tuple(first)], ordered[tuple(rest)]
    new = a != b
    if key.dtype.kind == "f":
        new &= ~(np.isnan(a) & np.isnan(b))
    steps = np.concatenate([np.zeros_like(np.take(new, [0], dim)), new], axis=dim).cumsum(axis=dim)
    ranks = np.empty(key.shape, np.int64)
    np.put_along_axis(ranks, order, steps, dim)
    return ranks
