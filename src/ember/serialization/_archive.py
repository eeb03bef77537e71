"""Reading torch's zip checkpoint: its records, and its storages straight from the file.

A storage record is stored uncompressed (torch and ember write it so, 64-byte aligned), so its
bytes are read with one `readinto` from the file into the array that becomes the storage: no
intermediate `bytes`, no second copy. A compressed record (a zip rewritten by another tool) is
read through `zipfile` instead. With `mmap`, the file is mapped copy-on-write (as torch's
`mmap=True`, MAP_PRIVATE) and each storage is a view of the mapping: nothing is read until used,
and writes to a tensor never reach the file.
"""

from __future__ import annotations

import os
import zipfile
from typing import IO, Any, Optional

import numpy as np

from ._dtypes import StorageKind
from ._location import Restore

_LOCAL_HEADER_SIZE = 30  # a zip local file header before its name and extra field
_MAX_DEFLATE_RATIO = 1032  # deflate cannot expand data more: a record claiming more is a zip bomb
# a pickle (the object's structure; its tensors' bytes are apart) compresses far less than deflate
# could expand it: a compressed data.pkl claiming more is a zip bomb, not a checkpoint
_MAX_PICKLE_RATIO = 64


class Archive:
    """The records of one checkpoint zip, under its top-level folder, and the storages they hold."""

    def __init__(self, file: IO[bytes], restore: Restore, mmap_path: Optional[str] = None) -> None:
        try:
            self.zf = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, EOFError, OSError):
            raise RuntimeError("not a torch checkpoint, or a truncated one: ember.load reads the zip "
                               "archive torch.save writes (since torch 1.6) and ember.save writes") from None
        self.file = file
        self.size = file.seek(0, os.SEEK_END)
        self.unread = self.size  # bytes the storage records may still take
        self.restore = restore
        pickles = [n for n in self.zf.namelist() if n.endswith("/data.pkl") and n.count("/") == 1]
        if not pickles:
            raise RuntimeError("not a torch checkpoint: the zip archive has no <name>/data.pkl record")
        _check_disjoint(self.zf.infolist())
        self.prefix = pickles[0][: -len("data.pkl")]
        order = self.prefix + "byteorder"
        self.byteorder = "<" if order not in self.zf.NameToInfo or self.read("byteorder") == b"little" else ">"
        self.storages: dict[str, np.ndarray] = {}
        self.kinds: set[StorageKind] = set()
        self.mapped = None if mmap_path is None else np.memmap(mmap_path, np.uint8, mode="c")

    def close(self) -> None:
        self.zf.close()

    def read(self, name: str, ratio: int = _MAX_PICKLE_RATIO) -> bytes:
        """The bytes of the record `<prefix>/<name>`, compressed at most `ratio` to 1 if compressed."""
        try:
            _check_inflation(self.zf.getinfo(self.prefix + name), ratio)
            return self.zf.read(self.prefix + name)
        except KeyError:
            raise RuntimeError(f"corrupt checkpoint: record {self.prefix + name!r} is missing") from None
        except (zipfile.BadZipFile, EOFError, OSError) as e:
            raise RuntimeError(f"corrupt checkpoint: record {self.prefix + name!r} cannot be read ({e})") from None

    def persistent_load(self, pid: Any) -> np.ndarray:
        """The storage a `('storage', kind, key, location, numel)` persistent id names, read once
        per key and placed by `map_location`."""
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise RuntimeError(f"corrupt checkpoint: unsupported persistent id {pid!r}")
        _, kind, key, location, numel = pid
        if not isinstance(kind, StorageKind):
            raise RuntimeError(f"corrupt checkpoint: storage {key!r} has no storage type ({kind!r})")
        if not isinstance(numel, int) or numel < 0:
            raise RuntimeError(f"corrupt checkpoint: storage {key!r} has {numel!r} elements")
        if key not in self.storages:
            raw = self._record_bytes(f"data/{key}", numel * kind.itemsize)
            self.storages[key] = self.restore(kind.decode(raw, self.byteorder), str(location))
            self.kinds.add(kind)
        return self.storages[key]

    def _record_bytes(self, name: str, nbytes: int) -> "bytearray | np.ndarray":
        """The `nbytes` bytes of a storage record: read into a fresh writable array, or a view
        of the mapped file."""
        try:
            info = self.zf.getinfo(self.prefix + name)
        except KeyError:
            raise RuntimeError(f"corrupt checkpoint: record {self.prefix + name!r} is missing") from None
        if info.file_size != nbytes:
            raise RuntimeError(f"corrupt checkpoint: record {name} has {info.file_size} bytes, expected {nbytes}")
        # before allocating what a hostile file claims: records do not overlap, so all together
        # they hold at most the file's bytes (and deflate expands them 1032-fold at most)
        self.unread -= info.compress_size
        if self.unread < 0:
            raise RuntimeError(f"corrupt checkpoint: record {name} runs past the end of the file")
        if info.compress_type != zipfile.ZIP_STORED:
            return bytearray(self.read(name, _MAX_DEFLATE_RATIO))
        offset = self._data_offset(info)
        if offset + nbytes > self.size:
            raise RuntimeError(f"corrupt checkpoint: record {name} runs past the end of the file")
        if self.mapped is not None:
            return self.mapped[offset:offset + nbytes]
        raw = np.empty(nbytes, np.uint8)  # not bytearray(nbytes), which fills it with zeros first
        self.file.seek(offset)
        if self.file.readinto(raw) != nbytes:
            raise RuntimeError(f"corrupt checkpoint: record {name} is cut short (a truncated file?)")
        return raw

    def _data_offset(self, info: zipfile.ZipInfo) -> int:
        """Where a stored record's bytes start: after its local header, name and extra field."""
        self.file.seek(info.header_offset)
        header = self.file.read(_LOCAL_HEADER_SIZE)
        if len(header) != _LOCAL_HEADER_SIZE or header[:4] != b"PK\x03\x04":
            raise RuntimeError(f"corrupt checkpoint: record {info.filename!r} has no local header")
        name_length = int.from_bytes(header[26:28], "little")
        extra_length = int.from_bytes(header[28:30], "little")
        return info.header_offset + _LOCAL_HEADER_SIZE + name_length + extra_length


def _check_disjoint(infos: list[zipfile.ZipInfo]) -> None:
    """Records that share bytes (directory entries pointing at one header, or a stored record
    whose sizes disagree) would let a small file claim its bytes many times over: refuse them."""
    end = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise RuntimeError(f"corrupt checkpoint: stored record {info.filename!r} has {info.file_size} bytes "
                               f"in {info.compress_size}")
        if info.header_offset < end:
            raise RuntimeError(f"corrupt checkpoint: record {info.filename!r} overlaps the record before it")
        name = info.filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")
        end = info.header_offset + _LOCAL_HEADER_SIZE + len(name) + info.compress_size


def _check_inflation(info: zipfile.ZipInfo, ratio: int) -> None:
    """A compressed record may not claim more than `ratio` times its bytes (a zip bomb)."""
    if info.compress_type != zipfile.ZIP_STORED and info.file_size > ratio * info.compress_size + 1024:
        raise RuntimeError(f"corrupt checkpoint: record {info.filename!r} claims {info.file_size} bytes from "
                           f"{info.compress_size} compressed ones")
