"""`ember.load`: read checkpoints written by `torch.save` or `ember.save` into ember tensors."""

from __future__ import annotations

import _compat_pickle
import _codecs
import builtins
import contextlib
import io
import os
import pickle
import zipfile
from collections import OrderedDict
from typing import IO, Any, Callable, Iterator, Optional

import numpy as np

from .. import _dtype
from .._size import Size
from .._tensor import Tensor
from ..nn.parameter import Parameter
from . import _format, _safetensors
from ._format import FileLike


def _rebuild_tensor_v2(storage: np.ndarray, storage_offset: int, size: tuple, stride: tuple,
                       requires_grad: bool, backward_hooks: Any = None, metadata: Any = None) -> Tensor:
    """torch's `_rebuild_tensor_v2`: a strided view of `storage`, bounds checked."""
    if not isinstance(storage, np.ndarray):
        raise RuntimeError(f"corrupt checkpoint: a tensor is rebuilt over {type(storage).__name__}, not a storage")
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride) or min((*size, *stride, storage_offset), default=0) < 0:
        raise RuntimeError(f"corrupt checkpoint: bad tensor size {size} / stride {stride} / offset {storage_offset}")
    if all(size) and storage_offset + sum((n - 1) * s for n, s in zip(size, stride)) >= storage.size:
        raise RuntimeError(f"corrupt checkpoint: a tensor of size {size} runs past its storage of {storage.size} elements")
    item = storage.itemsize
    base = storage[storage_offset:] if all(size) else storage[:0]
    data = np.lib.stride_tricks.as_strided(base, size, tuple(s * item for s in stride))
    tensor = Tensor._make(data, False, None)
    if requires_grad:
        tensor.requires_grad_(True)
    return tensor


def _rebuild_parameter(data: Tensor, requires_grad: bool, backward_hooks: Any = None) -> Parameter:
    """torch's `_rebuild_parameter`: an `ember.nn.Parameter` over `data`'s memory."""
    return Parameter(data, bool(requires_grad))


_SAFE_BUILTINS = {"set", "frozenset", "complex", "slice", "bytearray", "range"}


def _allowed(module: str, name: str) -> Optional[Any]:
    """The object a weights-only checkpoint may name by (module, name), or None."""
    if (module, name) == ("collections", "OrderedDict"):
        return OrderedDict
    if (module, name) == ("torch", "Size"):
        return Size
    if module == "torch._utils" and name == "_rebuild_tensor_v2":
        return _rebuild_tensor_v2
    if module == "torch._utils" and name == "_rebuild_parameter":
        return _rebuild_parameter
    if module == "torch" and name in _format.STORAGE_NAMES:
        return _format.STORAGE_NAMES[name]
    if module == "torch" and name in _format.DTYPE_NAMES:
        return _format.DTYPE_NAMES[name]
    if module == "builtins" and name in _SAFE_BUILTINS:
        return getattr(builtins, name)
    if (module, name) == ("_codecs", "encode"):  # how protocol 2 pickles bytes
        return _codecs.encode
    return None


class _Unpickler(pickle.Unpickler):
    """Reads `data.pkl`, taking storages from the archive; with `weights_only`, only the globals
    a checkpoint needs may be named (the rest raise `pickle.UnpicklingError` before anything runs)."""

    def __init__(self, file: IO[bytes], load_storage: Callable[[tuple], np.ndarray], weights_only: bool) -> None:
        super().__init__(file)
        self._load_storage = load_storage
        self._weights_only = weights_only

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _compat_pickle.NAME_MAPPING:  # protocol 2 writes Python 2's names
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        found = _allowed(module, name)
        if found is not None:
            return found
        if self._weights_only:
            raise pickle.UnpicklingError(
                f"Weights only load failed: unsupported global: GLOBAL {module}.{name}. ember.load with "
                "weights_only=True reads only tensors, numbers, strings and containers; pass "
                "weights_only=False only for a file from a trusted source (it can run arbitrary code).")
        return super().find_class(module, name)

    def persistent_load(self, pid: Any) -> Any:
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"Weights only load failed: unsupported persistent id {pid!r}")
        return self._load_storage(pid)


