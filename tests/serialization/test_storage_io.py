"""How storage bytes move: written straight from the arrays, read straight into them (no
intermediate copies), with the slower paths (compressed records, big-endian files) still right."""

import io
import zipfile

import numpy as np
import torch
from checkpoint_files import rewrite_records, torch_bytes

import ember
from ember.serialization import _archive
from ember.serialization.save import _little_endian_bytes


def test_records_are_written_from_the_arrays_memory():
    array = np.arange(12, dtype=np.float32).reshape(3, 4)
    assert np.shares_memory(np.frombuffer(_little_endian_bytes(array), np.float32), array)
    big = array.astype(">f4")
    assert np.frombuffer(_little_endian_bytes(big), "<f4").tolist() == array.ravel().tolist()


def test_stored_records_are_read_straight_into_the_storage(monkeypatch):
    read = []
    original = _archive.Archive.read
    monkeypatch.setattr(_archive.Archive, "read", lambda self, name: read.append(name) or original(self, name))
    loaded = ember.load(io.BytesIO(torch_bytes({"a": torch.arange(5.0), "b": torch.ones(2, 2)})))
    assert read == ["byteorder", "data.pkl"]  # no data/<key> through zipfile's read
    assert loaded["a"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    loaded["a"].add_(1)  # the storage is writable memory of its own
    assert loaded["a"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_compressed_records_load():
    data = torch_bytes({"a": torch.arange(1000.0), "i": torch.arange(3)})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name))
    loaded = ember.load(io.BytesIO(out.getvalue()))
    np.testing.assert_array_equal(loaded["a"].numpy(), np.arange(1000.0, dtype=np.float32))
    assert loaded["i"].tolist() == [0, 1, 2]


def test_big_endian_checkpoint_loads_as_torch_reads_it():
    values = {"f": torch.tensor([1.5, -2.0, 3e30]), "i": torch.tensor([1, -2, 2**40]), "h": torch.tensor([0.5], dtype=torch.float16)}
    dtypes = {"0": ">f4", "1": ">i8", "2": ">f2"}
    edits = {"byteorder": lambda raw: b"big"}
    edits.update({f"data/{key}": (lambda raw, d=d: np.frombuffer(raw, d.replace(">", "<")).astype(d).tobytes())
                  for key, d in dtypes.items()})
    data = rewrite_records(torch_bytes(values), edits)
    theirs, ours = torch.load(io.BytesIO(data)), ember.load(io.BytesIO(data))
    for key in values:
        np.testing.assert_array_equal(ours[key].numpy(), theirs[key].numpy())
        np.testing.assert_array_equal(ours[key].numpy(), values[key].numpy())
