"""`ember.save`: write objects holding tensors in torch's zip checkpoint format."""

from __future__ import annotations

import io
import os
import pickle
import secrets
import tempfile
import zipfile
from typing import IO, Any

import numpy as np

from .. import _dtype
from .._size import Size
from .._tensor import Tensor
from ..nn.parameter import Parameter
from . import _format, _safetensors
from ._format import FileLike, Global


class _Storage:
    """One storage record: a C-contiguous array whose bytes the tensors view."""

    __slots__ = ("key", "array")

    def __init__(self, key: str, array: np.ndarray) -> None:
        self.key = key
        self.array = array


class _EmptyHooks:
    """Pickled as `collections.OrderedDict()`, the backward hooks torch stores with each tensor
    (a fresh one per tensor: torch adds later hooks to it)."""


def _root(array: np.ndarray) -> np.ndarray:
    """The array that owns `array`'s memory, following `.base` through NumPy views."""
    while isinstance(array.base, np.ndarray):
        array = array.base
    return array


def _address(array: np.ndarray) -> int:
    return array.__array_interface__["data"][0]


def _is_view_of(data: np.ndarray, root: np.ndarray) -> bool:
    """Whether `data` is a torch-style strided view (whole, non-negative element strides) of `root`."""
    size = data.itemsize
    return (root.flags.c_contiguous and root.dtype == data.dtype and data.dtype.isnative
            and (_address(data) - _address(root)) % size == 0
            and all(s >= 0 and s % size == 0 for s in data.strides))


class _Pickler(pickle._Pickler):  # type: ignore[name-defined]
    """Pickles tensors as torch does. The pure-Python pickler, so `Global` stand-ins can be
    written as GLOBAL opcodes through its dispatch table."""

    dispatch = pickle._Pickler.dispatch.copy()  # type: ignore[attr-defined]

    def __init__(self, file: IO[bytes]) -> None:
        super().__init__(file, protocol=2)
        self.storages: dict[int, _Storage] = {}
        self.copies: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def _save_global(self, obj: Global) -> None:
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode("utf-8"))
        self.memoize(obj)

    def _save_dtype(self, obj: _dtype.dtype) -> None:
        self.save(_format.DTYPE_GLOBALS[obj.name])

    dispatch[Global] = _save_global
    dispatch[_dtype.dtype] = _save_dtype

    def persistent_id(self, obj: Any) -> Any:
        if not isinstance(obj, _Storage):
            return None
        name = _format.STORAGE_OF[obj.array.dtype]
        return ("storage", _format.STORAGE_GLOBALS[name], obj.key, "cpu", obj.array.size)

    def _rebuild_args(self, data: np.ndarray, requires_grad: bool) -> tuple:
        """`_rebuild_tensor_v2`'s arguments. Views of one array share its storage record; other
        layouts (negative strides, byte-offset views) are copied once per array."""
        root = _root(data)
        if not _is_view_of(data, root):
            data = root = self.copies.setdefault(id(data), (data, np.ascontiguousarray(data)))[1]
        storage = self.storages.setdefault(id(root), _Storage(str(len(self.storages)), root))
        size = data.itemsize
        offset = (_address(data) - _address(root)) // size if data.size else 0
        strides = tuple(s // size for s in data.strides)
        return (storage, offset, tuple(data.shape), strides, requires_grad, _EmptyHooks())

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, _EmptyHooks):
            return (_format.ORDERED_DICT, ())
        if isinstance(obj, Size):  # as torch.Size, which torch.load(weights_only=True) allows
            return (_format.SIZE, (tuple(obj),))
        if not isinstance(obj, Tensor):
            return NotImplemented
        if obj._data.dtype not in _format.STORAGE_OF:
            raise TypeError(f"ember.save cannot write a tensor of dtype {obj._data.dtype}")
        if isinstance(obj, Parameter):
            inner = Tensor._make(obj._data, False, None)
            return (_format.REBUILD_PARAMETER, (inner, obj.requires_grad, _EmptyHooks()))
        return (_format.REBUILD_TENSOR, self._rebuild_args(obj._data, obj.requires_grad))


def _aligned_info(zf: zipfile.ZipFile, name: str) -> zipfile.ZipInfo:
    """A stored record whose data starts at a multiple of 64 in the file, as torch writes."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    start = zf.fp.tell() + 30 + len(name.encode("utf-8")) + 4  # local header, name, extra header
    pad = -start % _format.ALIGNMENT
    info.extra = b"FB" + pad.to_bytes(2, "little") + b"Z" * pad
    return info


def _write_archive(obj: Any, file: IO[bytes]) -> None:
    buffer = io.BytesIO()
    pickler = _Pickler(buffer)
    pickler.dump(obj)
    records: list[tuple[str, bytes]] = [
        ("data.pkl", buffer.getvalue()), (".format_version", b"1"),
        (".storage_alignment", str(_format.ALIGNMENT).encode()), ("byteorder", b"little"),
    ]
    for storage in pickler.storages.values():
        little = storage.array.astype(storage.array.dtype.newbyteorder("<"), copy=False)
        records.append((f"data/{storage.key}", little.tobytes()))
    records += [("version", b"3\n"), (".data/serialization_id", str(secrets.randbits(128)).zfill(40).encode())]
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as zf:
        for name, payload in records:
            zf.writestr(_aligned_info(zf, f"archive/{name}"), payload)


def _write(obj: Any, file: IO[bytes], format: str) -> None:
    if format == "safetensors":
        file.write(_safetensors.dumps(obj))
    else:
        _write_archive(obj, file)


def save(obj: Any, f: FileLike, format: str = "torch") -> None:
    """Save `obj` (tensors, Parameters, numbers, strings, None, lists, tuples, dicts, state_dicts)
    to `f`, a path or a binary file object, in the zip format `torch.save` writes, so that
    `torch.load(f, weights_only=True)` and `ember.load(f)` both read it. `format="safetensors"`
    writes a flat dict of str -> Tensor as safetensors instead (needs the `safetensors` package).

    A path is written to a temporary file beside it and renamed into place, so a save that fails
    leaves any previous file untouched."""
    if format not in ("torch", "safetensors"):
        raise ValueError(f"ember.save: format must be 'torch' or 'safetensors', got {format!r}")
    if not isinstance(f, (str, os.PathLike)):
        _write(obj, f, format)
        return
    path = os.fspath(f)
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".tmp",
                               dir=os.path.dirname(path) or ".")
    try:
        with os.fdopen(fd, "wb") as file:
            _write(obj, file, format)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
