"""`ember.load`: read checkpoints written by `torch.save` or `ember.save` into ember tensors."""

from __future__ import annotations

import _compat_pickle
import _codecs
import builtins
import contextlib
import io
import os
import pickle
import struct
import warnings
from collections import OrderedDict
from typing import IO, Any, Callable, Iterator, Optional

import numpy as np

from .._size import Size
from .._tensor import Tensor
from ..nn.parameter import Parameter
from . import _dtypes, _format, _legacy, _location, _numpy_globals, _safe_globals, _safetensors
from ._archive import Archive
from ._format import FileLike
from ._restricted import Refused, RestrictedUnpickler


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


_SAFE_BUILTINS = {"set", "frozenset", "complex", "slice", "bytearray"}


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
    if module == "torch" and name.endswith("Storage"):
        return _dtypes.storage_kind(name)
    if module == "torch" and name in _format.DTYPE_NAMES:
        return _format.DTYPE_NAMES[name]
    if module == "builtins" and name in _SAFE_BUILTINS:
        return getattr(builtins, name)
    if (module, name) == ("_codecs", "encode"):  # how protocol 2 pickles bytes
        return _codecs.encode
    return _numpy_globals.GLOBALS.get((module, name))


# torch's rebuild functions for tensors ember cannot hold: what each rebuilds, and what to save instead
_UNREADABLE = {
    "_rebuild_qtensor": ("a quantized tensor", "t.dequantize()"),
    "_rebuild_sparse_tensor": ("a sparse tensor", "t.to_dense()"),
    "_rebuild_nested_tensor": ("a nested tensor", "t.unbind() as a list of tensors"),
    "_rebuild_meta_tensor_no_storage": ("a meta tensor (it has no data)", "a tensor with data"),
    "_rebuild_tensor_v3": ("a tensor of a dtype ember does not have (uint16/32/64, float8, ...)",
                           "t.to(torch.float32)"),
}


def _unreadable(module: str, name: str) -> Optional[RuntimeError]:
    """The error for a torch rebuild function or dtype ember cannot read, or None."""
    if module == "torch" and name in _dtypes.MISSING_DTYPES:
        return _dtypes.missing_dtype(name)
    if module not in ("torch._utils", "torch._tensor") or not name.startswith("_rebuild_") or _allowed(module, name):
        return None
    what, fix = _UNREADABLE.get(name, ("a tensor subclass or a tensor of a kind ember does not have",
                                       "a plain tensor, t.detach().clone()"))
    return RuntimeError(f"ember.load cannot read {what}, which this checkpoint holds ({module}.{name}): ember "
                        f"has dense tensors only. In torch, save {fix} instead")


_BUILDABLE = (OrderedDict, Tensor, Parameter)  # the types whose state a checkpoint sets (BUILD)


class _Unpickler(RestrictedUnpickler):
    """Reads one pickle of a checkpoint, taking storages from `persistent_load`; with
    `weights_only`, only the globals a checkpoint needs may be named (the rest raise
    `pickle.UnpicklingError` before anything runs). What its hooks raise is kept in `hook_error`,
    so that it is told apart from the errors of malformed pickle data."""

    def __init__(self, file: IO[bytes], persistent_load: Callable[[Any], Any], weights_only: bool,
                 **pickle_load_args: Any) -> None:
        super().__init__(file, **pickle_load_args)
        self._load_storage = persistent_load
        self._weights_only = weights_only
        self.hook_error: Optional[BaseException] = None

    def build_allowed(self, obj: Any) -> bool:
        return (not self._weights_only or type(obj) in _BUILDABLE or _numpy_globals.buildable(obj)
                or _safe_globals.allows_instance(obj))

    def check_built(self, obj: Any) -> None:
        if self._weights_only:
            _numpy_globals.check_built(obj)

    def find_class(self, module: str, name: str) -> Any:
        try:
            return self._find_class(module, name)
        except BaseException as e:
            self.hook_error = e
            raise

    def _find_class(self, module: str, name: str) -> Any:
        if (module, name) in _compat_pickle.NAME_MAPPING:  # protocol 2 writes Python 2's names
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        error = _unreadable(module, name)
        if error is not None:
            raise error
        if not self._weights_only and (module, name) in _numpy_globals.GLOBALS:
            return super().find_class(module, name)  # NumPy's own, object dtypes too
        found = _allowed(module, name)
        if found is None:
            found = _safe_globals.lookup(module, name)
        if found is not None:
            return found
        if self._weights_only:
            raise pickle.UnpicklingError(
                f"Weights only load failed: unsupported global: GLOBAL {module}.{name}. ember.load with "
                "weights_only=True reads only tensors, numbers, strings and containers. If you trust "
                f"this class/function, allow it with ember.serialization.add_safe_globals([{module}.{name}]) "
                "or the ember.serialization.safe_globals([...]) context manager; or pass weights_only=False "
                "only for a file from a trusted source (it can run arbitrary code).")
        return super().find_class(module, name)

    def persistent_load(self, pid: Any) -> Any:
        try:
            return self._load_storage(pid)
        except BaseException as e:
            self.hook_error = e
            raise


