"""Which indices torch's CPU topk returns, ties and `sorted=False` included.

torch's kernel pairs each value with its index and runs the C++ standard library on the pairs:
`partial_sort` of the first k when k * 64 <= n, otherwise `nth_element` at k - 1 followed, when
sorted, by `sort` of the first k - 1. Comparisons look at values only (NaN counts as the
largest), so among equal values the index that comes out is whatever those algorithms leave
there, and with sorted=False the first k come in their partition order. `topk_indices` takes a
vectorised sort where that gives the same answer (sorted, no ties among the first k + 1) and
replays the algorithms, as libstdc++ implements them (introselect, introsort, heap select), on
the other rows. The cost: a Python loop over each replayed row, O(n log n) comparisons, about a
millisecond per thousand elements; sorted=False replays every row (for k > 1).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

_INSERTION_LIMIT = 16  # libstdc++'s _S_threshold: introsort leaves runs this short to insertion sort

Less = Callable[[Any, Any], bool]


def topk_indices(data: np.ndarray, k: int, axis: int, largest: bool, sorted: bool) -> np.ndarray:
    """The int64 indices, along `axis`, of torch's topk of `data` (k of them per row)."""
    rows = np.moveaxis(data, axis, -1)
    order = np.argsort(rows, axis=-1)  # NaN last; among equal values any order: those rows are replayed
    if largest:
        order = order[..., ::-1]
    head = np.take_along_axis(rows, order[..., : k + 1], -1)
    same = head[..., 1:] == head[..., :-1]
    if rows.dtype.kind == "f":
        same |= np.isnan(head[..., 1:]) & np.isnan(head[..., :-1])
    replay = same.any(-1) if sorted or k < 2 else np.ones(rows.shape[:-1], bool)
    chosen = order[..., :k].copy()
    for row in map(tuple, np.argwhere(replay)):
        chosen[row] = _replay(rows[row].tolist(), k, largest, sorted)
    return np.moveaxis(chosen, -1, axis).astype(np.int64)


def _replay(values: list, k: int, largest: bool, sorted: bool) -> list:
    """torch's topk kernel on one row: the standard library on (value, index) pairs."""
    pairs = [(v, j) for j, v in enumerate(values)]
    if largest:
        def less(x: Any, y: Any) -> bool:  # "comes first": NaN, then larger
            return (x[0] != x[0] and y[0] == y[0]) or x[0] > y[0]
    else:
        def less(x: Any, y: Any) -> bool:
            return (x[0] == x[0] and y[0] != y[0]) or x[0] < y[0]
    n = len(pairs)
    if k * 64 <= n:
        _partial_sort(pairs, 0, k, n, less)
    else:
        _nth_element(pairs, 0, k - 1, n, less)
        if sorted:
            _sort(pairs, 0, k - 1, less)
    return [j for _, j in pairs[:k]]


def _nth_element(a: list, first: int, nth: int, last: int, less: Less) -> None:
    """Introselect: median-of-three partitions until at most 3 remain, heap select past the
    depth limit, insertion sort at the end."""
    if first == last or nth == last:
        return
    depth = 2 * ((last - first).bit_length() - 1)
    while last - first > 3:
        if depth == 0:
            _heap_select(a, first, nth + 1, last, less)
            a[first], a[nth] = a[nth], a[first]
            return
        depth -= 1
        cut = _partition_pivot(a, first, last, less)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(a, first, last, less)


def _sort(a: list, first: int, last: int, less: Less) -> None:
    """Introsort down to runs of 16, then one insertion sort over the whole range."""
    if last - first < 2:
        return
    _introsort(a, first, last, 2 * ((last - first).bit_length() - 1), less)
    if last - first > _INSERTION_LIMIT:
        _insertion_sort(a, first, first + _INSERTION_LIMIT, less)
        for i in range(first + _INSERTION_LIMIT, last):
            _linear_insert(a, i, less)
    else:
        _insertion_sort(a, first, last, less)


def _introsort(a: list, first: int, last: int, depth: int, less: Less) -> None:
    while last - first > _INSERTION_LIMIT:
        if depth == 0:
            _partial_sort(a, first, last, last, less)
            return
        depth -= 1
        cut = _partition_pivot(a, first, last, less)
        _introsort(a, cut, last, depth, less)
        last = cut


def _partition_pivot(a: list, first: int, last: int, less: Less) -> int:
    """The median of a[first + 1], the middle and a[last - 1] moved to a[first], then Hoare's
    partition of the rest around it; returns the cut."""
    mid = first + (last - first) // 2
    x, y, z = first + 1, mid, last - 1
    if less(a[x], a[y]):
        median = y if less(a[y], a[z]) else z if less(a[x], a[z]) else x
    else:
        median = x if less(a[x], a[z]) else z if less(a[y], a[z]) else y
    a[first], a[median] = a[median], a[first]
    low, high = first + 1, last
    while True:
        while less(a[low], a[first]):
            low += 1
        high -= 1
        while less(a[first], a[high]):
            high -= 1
        if low >= high:
            return low
        a[low], a[high] = a[high], a[low]
        low += 1


def _insertion_sort(a: list, first: int, last: int, less: Less) -> None:
    for i in range(first + 1, last):
        if less(a[i], a[first]):
            a[first:i + 1] = [a[i]] + a[first:i]
        else:
            _linear_insert(a, i, less)


def _linear_insert(a: list, i: int, less: Less) -> None:
    value = a[i]
    while less(value, a[i - 1]):
        a[i] = a[i - 1]
        i -= 1
    a[i] = value


def _partial_sort(a: list, first: int, middle: int, last: int, less: Less) -> None:
    _heap_select(a, first, middle, last, less)
    while middle - first > 1:
        middle -= 1
        _pop_heap(a, first, middle, middle, less)


def _heap_select(a: list, first: int, middle: int, last: int, less: Less) -> None:
    """A max-heap (by `less`) of a[first:middle], then each later element smaller than its top
    swapped in."""
    length = middle - first
    if length > 1:
        for parent in range((length - 2) // 2, -1, -1):
            _adjust_heap(a, first, parent, length, a[first + parent], less)
    for i in range(middle, last):
        if less(a[i], a[first]):
            _pop_heap(a, first, middle, i, less)


def _pop_heap(a: list, first: int, last: int, result: int, less: Less) -> None:
    value = a[result]
    a[result] = a[first]
    _adjust_heap(a, first, 0, last - first, value, less)


def _adjust_heap(a: list, first: int, hole: int, length: int, value: Any, less: Less) -> None:
    """Sift the hole down to a leaf along the larger children, then `value` up from there."""
    top, child = hole, hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if less(a[first + child], a[first + child - 1]):
            child -= 1
        a[first + hole] = a[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        a[first + hole] = a[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and less(a[first + parent], value):
        a[first + hole] = a[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    a[first + hole] = value
