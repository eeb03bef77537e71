"""default_collate and default_convert, as torch.utils.data._utils.collate: turn a list of
samples into a batch (or one sample's leaves into tensors)."""

from __future__ import annotations

import collections.abc
import copy
import re
from typing import Any, Sequence

import numpy as np

from ... import _dtype
from ..._creation import as_tensor, tensor
from ..._tensor import Tensor
from ...ops import stack

_NP_STR_OBJ = re.compile(r"[SaUO]")
_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(x, "_fields")


def _is_numpy_value(x: Any) -> bool:
    """A NumPy array or scalar that is not a string."""
    return type(x).__module__ == "numpy" and not isinstance(x, (np.str_, np.bytes_))


def default_convert(data: Any) -> Any:
    """NumPy arrays and scalars to tensors, recursing into mappings, namedtuples and sequences
    (a tuple becomes a list); anything else unchanged."""
    if isinstance(data, Tensor):
        return data
    if _is_numpy_value(data):
        if isinstance(data, np.ndarray) and _NP_STR_OBJ.search(data.dtype.str) is not None:
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        converted = {key: default_convert(data[key]) for key in data}
        return _same_mapping(data, converted)
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _same_sequence(data, [default_convert(d) for d in data])
    return data


def _same_mapping(like: Any, values: dict) -> Any:
    """`values` in a mapping of like's type where that type allows it, else a dict."""
    if isinstance(like, collections.abc.MutableMapping):
        clone = copy.copy(like)
        clone.update(values)
        return clone
    try:
        return type(like)(values)
    except TypeError:
        return values


def _same_sequence(like: Any, values: list) -> Any:
    """`values` in a sequence of like's type where that type allows it, else a list."""
    try:
        if isinstance(like, collections.abc.MutableSequence):
            clone = copy.copy(like)
            for i, v in enumerate(values):
                clone[i] = v
            return clone
        return type(like)(values)
    except TypeError:
        return values


def _stack_tensors(batch: Sequence[Tensor]) -> Tensor:
    """Stack along a new first dim, naming the first entry whose size differs as torch does."""
    first = batch[0]._data.shape
    for i, t in enumerate(batch):
        if t._data.shape != first:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 "
                               f"and {list(t.shape)} at entry {i}")
    return stack(list(batch), 0)


def _collate_numpy_scalars(batch: Sequence[Any]) -> Tensor:
    """NumPy scalars into one tensor: of their dtype where they share it (through an array, as
    ember's as_tensor of a list of uint8 scalars raises), else as torch.as_tensor infers it."""
    if all(type(b) is type(batch[0]) for b in batch):
        return as_tensor(np.array(batch))
    return as_tensor(list(batch))


def default_collate(batch: Sequence[Any]) -> Any:
    """Batch samples of the same structure: tensors stacked, NumPy values to tensors then
    stacked, floats to a float64 tensor, ints (and bools) to an int64 (bool) tensor, strings
    kept, and mappings, namedtuples and sequences collated field by field."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack_tensors(batch)
    if _is_numpy_value(elem):
        if isinstance(elem, np.ndarray):
            if _NP_STR_OBJ.search(elem.dtype.str) is not None:
                raise TypeError(_ERR.format(elem.dtype))
            return default_collate([as_tensor(b) for b in batch])
        return _collate_numpy_scalars(batch)
    if isinstance(elem, float):
        return tensor(list(batch), dtype=_dtype.float64)
    if isinstance(elem, int):
        return tensor(list(batch))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _same_mapping(elem, {key: default_collate([d[key] for d in batch]) for key in elem})
    if _is_namedtuple(elem):
        return type(elem)(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if not all(len(e) == size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = [default_collate(samples) for samples in zip(*batch)]
        if isinstance(elem, tuple):
            return transposed
        return _same_sequence(elem, transposed)
    raise TypeError(_ERR.format(type(elem)))
