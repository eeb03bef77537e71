"""The arrangement C++'s `std::sort` (libstdc++'s introsort) leaves when it sorts (value, index)
pairs by value alone, as torch's CPU `mode` kernel does: which of several equal values ends up
last decides the index `mode` returns.

libstdc++ partitions segments longer than 16 (median of three moved to the front, then Hoare's
unguarded partition, which swaps the k-th element >= pivot from the left with the k-th element
<= pivot from the right until they cross), then runs one insertion sort over everything, which
is stable. So the result is a stable sort of the array as the partitions left it. Each partition
is computed at once with NumPy: the two scans meet at the first k where the k-th left stop is not
before the k-th right stop, and the pairs before it are swapped together.

Past 2 log2(n) levels of partitioning libstdc++ heap-sorts the segment instead (make_heap then
sort_heap; only inputs built to defeat the median of three get there): that is replayed element
by element, as it is here. torch's `mode` and its unstable sort of small integer dtypes
(`sort_order`) both use this order.
"""

from __future__ import annotations

import numpy as np

_THRESHOLD = 16


def std_sort_order(a: np.ndarray) -> np.ndarray:
    """Along the last axis: the original positions in the order std::sort leaves them."""
    n = a.shape[-1]
    if n <= _THRESHOLD:
        return np.argsort(a, axis=-1, kind="stable")
    rows = a.reshape(-1, n)
    out = np.empty(rows.shape, np.int64)
    for r, row in enumerate(rows):
        perm = _partitioned(row)
        out[r] = perm[np.argsort(row[perm], kind="stable")]
    return out.reshape(a.shape)


def depth_limit(n: int) -> int:
    """How many levels of partitioning libstdc++ allows before it heap-sorts: 2 floor(log2 n)."""
    return 2 * (n.bit_length() - 1)


def _partitioned(values: np.ndarray) -> np.ndarray:
    """The positions as introsort's partitioning loop leaves them (before its insertion sort)."""
    v, perm = values.copy(), np.arange(len(values))
    stack = [(0, len(v), depth_limit(len(v)))]
    while stack:
        first, last, depth = stack.pop()
        while last - first > _THRESHOLD:
            if depth == 0:
                _heap_sort(v, perm, first, last)
                break
            depth -= 1
            cut = _partition(v, perm, first, last)
            stack.append((cut, last, depth))
            last = cut
    return perm


def _swap(v: np.ndarray, perm: np.ndarray, i: np.ndarray, j: np.ndarray) -> None:
    v[i], v[j] = v[j], v[i].copy()
    perm[i], perm[j] = perm[j], perm[i].copy()


def _partition(v: np.ndarray, perm: np.ndarray, first: int, last: int) -> int:
    """libstdc++'s __unguarded_partition_pivot on v[first:last] (and perm alongside): the cut."""
    a, b, c = first + 1, first + (last - first) // 2, last - 1
    if v[a] < v[b]:
        median = b if v[b] < v[c] else (c if v[a] < v[c] else a)
    else:
        median = a if v[a] < v[c] else (c if v[b] < v[c] else b)
    _swap(v, perm, np.array([first]), np.array([median]))
    pivot = v[first]
    left = np.flatnonzero(~(v[first + 1 : last] < pivot)) + first + 1
    right = (np.flatnonzero(~(pivot < v[first:last])) + first)[::-1]
    m = min(len(left), len(right))
    crossed = np.flatnonzero(left[:m] >= right[:m])
    k = int(crossed[0]) if crossed.size else m
    if k == 0:
        return int(left[0])
    _swap(v, perm, left[:k], right[:k])
    return int(min(left[k], right[k - 1])) if k < len(left) else int(right[k - 1])


def _heap_sort(v: np.ndarray, perm: np.ndarray, first: int, last: int) -> None:
    """libstdc++'s fallback when the depth limit runs out, on v[first:last] (and perm alongside):
    make_heap, then sort_heap."""
    keys, index = v[first:last].tolist(), perm[first:last].tolist()
    _heap_sort_lists(keys, index, 0, last - first)
    v[first:last], perm[first:last] = keys, index


def _heap_sort_lists(keys: list, index: list, first: int, last: int) -> None:
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
