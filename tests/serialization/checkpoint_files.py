"""Checkpoints the tests write by hand: what torch here cannot save (CUDA storages), and broken or
hostile variants of what it does."""

from __future__ import annotations

import io
import pickle
import zipfile

import torch

_CPU = b"X\x03\x00\x00\x00cpu"  # the location "cpu" as a protocol-2 pickle writes it


def torch_bytes(obj: object, legacy: bool = False) -> bytes:
    """`torch.save(obj)` in the zip format, or in the legacy pickle-sequence format."""
    buffer = io.BytesIO()
    torch.save(obj, buffer, _use_new_zipfile_serialization=not legacy)
    return buffer.getvalue()


def _location(location: str) -> bytes:
    data = location.encode()
    return b"X" + len(data).to_bytes(4, "little") + data


def retagged(data: bytes, location: str) -> bytes:
    """A checkpoint of torch's (either format) whose storages say they were saved on `location`.
    Protocol 2 has no frame lengths, so the pickled string can change length in place."""
    if not data.startswith(b"PK"):
        return data.replace(_CPU, _location(location))
    return rewrite_records(data, {"data.pkl": lambda pkl: pkl.replace(_CPU, _location(location))})


def rewrite_records(data: bytes, edits: dict) -> bytes:
    """A copy of a zip checkpoint with `edits[name](bytes)` applied to the record `archive/<name>`
    (a record whose edit returns None is left out)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            record = name.split("/", 1)[1]
            payload = src.read(name)
            if record in edits:
                payload = edits[record](payload)
            if payload is not None:
                dst.writestr(name, payload)
    return out.getvalue()


def archive(payload: bytes, extra: dict = None) -> bytes:
    """A checkpoint zip whose data.pkl is `payload`, with more records from `extra`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("archive/data.pkl", payload)
        zf.writestr("archive/version", b"3\n")
        for name, data in (extra or {}).items():
            zf.writestr(f"archive/{name}", data)
    return out.getvalue()


def reducing(func: object, *args: object) -> bytes:
    """A protocol-2 pickle that calls `func(*args)` when loaded."""
    class Evil:
        def __reduce__(self):
            return (func, args)
    return pickle.dumps({"w": Evil()}, protocol=2)


def claim_size(data: bytes, name: str, size: int) -> bytes:
    """A zip whose central directory says the record `name` holds `size` bytes once
    decompressed (and stored, if it is stored), whatever it really holds."""
    out = bytearray(data)
    start = out.find(b"PK\x01\x02")
    while start != -1:
        length = int.from_bytes(out[start + 28:start + 30], "little")
        if out[start + 46:start + 46 + length] == name.encode():
            stored = out[start + 10:start + 12] == b"\x00\x00"
            out[start + (20 if stored else 24):start + 28] = size.to_bytes(4, "little") * (2 if stored else 1)
        start = out.find(b"PK\x01\x02", start + 4)
    return bytes(out)
