"""`ember.save`: write objects holding tensors in torch's zip checkpoint format."""

from __future__ import annotations

import io
import os
import pickle
import secrets
import zipfile
from typing import IO, Any, Callable

import numpy as np

from .. import _dtype
from .._size import Size
from .._tensor import Tensor
from ..nn.parameter import Parameter
from .._write_aside import written_aside
from . import _format, _legacy, _safetensors
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

    def __init__(self, file: IO[bytes], protocol: int = 2, legacy: bool = False) -> None:
        super().__init__(file, protocol=protocol)
        self.legacy = legacy  # the pre-1.6 format's storage ids carry a sixth item: no view
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
        pid = ("storage", _format.STORAGE_GLOBALS[name], obj.key, "cpu", obj.array.size)
        return pid + (None,) if self.legacy else pid

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


def _little_endian_bytes(array: np.ndarray) -> memoryview:
    """The bytes of a C-contiguous array in little-endian order, without a copy where it is
    already so: the zip record is written straight from the array's memory."""
    little = array.astype(array.dtype.newbyteorder("<"), copy=False)
    return memoryview(little.reshape(-1).view(np.uint8))


Writer = Callable[[IO[bytes]], None]


def _pickled(obj: Any, protocol: int, legacy: bool) -> tuple[bytes, list[_Storage]]:
    """`obj` pickled as torch does, and the storages its tensors refer to."""
    buffer = io.BytesIO()
    pickler = _Pickler(buffer, protocol, legacy)
    pickler.dump(obj)
    return buffer.getvalue(), list(pickler.storages.values())


def _archive_writer(obj: Any, protocol: int, byteorder_record: bool) -> Writer:
    """What writes `obj` as torch's zip checkpoint (pickled already, so it cannot fail on `obj`)."""
    data_pkl, storages = _pickled(obj, protocol, legacy=False)
    records: list[tuple[str, "bytes | memoryview"]] = [
        ("data.pkl", data_pkl), (".format_version", b"1"), (".storage_alignment", str(_format.ALIGNMENT).encode()),
    ]
    if byteorder_record:
        records.append(("byteorder", b"little"))
    records += [(f"data/{storage.key}", _little_endian_bytes(storage.array)) for storage in storages]
    records += [("version", b"3\n"), (".data/serialization_id", str(secrets.randbits(128)).zfill(40).encode())]

    def write(file: IO[bytes]) -> None:
        with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as zf:
            for name, payload in records:
                zf.writestr(_aligned_info(zf, f"archive/{name}"), payload)

    return write


def _safetensors_writer(obj: Any) -> Writer:
    """What writes a flat dict of tensors as safetensors (made already: it cannot fail on `obj`)."""
    payload = _safetensors.dumps(obj)

    def write(file: IO[bytes]) -> None:
        file.write(payload)

    return write


# what torch's legacy writer records about the machine (torch's reader ignores it)
_SYS_INFO = {"protocol_version": _legacy.PROTOCOL_VERSION, "little_endian": True,
             "type_sizes": {"short": 2, "int": 4, "long": 4}}


def _legacy_writer(obj: Any, protocol: int) -> Writer:
    """What writes `obj` in the pre-1.6 format (see `_legacy`): header pickles, the object, its
    storage keys, the storages' bytes."""
    data_pkl, storages = _pickled(obj, protocol, legacy=True)

    def write(file: IO[bytes]) -> None:
        for header in (_legacy.MAGIC_NUMBER, _legacy.PROTOCOL_VERSION, _SYS_INFO):
            pickle.dump(header, file, protocol=protocol)
        file.write(data_pkl)
        pickle.dump([storage.key for storage in storages], file, protocol=protocol)
        for storage in storages:
            file.write(storage.array.size.to_bytes(8, "little", signed=True))
            file.write(_little_endian_bytes(storage.array))

    return write


def save(obj: Any, f: FileLike, pickle_module: Any = pickle, pickle_protocol: int = 2,
         _use_new_zipfile_serialization: bool = True, _disable_byteorder_record: bool = False, *,
         format: str = "torch") -> None:
    """Save `obj` (tensors, Parameters, numbers, strings, None, lists, tuples, dicts, state_dicts)
    to `f`, a path or a binary file object, in the zip format `torch.save` writes, so that
    `torch.load(f, weights_only=True)` and `ember.load(f)` both read it. The other arguments are
    torch's: `pickle_protocol` for the object's pickle, `_use_new_zipfile_serialization=False`
    for the pre-1.6 format, `_disable_byteorder_record` to leave out the byteorder record.
    `format="safetensors"` (ember's) writes a flat dict of str -> Tensor as safetensors instead
    (needs the `safetensors` package).

    A path is written beside its target and renamed over it once complete, so a save that fails
    half way (an object that cannot be saved, a full disk) leaves any previous file there
    untouched; as with torch's in-place write, a symbolic link is written through and an
    existing file keeps its permissions.

    >>> ember.save(model.state_dict(), "model.pt")  # doctest: +SKIP
    """
    if format not in ("torch", "safetensors"):
        raise ValueError(f"ember.save: format must be 'torch' or 'safetensors', got {format!r}")
    if pickle_module is not pickle:
        raise ValueError("ember.save pickles with Python's pickle module; leave pickle_module out")
    if format == "safetensors":
        write = _safetensors_writer(obj)
    elif _use_new_zipfile_serialization:
        write = _archive_writer(obj, pickle_protocol, not _disable_byteorder_record)
    else:
        write = _legacy_writer(obj, pickle_protocol)
    if isinstance(f, (str, os.PathLike)):
        with written_aside(f) as aside, open(aside, "wb") as file:
            write(file)
    else:
        write(f)
