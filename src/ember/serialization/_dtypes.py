"""torch's storage classes and dtypes as `ember.load` meets them in a checkpoint.

A storage class names the element type of a storage record. The nine that ember has load as
they are; `BFloat16Storage` loads widened to float32 (exactly: a bfloat16 is the top half of a
float32), with a warning, because ember has no bfloat16 and dropping the tensors would leave a
half-loaded model; every other element type torch can write (complex, quantized, float8,
uint16/32/64, the bit types) raises a RuntimeError naming the dtype and how to convert it.
"""

from __future__ import annotations

import warnings
from typing import Iterable

import numpy as np

from .. import _dtype
from . import _format


class StorageKind:
    """How one torch storage class reads from raw little- or big-endian bytes into a NumPy array."""

    __slots__ = ("name", "itemsize", "dtype")

    def __init__(self, name: str, itemsize: int, dtype: _dtype.dtype) -> None:
        self.name = name
        self.itemsize = itemsize
        self.dtype = dtype

    def decode(self, raw: "bytes | bytearray | memoryview | np.ndarray", byteorder: str) -> np.ndarray:
        """The elements in `raw` (`byteorder` "<" or ">") as a writable native-order array."""
        stored = self.dtype.numpy.newbyteorder(byteorder)
        array = np.frombuffer(raw, stored)
        if array.flags.writeable and stored.isnative:
            return array
        return array.astype(self.dtype.numpy)

    def __repr__(self) -> str:
        return f"torch.{self.name} storage"


class Bfloat16Kind(StorageKind):
    """bfloat16 elements, returned as the float32 values they are (a 16-bit shift, no rounding)."""

    def decode(self, raw: "bytes | bytearray | memoryview | np.ndarray", byteorder: str) -> np.ndarray:
        bits = np.frombuffer(raw, np.dtype(np.uint16).newbyteorder(byteorder)).astype(np.uint32)
        return (bits << 16).view(np.float32)


def warn_if_widened(kinds: Iterable[StorageKind], stacklevel: int) -> None:
    """Say so, once per load, where bfloat16 storages were read as float32."""
    if any(isinstance(kind, Bfloat16Kind) for kind in kinds):
        warnings.warn(
            "ember has no bfloat16: ember.load read this checkpoint's bfloat16 tensors as float32 "
            "(the same values, exactly, in twice the memory); ember.save will write them as float32",
            UserWarning, stacklevel=stacklevel + 1)


STORAGE_KINDS: dict[str, StorageKind] = {
    name: StorageKind(dtype.name, dtype.itemsize, dtype) for name, dtype in _format.STORAGE_NAMES.items()
}
STORAGE_KINDS["BFloat16Storage"] = Bfloat16Kind("bfloat16", 2, _dtype.float32)

_MISSING_STORAGES = {
    "ComplexFloatStorage": "complex64", "ComplexDoubleStorage": "complex128", "QInt8Storage": "qint8",
    "QUInt8Storage": "quint8", "QInt32Storage": "qint32", "QUInt4x2Storage": "quint4x2",
    "QUInt2x4Storage": "quint2x4",
}

# torch's dtypes that ember lacks (torch 2.13); any of them in a checkpoint raises, naming it
MISSING_DTYPES = frozenset({
    "bfloat16", "complex32", "complex64", "complex128", "qint8", "quint8", "qint32", "quint4x2",
    "quint2x4", "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu",
    "float4_e2m1fn_x2", "uint16", "uint32", "bits1x8", "bits2x4", "bits4x2", "bits8", "bits16",
    *(f"int{n}" for n in range(1, 8)), *(f"uint{n}" for n in range(1, 8)),
})


def storage_kind(name: str) -> StorageKind:
    """The kind of the storage class `torch.<name>`; a RuntimeError for one ember cannot hold."""
    if name in STORAGE_KINDS:
        return STORAGE_KINDS[name]
    if name in _MISSING_STORAGES:
        raise missing_dtype(_MISSING_STORAGES[name])
    raise RuntimeError(f"ember.load does not know the storage class torch.{name}: the checkpoint "
                       "is corrupt or from a newer torch; load it in torch and save its tensors as float32")


def missing_dtype(name: str) -> RuntimeError:
    """The error for a checkpoint holding torch.<name>, a dtype ember does not have."""
    if name.startswith("complex"):
        fix = "save torch.view_as_real(t) (real and imaginary parts as a last dimension of 2)"
    elif name.startswith(("qint", "quint")):
        fix = "save t.dequantize()"
    else:
        fix = "save t.to(torch.float32) (or an integer dtype ember has)"
    return RuntimeError(f"ember has no dtype {name}: ember.load cannot read this checkpoint's torch.{name} "
                        f"tensors. In torch, convert them and save again: {fix}")
