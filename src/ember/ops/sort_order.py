"""The order torch's CPU sort leaves elements in, ties included.

A stable sort (stable=True, and every sort of a row without ties) is NumPy's stable argsort;
an unstable one of a dtype ember cannot replay, NumPy's quicksort (ascending).
An unstable one is whatever torch's kernel does, and on ties the kernels differ: for int8,
int16, uint8, bool and float16 torch calls `std::sort` (GCC's introsort) on (value, index)
pairs; a 1-d ascending integer sort of at least 32768 elements goes to fbgemm's radix sort,
which is stable; int32, int64, float32 and float64 go to x86-simd-sort, whose tie order depends
on the CPU's vector width, and which ember leaves to NumPy (the values are the same; only the
indices of equal elements may differ). `introsort_order` replays GCC's introsort on a row with
ties: the same pivots, partitions and final insertion sort, in Python. That is the cost of
torch's indices: O(n log n) Python steps, about 5 microseconds an element (0.5 s for a row of
100,000 int8 values), paid only by unstable sorts of these dtypes in rows that have ties.
"""

from __future__ import annotations

import math

import numpy as np

_THRESHOLD = 16  # GCC's _S_threshold: shorter ranges are left to the final insertion sort
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
    for r, row in enumerate(rows):
        if len(np.unique(row)) < len(row):
            out[r] = introsort_order(row)
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


def introsort_order(ranks: np.ndarray) -> np.ndarray:
    """The permutation GCC's std::sort leaves (rank, index) pairs in, compared by rank alone."""
    keys, index = ranks.tolist(), list(range(len(ranks)))
    n = len(keys)
    _introsort_loop(keys, index, 0, n, 2 * int(math.log2(n)))
    # the final insertion sort moves an element only past larger ones: a stable sort of the
    # arrangement the loop left
    final = np.argsort(np.asarray(keys), kind="stable")
    return np.asarray(index, np.int64)[final]


def _introsort_loop(keys: list, index: list, first: int, last: int, depth: int) -> None:
    while last - first > _THRESHOLD:
        if depth == 0:
            _heap_sort(keys, index, first, last)
            return
        depth -= 1
        cut = _partition_pivot(keys, index, first, last)
        _introsort_loop(keys, index, cut, last, depth)
        last = cut


def _swap(keys: list, index: list, i: int, j: int) -> None:
    keys[i], keys[j] = keys[j], keys[i]
    index[i], index[j] = index[j], index[i]


def _partition_pivot(keys: list, index: list, first: int, last: int) -> int:
    """Median of (first + 1, middle, last - 1) moved to first, then Hoare's unguarded partition of
    [first + 1, last) around it; returns the cut."""
    a, b, c = first + 1, first + (last - first) // 2, last - 1
    ka, kb, kc = keys[a], keys[b], keys[c]
    if ka < kb:
        median = b if kb < kc else (c if ka < kc else a)
    else:
        median = a if ka < kc else (c if kb < kc else b)
    _swap(keys, index, first, median)
    pivot, lo, hi = keys[first], first + 1, last
    while True:
        while keys[lo] < pivot:
            lo += 1
        hi -= 1
        while pivot < keys[hi]:
            hi -= 1
        if lo >= hi:
            return lo
        _swap(keys, index, lo, hi)
        lo += 1


def _heap_sort(keys: list, index: list, first: int, last: int) -> None:
    """GCC's fallback when the depth limit runs out: make_heap, then sort_heap."""
    length = last - first
    for parent in range((length - 2) // 2, -1, -1):
        _adjust_heap(keys, index, first, parent, length, (keys[first + parent], index[first + parent]))
    while last - first > 1:
        last -= 1
        value = (keys[last], index[last])
        keys[last], index[last] = keys[first], index[first]
        _adjust_heap(keys, index, first, 0, last - first, value)


def _adjust_heap(keys: list, index: list, first: int, hole: int, length: int, value: tuple) -> None:
    top, child = hole, hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if keys[first + child] < keys[first + child - 1]:
            child -= 1
        keys[first + hole], index[first + hole] = keys[first + child], index[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        keys[first + hole], index[first + hole] = keys[first + child - 1], index[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and keys[first + parent] < value[0]:
        keys[first + hole], index[first + hole] = keys[first + parent], index[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    keys[first + hole], index[first + hole] = value
