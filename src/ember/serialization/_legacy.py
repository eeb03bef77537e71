"""torch's pre-1.6 checkpoint format, which `torch.save(..., _use_new_zipfile_serialization=False)`
still writes: a sequence of pickles, then the raw storages.

    pickle: magic number 0x1950A86A20F9469CFC6C
    pickle: protocol version 1001
    pickle: sys info (byte order, C type sizes)
    pickle: the object; each storage is a persistent id
            ('storage', storage class, key, location, numel, view or None)
    pickle: the storage keys, in the order their bytes follow
    per key: numel as a little-endian int64, then numel elements, little-endian

Every pickle goes through the same unpickler (and weights-only allowlist) as the zip format. A
storage is allocated when the object pickle names it and filled once the bytes are reached, so
the tensors built over it in between see its data.
"""

from __future__ import annotations

import os
from typing import IO, Any, Callable, Optional

import numpy as np

from ._dtypes import StorageKind, warn_if_widened
from ._location import Restore

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001

Unpickle = Callable[[IO[bytes], Callable[[Any], Any], str], Any]


def is_legacy(head: bytes) -> bool:
    """Whether a file starting with `head` is a pickle (the legacy format's first record)."""
    return head[:1] == b"\x80"


def is_tar(head: bytes) -> bool:
    """Whether a file starting with `head` (at least 262 bytes) is a tar archive: torch's format
    before 0.1.10 (2017)."""
    return head[257:262] == b"ustar"


TAR_ERROR = ("this checkpoint is in torch's legacy .tar format (torch.save before torch 0.1.10), which "
             "ember.load does not read. In torch, load it with torch.load(f, weights_only=False) (only "
             "if you trust the file) and save it again with torch.save")


class _Storages:
    """The storages the object pickle names, allocated empty, then filled from the file."""

    def __init__(self, restore: Restore, budget: int) -> None:
        self.restore = restore
        self.budget = budget  # bytes left in the file: all storages together hold no more
        self.arrays: dict[str, tuple[StorageKind, int, np.ndarray]] = {}
        self.views: dict[str, np.ndarray] = {}

    def persistent_load(self, pid: Any) -> Any:
        if isinstance(pid, tuple) and len(pid) == 4 and pid[0] == "module":
            return pid[1]  # a pickled nn.Module's class (only reached with weights_only=False)
        if not (isinstance(pid, tuple) and len(pid) == 6 and pid[0] == "storage"):
            raise RuntimeError(f"corrupt checkpoint: unsupported persistent id {pid!r}")
        _, kind, key, location, numel, view = pid
        if not isinstance(key, str) or not isinstance(kind, StorageKind):
            raise RuntimeError(f"corrupt checkpoint: storage {key!r} has no storage type ({kind!r})")
        if not isinstance(numel, int) or numel < 0:
            raise RuntimeError(f"corrupt checkpoint: storage {key!r} has {numel!r} elements")
        if key not in self.arrays:
            self.budget -= numel * kind.itemsize
            if self.budget < 0:
                raise RuntimeError(f"corrupt checkpoint: storage {key!r} claims {numel} elements, "
                                   "more than the file holds")
            array = self.restore(np.empty(numel, kind.dtype.numpy), str(location))
            self.arrays[key] = (kind, numel, array)
        root = self.arrays[key][2]
        return root if view is None else self._view(root, view)

    def _view(self, root: np.ndarray, view: Any) -> np.ndarray:
        """A storage that is a slice of another: `(view key, offset, numel)` (torch before 1.0)."""
        if not (isinstance(view, tuple) and len(view) == 3):
            raise RuntimeError(f"corrupt checkpoint: bad storage view {view!r}")
        key, offset, numel = view
        if not (isinstance(offset, int) and isinstance(numel, int) and 0 <= offset and 0 <= numel
                and offset + numel <= root.size):
            raise RuntimeError(f"corrupt checkpoint: storage view {view!r} runs past its storage")
        return self.views.setdefault(key, root[offset:offset + numel])

    def fill(self, file: IO[bytes], keys: Any) -> None:
        """Read each storage's bytes, in the order `keys` lists them, into its array."""
        if (not isinstance(keys, list) or not all(isinstance(k, str) for k in keys)
                or sorted(keys) != sorted(self.arrays)):
            raise RuntimeError("corrupt checkpoint: the list of storage keys does not match the "
                               "storages the object refers to")
        for key in keys:
            kind, numel, array = self.arrays[key]
            header = file.read(8)
            if len(header) != 8 or int.from_bytes(header, "little", signed=True) != numel:
                raise RuntimeError(f"corrupt checkpoint: storage {key!r} should hold {numel} elements")
            raw = file.read(numel * kind.itemsize)
            if len(raw) != numel * kind.itemsize:
                raise RuntimeError(f"corrupt checkpoint: storage {key!r} is cut short (a truncated file?)")
            array[...] = kind.decode(raw, "<")


def load(file: IO[bytes], unpickle: Unpickle, restore: Restore) -> Any:
    """The object in a legacy checkpoint read from `file` (seekable, at the magic number).
    `unpickle(file, persistent_load, record)` reads the next pickle through the allowlist."""
    refuse: Callable[[Any], Any] = _refuse_persistent_id
    magic = unpickle(file, refuse, "magic number")
    if magic != MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file? ember.load reads checkpoints written "
                           "by torch.save (either format) and ember.save")
    version = unpickle(file, refuse, "protocol version")
    if version != PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {version}")
    unpickle(file, refuse, "sys info")
    storages = _Storages(restore, _bytes_left(file))
    result = unpickle(file, storages.persistent_load, "object")
    storages.fill(file, unpickle(file, refuse, "storage keys"))
    warn_if_widened((kind for kind, _, _ in storages.arrays.values()), stacklevel=3)
    return result


def _refuse_persistent_id(pid: Any) -> Optional[Any]:
    raise RuntimeError(f"corrupt checkpoint: unexpected persistent id {pid!r} in a header pickle")


def _bytes_left(file: IO[bytes]) -> int:
    here = file.tell()
    end = file.seek(0, os.SEEK_END)
    file.seek(here)
    return end - here
