"""What torch's checkpoint format names: storage classes per dtype, dtype globals, the record layout.

An archive holds `<prefix>/data.pkl` (pickle protocol 2) whose persistent ids
`('storage', <torch.XStorage>, key, location, numel)` refer to `<prefix>/data/<key>`, the raw
little-endian bytes of one storage; tensors are rebuilt over a storage by
`torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)`.
"""

from __future__ import annotations

import os
from typing import IO, Union

import numpy as np

from .. import _dtype

STORAGE_NAMES: dict[str, _dtype.dtype] = {
    "DoubleStorage": _dtype.float64, "FloatStorage": _dtype.float32, "HalfStorage": _dtype.float16,
    "LongStorage": _dtype.int64, "IntStorage": _dtype.int32, "ShortStorage": _dtype.int16,
    "CharStorage": _dtype.int8, "ByteStorage": _dtype.uint8, "BoolStorage": _dtype.bool_,
}
STORAGE_OF: dict[np.dtype, str] = {d.numpy: name for name, d in STORAGE_NAMES.items()}
DTYPE_NAMES: dict[str, _dtype.dtype] = {d.name: d for d in STORAGE_NAMES.values()}

FileLike = Union[str, "os.PathLike[str]", IO[bytes]]

ALIGNMENT = 64  # torch aligns each record's bytes to 64 in the file, for mmap


class Global:
    """A stand-in for a torch object, pickled as `GLOBAL module name` without importing torch."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name

    def __call__(self, *args: object) -> None:
        """Never called: pickle only requires a reduce function to be callable."""
        raise TypeError(f"{self.module}.{self.name} is a stand-in for pickling, not callable")


REBUILD_TENSOR = Global("torch._utils", "_rebuild_tensor_v2")
REBUILD_PARAMETER = Global("torch._utils", "_rebuild_parameter")
ORDERED_DICT = Global("collections", "OrderedDict")
SIZE = Global("torch", "Size")
STORAGE_GLOBALS = {name: Global("torch", name) for name in STORAGE_NAMES}
DTYPE_GLOBALS = {name: Global("torch", name) for name in DTYPE_NAMES}
