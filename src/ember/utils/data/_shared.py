"""How a batch travels from a worker process to the DataLoader's process.

The worker pickles the batch with every array buffer (a tensor's or an ndarray's, of at least
`_INLINE_BYTES`) left out, and copies those buffers into one POSIX shared-memory segment per
batch; only the pickle (structure, small arrays, Python objects) and the segment's layout go
through the pipe. The parent maps the segment, unlinks its name at once, and builds the arrays
as views of the mapping: no copy on the parent's side, and the memory is freed (unmapped) when
the last tensor of the batch is. A segment whose message is never read (an iterator shut down
early) is unlinked by `discard`; one a killed worker left half-written, by `sweep`.

Where POSIX shared memory is missing (Windows), the buffers are pickled with the rest.
"""

from __future__ import annotations

import io
import math
import mmap
import os
import pickle
from typing import Any, List, Optional, Tuple

import numpy as np

from ..._tensor import Tensor

try:
    import _posixshmem
except ImportError:  # pragma: no cover - Windows
    _posixshmem = None

_INLINE_BYTES = 1024  # a smaller buffer costs less pickled than a page of shared memory
_ALIGN = 64
_SHM_DIR = "/dev/shm"  # where Linux lists POSIX segments, for the sweep

Layout = List[Tuple[int, Tuple[int, ...], np.dtype]]


class _Pickler(pickle.Pickler):
    """Pickles a batch, setting aside each large array buffer (`arrays`) for the segment."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.arrays: List[np.ndarray] = []

    def persistent_id(self, obj: Any) -> Optional[tuple]:
        if isinstance(obj, Tensor):
            if obj.requires_grad and obj.grad_fn is not None:
                raise RuntimeError("Cowardly refusing to serialize non-leaf tensor which requires_grad, since "
                                   "autograd does not support crossing process boundaries. If you just want to "
                                   "transfer the data, call detach() on the tensor before serializing.")
            if self._set_aside(obj._data):
                return ("tensor", len(self.arrays) - 1, type(obj), obj.requires_grad)
        elif type(obj) is np.ndarray and self._set_aside(obj):
            return ("ndarray", len(self.arrays) - 1)
        return None

    def _set_aside(self, array: Any) -> bool:
        if (_posixshmem is None or type(array) is not np.ndarray or array.dtype.hasobject
                or array.nbytes < _INLINE_BYTES):
            return False
        self.arrays.append(array)
        return True


class _Unpickler(pickle.Unpickler):
    """Unpickles a batch, putting back the arrays as views of the mapped segment."""

    def __init__(self, file: io.BytesIO, arrays: List[np.ndarray]) -> None:
        super().__init__(file)
        self.arrays = arrays

    def persistent_load(self, pid: tuple) -> Any:
        array = self.arrays[pid[1]]
        if pid[0] == "ndarray":
            return array
        cls, requires_grad = pid[2], pid[3]
        return cls._make(array, requires_grad, None)


def _layout(arrays: List[np.ndarray]) -> Tuple[Layout, int]:
    """Each array's (offset, shape, dtype) in the segment, and the segment's size."""
    layout, size = [], 0
    for array in arrays:
        layout.append((size, array.shape, array.dtype))
        size += -(-array.nbytes // _ALIGN) * _ALIGN
    return layout, size


def _views(buffer: Any, layout: Layout) -> List[np.ndarray]:
    return [np.frombuffer(buffer, dtype, math.prod(shape), offset).reshape(shape) for offset, shape, dtype in layout]


def _write_segment(name: str, size: int, layout: Layout, arrays: List[np.ndarray]) -> None:
    fd = _posixshmem.shm_open("/" + name, os.O_CREAT | os.O_EXCL | os.O_RDWR, mode=0o600)
    try:
        os.ftruncate(fd, size)
        for (offset, _, _), array in zip(layout, arrays):
            _write_at(fd, memoryview(np.ascontiguousarray(array).reshape(-1).view(np.uint8)), offset)
    except BaseException:
        _unlink(name)
        raise
    finally:
        os.close(fd)


def _write_at(fd: int, data: memoryview, offset: int) -> None:
    """All of data at offset (write() into the segment costs half of filling a mapping of it;
    one call writes at most 2 GiB on Linux)."""
    while len(data):
        written = os.pwrite(fd, data, offset)
        data, offset = data[written:], offset + written


def _map_segment(name: str, size: int) -> mmap.mmap:
    fd = _posixshmem.shm_open("/" + name, os.O_RDWR, mode=0o600)
    try:
        return mmap.mmap(fd, size)
    finally:
        os.close(fd)
        _unlink(name)


def _unlink(name: str) -> None:
    try:
        _posixshmem.shm_unlink("/" + name)
    except FileNotFoundError:
        pass


def dumps(obj: Any, segment_name: str) -> bytes:
    """The message that carries obj: its large buffers go into a new segment named segment_name
    (made only where there is one), the rest is pickled."""
    body = io.BytesIO()
    pickler = _Pickler(body)
    pickler.dump(obj)
    layout, size = _layout(pickler.arrays)
    if pickler.arrays:
        _write_segment(segment_name, size, layout, pickler.arrays)
    return pickle.dumps((segment_name if pickler.arrays else None, size, layout, body.getvalue()),
                        protocol=pickle.HIGHEST_PROTOCOL)


def loads(message: bytes) -> Any:
    """The object a message carries; its segment, if any, is mapped and unlinked."""
    name, size, layout, body = pickle.loads(message)
    arrays = _views(_map_segment(name, size), layout) if name is not None else []
    return _Unpickler(io.BytesIO(body), arrays).load()


def discard(message: bytes) -> None:
    """Drop a message unread, unlinking its segment."""
    name = pickle.loads(message)[0]
    if name is not None:
        _unlink(name)


def sweep(prefix: str) -> None:
    """Unlink every segment whose name starts with prefix: those a killed worker may have made
    without sending their message (Linux lists them in /dev/shm; elsewhere there is nothing to
    list, and only a killed worker can leave one)."""
    if _posixshmem is None or not os.path.isdir(_SHM_DIR):
        return
    for name in os.listdir(_SHM_DIR):
        if name.startswith(prefix + "_"):
            _unlink(name)