# what pickle's own machinery raises on malformed data (an allowlisted constructor given wrong
# arguments raises TypeError or ValueError too)
_MALFORMED = (pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError, KeyError,
              AttributeError, struct.error, OverflowError)


def _unpickler(weights_only: bool, pickle_load_args: dict) -> _legacy.Unpickle:
    """`unpickle(file, persistent_load, record)`: the next pickle in `file`; malformed data raises
    `pickle.UnpicklingError` saying the checkpoint is corrupt, never an error from inside pickle."""

    def unpickle(file: IO[bytes], persistent_load: Callable[[Any], Any], record: str) -> Any:
        unpickler = _Unpickler(file, persistent_load, weights_only, **pickle_load_args)
        try:
            return unpickler.load()
        except _MALFORMED as e:
            if e is unpickler.hook_error or isinstance(e, Refused):
                raise
            raise pickle.UnpicklingError(
                f"corrupt checkpoint: its {record} pickle cannot be read ({type(e).__name__}: {e}); the file "
                "is damaged, or was not written by torch.save or ember.save") from None

    return unpickle


@contextlib.contextmanager
def _seekable(f: FileLike) -> Iterator[IO[bytes]]:
    """`f` as a seekable binary file: a path is opened (and closed after), a stream is read whole."""
    if isinstance(f, (str, os.PathLike)):
        with open(os.fspath(f), "rb") as file:
            yield file
    else:
        yield f if f.seekable() else io.BytesIO(f.read())


def load(f: FileLike, map_location: Any = None, pickle_module: Any = None, *,
         weights_only: Optional[bool] = None, mmap: Optional[bool] = None, **pickle_load_args: Any) -> Any:
    """Load what `torch.save` or `ember.save` wrote to `f` (a path or a binary file object), with
    tensors as ember Tensors and parameters as `ember.nn.Parameter`.

    Reads torch's zip format (torch >= 1.6, and ember.save), the older pickle-sequence format
    (`torch.save(..., _use_new_zipfile_serialization=False)`) and safetensors (recognised by
    content). bfloat16 tensors load as float32 with a warning; dtypes ember lacks raise.

    `weights_only=True` (the default, as in torch, unless a `pickle_module` is given) allows only
    the globals a checkpoint needs, and those `ember.serialization.add_safe_globals` marks, and
    raises `pickle.UnpicklingError` naming any other. `weights_only=False` unpickles anything and
    can run arbitrary code: use it only for files you trust.

    `map_location` places each storage, as in torch: None (where the checkpoint says), a device or
    its name ("cpu", `ember.device("cpu")`, `torch.device("cpu")`), a dict from saved location to
    location, or a callable `(storage, location)` that gets the storage as a 1-D `ember.Tensor` of
    its elements and returns it (or None for the default). ember has only the CPU: a checkpoint
    saved on a GPU needs `map_location="cpu"`; one that ends on "cuda" raises `NoCudaError`.

    `mmap=True` maps the file's storages copy-on-write instead of reading them (a zip checkpoint
    given by path). `pickle_load_args` (e.g. `encoding` for Python 2 strings, default "utf-8")
    go to the unpickler.

    >>> ember.load("model.pt", map_location="cpu")  # doctest: +SKIP
    """
    if weights_only is None:  # as torch: True, unless the caller brings their own pickle module
        weights_only = pickle_module is None
    if pickle_module is not None:
        if weights_only:
            raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
        if pickle_module is not pickle:
            raise ValueError("ember.load unpickles with Python's pickle module; pass pickle_module=None")
    if pickle_load_args and weights_only:  # and passes them on all the same, as torch does
        warnings.warn("pickle_load_args only works if `weights_only=False`.", stacklevel=2)
    pickle_load_args.setdefault("encoding", "utf-8")
    if mmap and not isinstance(f, (str, os.PathLike)):
        raise ValueError("f must be a file path in order to use the mmap argument")
    restore = _location.restorer(map_location)
    unpickle = _unpickler(weights_only, pickle_load_args)
    with _seekable(f) as file:
        start = file.tell()
        head = file.read(512)
        file.seek(start)
        if _safetensors.is_safetensors(head[:9]):
            return {k: Tensor._make(restore(v._data, "cpu"), False, None)
                    for k, v in _safetensors.loads(file.read()).items()}
        if _legacy.is_tar(head):
            raise RuntimeError(_legacy.TAR_ERROR)
        if _legacy.is_legacy(head):
            if mmap:
                raise RuntimeError("mmap can only be used with files saved with "
                                   "`torch.save(f, _use_new_zipfile_serialization=True)` or ember.save")
            return _legacy.load(file, unpickle, restore)
        archive = Archive(file, restore, os.fspath(f) if mmap else None)
        try:
            result = unpickle(io.BytesIO(archive.read("data.pkl")), archive.persistent_load, "data.pkl")
        finally:
            archive.close()
        _dtypes.warn_if_widened(archive.kinds, stacklevel=2)
        return result
