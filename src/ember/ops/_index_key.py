"""torch's indexing rules, as keys NumPy can apply.

torch reads `x[key]` in two steps. First the basic part: each int selects (removing its
dimension), each slice slices, None and a bool insert a dimension, `...` skips over the rest;
all of it is a view. Then the tensors (torch's advanced indices) index the dimensions they
stand on in that view, a bool mask standing on as many as it has. When the advanced indices
are adjacent there, their broadcast shape replaces those dimensions in place; otherwise it goes
in front.

NumPy counts an int among the advanced indices when there are any, so `x[0, :, [0, 1, 2]]` of
a (2, 3, 4) array is (3, 3) in torch but its transpose in NumPy. A key with an advanced index is
therefore kept as the two steps, `Advanced(basic, index)`: `a[basic][index]`, where `index` holds
only full slices and arrays, for which NumPy's rule is torch's. A key with no advanced
index stays a plain NumPy key (the common, fast case).

Also torch's: a Python bool (or a 0-d bool tensor) adds a dimension and indexes it with [0]
(True) or [] (False); a 0-d integer tensor is an int; a uint8 tensor is a mask (with torch's
deprecation warning); a list is one index tensor (int64 unless it holds bools), except a short
list holding tensors, lists, slices, None or `...`, which torch still reads as a tuple (with its
warning).
"""

from __future__ import annotations

import warnings
from typing import Any, NamedTuple

import numpy as np

from .. import _tensor

_INDEX_TYPES = "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices"


class Advanced(NamedTuple):
    """A key with an advanced index: `a[basic]` (a view), then `[index]` on that view."""

    basic: tuple
    index: tuple


def to_key(key: Any, ndim: int) -> Any:
    """torch's `key` into a tensor of `ndim` dims as a NumPy key (see the module docstring): a
    plain key when it has no advanced index, else `Advanced`."""
    if type(key) is int:
        return key
    parts = key if type(key) is tuple else (key,)
    ellipsis = False
    for k in parts:
        if type(k) is slice:
            _check_step(k)
        elif k is Ellipsis:
            if ellipsis:
                return _torch_key(_one_ellipsis(parts, ndim), ndim)
            ellipsis = True
        elif not (k is None or (isinstance(k, (int, np.integer)) and not isinstance(k, bool))):
            return _torch_key(_one_ellipsis(_as_tuple(key), ndim), ndim)
    return key


def _check_step(k: slice) -> None:
    if k.step is not None and k.step <= 0:
        raise ValueError("step must be greater than zero; use ember.flip() to reverse a dimension")


def _one_ellipsis(parts: tuple, ndim: int) -> tuple:
    """parts with at most one `...`. torch lets each `...` skip the dims the key leaves unnamed:
    after the first that skips nothing when the key names every dim, else past the last dim,
    where nothing more can be indexed."""
    places = [i for i, k in enumerate(parts) if k is Ellipsis]
    if len(places) < 2:
        return parts
    named = sum(_dims_named(k) for k in parts)
    if named < ndim and any(_dims_named(k) for k in parts[places[1]:]):
        raise IndexError(
            f"too many indices for tensor of dimension {ndim}: each `...` after the first skips the "
            f"{ndim - named} unnamed dims again; use a single `...`"
        )
    keep = places[0] if named < ndim else -1
    return tuple(k for i, k in enumerate(parts) if k is not Ellipsis or i == keep)


def _dims_named(k: Any) -> int:
    """How many of the indexed tensor's dims an item stands on."""
    if k is None or k is Ellipsis or isinstance(k, (bool, np.bool_)):
        return 0
    if isinstance(k, (_tensor.Tensor, np.ndarray)) and k.dtype.name in ("bool", "uint8"):
        return k.ndim
    return 1


def _as_tuple(key: Any) -> tuple:
    if type(key) is tuple:
        return key
    if isinstance(key, list) and len(key) < 32 and any(
        isinstance(k, (_tensor.Tensor, list, tuple, slice)) or k is None or k is Ellipsis for k in key
    ):
        warnings.warn(
            "Using a non-tuple sequence for multidimensional indexing is deprecated; use x[tuple(seq)] "
            "instead of x[seq]. torch will read it as a tensor index, x[torch.tensor(seq)], in future.",
            UserWarning,
            stacklevel=4,
        )
        return tuple(key)
    return (key,)