class _Archive:
    """The records of one checkpoint zip, under its top-level folder."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        pickles = [n for n in zf.namelist() if n.endswith("/data.pkl") and n.count("/") == 1]
        if not pickles:
            raise RuntimeError("not a torch checkpoint: the zip archive has no <name>/data.pkl record")
        self.prefix = pickles[0][: -len("data.pkl")]
        names = set(zf.namelist())
        order = self.prefix + "byteorder"
        self.byteorder = "<" if order not in names or self.read("byteorder") == b"little" else ">"
        self.storages: dict[str, np.ndarray] = {}

    def read(self, name: str) -> bytes:
        try:
            return self.zf.read(self.prefix + name)
        except KeyError:
            raise RuntimeError(f"corrupt checkpoint: record {self.prefix + name!r} is missing") from None
        except (zipfile.BadZipFile, EOFError, OSError) as e:
            raise RuntimeError(f"corrupt checkpoint: record {self.prefix + name!r} cannot be read ({e})") from None

    def storage(self, pid: tuple) -> np.ndarray:
        _, dtype, key, _location, numel = pid
        if not isinstance(dtype, _dtype.dtype):
            raise RuntimeError(f"corrupt checkpoint: storage {key!r} has no dtype ({dtype!r})")
        if key not in self.storages:
            raw = self.read(f"data/{key}")
            if len(raw) != numel * dtype.itemsize:
                raise RuntimeError(f"corrupt checkpoint: record data/{key} has {len(raw)} bytes, "
                                   f"expected {numel} x {dtype.itemsize}")
            array = np.frombuffer(bytearray(raw), dtype.numpy.newbyteorder(self.byteorder))
            self.storages[key] = array.astype(dtype.numpy, copy=False)
        return self.storages[key]


@contextlib.contextmanager
def _seekable(f: FileLike) -> Iterator[IO[bytes]]:
    """`f` as a seekable binary file: a path is opened (and closed after), a stream is read whole."""
    if isinstance(f, (str, os.PathLike)):
        with open(os.fspath(f), "rb") as file:
            yield file
    else:
        yield f if f.seekable() else io.BytesIO(f.read())


def _open(file: IO[bytes]) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(file)
    except zipfile.BadZipFile:
        raise RuntimeError("not a torch checkpoint, or a truncated one: ember.load reads the zip "
                           "archive torch.save writes (since torch 1.6) and ember.save writes") from None


def load(f: FileLike, map_location: Any = None, weights_only: bool = True) -> Any:
    """Load what `torch.save` or `ember.save` wrote to `f` (a path or a binary file object), with
    tensors as ember Tensors and parameters as `ember.nn.Parameter`.

    `weights_only=True` (the default, as in torch) allows only the globals a checkpoint needs and
    raises `pickle.UnpicklingError` naming any other. `weights_only=False` unpickles anything and
    can run arbitrary code: use it only for files you trust. `map_location` is accepted for
    torch's signature; ember tensors always live on the CPU. A safetensors file (recognised by
    its content) loads as a dict of Tensors."""
    with _seekable(f) as file:
        start = file.tell()
        head = file.read(9)
        file.seek(start)
        if _safetensors.is_safetensors(head):
            return _safetensors.loads(file.read())
        return _load_archive(file, weights_only)


def _load_archive(file: IO[bytes], weights_only: bool) -> Any:
    with _open(file) as zf:
        archive = _Archive(zf)
        unpickler = _Unpickler(io.BytesIO(archive.read("data.pkl")), archive.storage, weights_only)
        try:
            return unpickler.load()
        except (EOFError, ValueError) as e:
            raise RuntimeError(f"corrupt checkpoint: data.pkl cannot be unpickled ({e})") from None
