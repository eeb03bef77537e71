"""How a batch travels from a worker process to the DataLoader's process.

The worker pickles the batch with every array buffer (a tensor's or an ndarray's, of at least
`_INLINE_BYTES`) left out, and writes those buffers into a POSIX shared-memory segment; only
the pickle (structure, small arrays, Python objects) and the buffers' layout go through the
pipe. The parent copies each buffer out into an array of its own (one memcpy) and hands the
segment back, so the worker writes its next batch into it: a worker keeps as many segments as
it has batches in flight, and no batch pays for fresh shared memory (allocating and freeing
its pages costs ten times the copy).

The parent opens each segment once, on its first message, and unlinks its name at once: the
memory then lives exactly as long as the two processes hold it, whatever happens to them. A
segment made but never opened (its worker or the parent killed in between) is unlinked by
`sweep`. Where POSIX shared memory is missing (Windows), the buffers are pickled with the rest.
"""

from __future__ import annotations

import io
import os
import pickle
from typing import Any, Dict, List, Optional, Tuple

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


def _bytes(array: np.ndarray) -> memoryview:
    return memoryview(array.reshape(-1).view(np.uint8))


def _write_at(fd: int, data: memoryview, offset: int) -> None:
    """All of data at offset (one call moves at most 2 GiB on Linux)."""
    while len(data):
        written = os.pwrite(fd, data, offset)
        data, offset = data[written:], offset + written


def _read_at(fd: int, data: memoryview, offset: int) -> None:
    """Fill data from offset (lseek and readv: preadv is missing on some platforms)."""
    os.lseek(fd, offset, os.SEEK_SET)
    while len(data):
        read = os.readv(fd, [data])
        if read == 0:
            raise EOFError("a DataLoader worker's shared-memory segment is shorter than its message says")
        data = data[read:]


def _unlink(name: str) -> None:
    try:
        _posixshmem.shm_unlink("/" + name)
    except FileNotFoundError:
        pass


class SegmentWriter:
    """A worker's side: `dumps` pickles a message, its large buffers into a free segment (or a
    new one, named prefix_n); `release(n)` makes segment n free again once the parent has
    copied its message out."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._segments: List[Tuple[int, int]] = []  # (fd, size)
        self._free: List[int] = []

    def dumps(self, obj: Any) -> bytes:
        body = io.BytesIO()
        pickler = _Pickler(body)
        pickler.dump(obj)
        slot = None
        layout, size = _layout(pickler.arrays)
        if pickler.arrays:
            slot = self._free.pop() if self._free else self._new()
            try:
                fd = self._reserve(slot, size)
                for (offset, _, _), array in zip(layout, pickler.arrays):
                    _write_at(fd, _bytes(np.ascontiguousarray(array)), offset)
            except BaseException:
                self._free.append(slot)
                raise
        return pickle.dumps((slot, self.name(slot), layout, body.getvalue()), protocol=pickle.HIGHEST_PROTOCOL)

    def release(self, slot: int) -> None:
        self._free.append(slot)

    def name(self, slot: Optional[int]) -> Optional[str]:
        return None if slot is None else f"{self.prefix}_{slot}"

    def _new(self) -> int:
        fd = _posixshmem.shm_open("/" + self.name(len(self._segments)), os.O_CREAT | os.O_EXCL | os.O_RDWR,
                                  mode=0o600)
        self._segments.append((fd, 0))
        return len(self._segments) - 1

    def _reserve(self, slot: int, size: int) -> int:
        fd, reserved = self._segments[slot]
        if size > reserved:
            os.ftruncate(fd, size)
            self._segments[slot] = (fd, size)
        return fd


class SegmentReader:
    """The parent's side, for one worker: `loads` rebuilds a message's object, its buffers
    copied out of the worker's segment, and returns it with the segment to release (or None)."""

    def __init__(self) -> None:
        self._fds: Dict[int, int] = {}

    def loads(self, message: bytes) -> Tuple[Any, Optional[int]]:
        # an unrestricted load on purpose: the message comes over a private pipe from this loader's own
        # worker, running the user's dataset code, and holds its samples (any Python object, as torch's
        # worker queues carry); no file or other process can reach this pipe
        slot, name, layout, body = pickle.loads(message)
        arrays = []
        if slot is not None:
            fd = self._fds.get(slot)
            if fd is None:
                fd = self._fds[slot] = _posixshmem.shm_open("/" + name, os.O_RDONLY, mode=0o600)
                _unlink(name)
            for offset, shape, dtype in layout:
                array = np.empty(shape, dtype)
                _read_at(fd, _bytes(array), offset)
                arrays.append(array)
        return _Unpickler(io.BytesIO(body), arrays).load(), slot

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()


def sweep(prefix: str) -> None:
    """Unlink every segment whose name starts with prefix: those made but never opened by the
    parent (Linux lists them in /dev/shm; elsewhere there is nothing to list, and only a killed
    process can leave one)."""
    if _posixshmem is None or not os.path.isdir(_SHM_DIR):
        return
    for name in os.listdir(_SHM_DIR):
        if name.startswith(prefix + "_"):
            _unlink(name)