def _torch_key(parts: tuple, ndim: int) -> Any:
    """The two steps of torch's indexing for a key that is not all ints, slices, None and `...`
    (one `...` at most). In the second step `...` is spelled out as the full slices it stands
    for: NumPy would count even an empty one as separating the advanced indices around it."""
    basic: list = []
    index: list = []
    advanced = False
    ellipsis = None
    for k in parts:
        if k is Ellipsis:
            basic.append(k)
            ellipsis = len(index)
        elif k is None or type(k) is slice:
            if type(k) is slice:
                _check_step(k)
            basic.append(k)
            index.append(slice(None))
        elif isinstance(k, (bool, int, np.integer)):
            if isinstance(k, bool):
                basic.append(None)
                index.append(_bool_index(k))
                advanced = True
            else:
                basic.append(int(k))
        elif isinstance(k, (_tensor.Tensor, np.ndarray, list, tuple)):
            array = _index_array(k)
            if array.ndim == 0 and array.dtype == np.bool_:
                basic.append(None)
                index.append(_bool_index(bool(array)))
                advanced = True
            elif array.ndim == 0 and isinstance(k, (_tensor.Tensor, np.ndarray)):
                basic.append(int(array))
            else:
                basic.extend([slice(None)] * (array.ndim if array.dtype == np.bool_ else 1))
                index.append(array)
                advanced = True
        else:
            raise IndexError(f"{_INDEX_TYPES} (got {type(k).__name__})")
    if not advanced:
        return tuple(basic)
    if ellipsis is not None:
        named = sum(1 for b in basic if b is not None and b is not Ellipsis)
        index[ellipsis:ellipsis] = [slice(None)] * max(ndim - named, 0)
    return Advanced(tuple(basic), tuple(index))


def index_put_key(indices: Any, ndim: int) -> Advanced:
    """index_put_'s indices, a tuple of tensors indexing the leading dimensions, as a key."""
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put_(): argument 'indices' (position 1) must be tuple of Tensors, not {type(indices).__name__}")
    for n, i in enumerate(indices):
        if not isinstance(i, _tensor.Tensor):
            raise TypeError(f"expected Tensor as element {n} in argument 0, but got {type(i).__name__}")
    arrays = tuple(_index_array(i) for i in indices)
    if sum(a.ndim if a.dtype == np.bool_ else 1 for a in arrays) > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim} (got {len(indices)})")
    return Advanced((), arrays)


def torch_index_error(error: IndexError) -> IndexError:
    """NumPy's IndexError in torch's words: dimensions of a tensor, not axes of an array."""
    return IndexError(str(error).replace("axis", "dimension").replace("array", "tensor"))


def _bool_index(value: bool) -> np.ndarray:
    """A bool indexes the dimension it inserted: [0] keeps it (size 1), [] empties it."""
    return np.zeros(int(value), dtype=np.int64)


def _index_array(k: Any) -> np.ndarray:
    """A tensor, array or (nested) list as torch takes it as an index: int32/int64 as they are,
    bool as a mask, uint8 as a mask (deprecated in torch), a list as int64 unless all bools."""
    if isinstance(k, (list, tuple)):
        array = np.asarray(k)  # tensors in it convert through __array__
        return array if array.dtype == np.bool_ or array.dtype == np.int64 else array.astype(np.int64)
    array = k._data if isinstance(k, _tensor.Tensor) else k
    kind, size = array.dtype.kind, array.dtype.itemsize
    if kind == "b" or (kind == "i" and size >= 4):
        return array
    if kind == "u" and size == 1:
        if array.ndim:
            warnings.warn(
                "indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.",
                UserWarning,
                stacklevel=5,
            )
        return array.astype(np.bool_)
    raise IndexError("tensors used as indices must be long, int, byte or bool tensors")


def read(a: np.ndarray, key: Any) -> Any:
    """a[key] by torch's rules."""
    if type(key) is Advanced:
        return (a[key.basic] if key.basic else a)[key.index]
    return a[key]


def write(a: np.ndarray, key: Any, value: Any) -> None:
    """a[key] = value, in place, value broadcast as torch does (`_drop_leading_ones`)."""
    value = _drop_leading_ones(value)
    if type(key) is Advanced:
        view = a[key.basic] if key.basic else a
        view[_mask_positions(view, key.index)] = value
    else:
        a[key] = value


def _mask_positions(view: np.ndarray, index: tuple) -> tuple:
    """index with each bool mask replaced by the int arrays of its True positions, as torch
    expands a mask (NumPy writes through a mask only values of 0 or 1 dims). The masks' shapes
    are checked against view first, by reading through them from a stand-in with no storage."""
    if not any(isinstance(i, np.ndarray) and i.dtype == np.bool_ for i in index):
        return index
    np.broadcast_to(np.empty((), np.int8), view.shape)[index]
    return tuple(p for i in index for p in (np.nonzero(i) if isinstance(i, np.ndarray) and i.dtype == np.bool_ else (i,)))


def _drop_leading_ones(value: Any) -> Any:
    """value without its leading dims of size 1: torch drops them before broadcasting a value to
    the indexed shape, so a (1, 3) value fills a (3,) slot and a (1,) value a single element."""
    if not isinstance(value, np.ndarray) or not value.ndim or value.shape[0] != 1:
        return value
    lead = 0
    while lead < value.ndim and value.shape[lead] == 1:
        lead += 1
    return value.reshape(value.shape[lead:])


def add_at(a: np.ndarray, key: Any, value: Any) -> None:
    """a[key] += value, in place, where a position given twice adds twice; value broadcast as
    torch does (`_drop_leading_ones`)."""
    value = _drop_leading_ones(value)
    if type(key) is Advanced:
        view = a[key.basic] if key.basic else a
        np.add.at(view, _mask_positions(view, key.index), value)
    else:
        np.add.at(a, key, value)


def is_advanced(key: Any) -> bool:
    return type(key) is Advanced
