"""Hostile and broken files: weights_only refuses every global a checkpoint does not need, and
nothing runs; truncated and non-checkpoint files raise a clear RuntimeError."""

import io
import os
import pickle
import subprocess
import zipfile

import numpy as np
import pytest
import torch
from checkpoint_files import archive, claim_size, reducing, rewrite_records, torch_bytes

import ember


def _archive(path, payload: bytes, extra: dict = None) -> None:
    path.write_bytes(archive(payload, extra))


def _payloads(marker: str) -> dict:
    command = f"touch {marker}"
    return {
        "os.system": reducing(os.system, command),
        "builtins.eval": reducing(eval, f"open({marker!r}, 'w').close()"),
        "subprocess.Popen": reducing(subprocess.Popen, ["touch", marker]),
        "GLOBAL": b"\x80\x02cos\nsystem\nX" + _s(command) + b"\x85R.",
        "STACK_GLOBAL": b"\x80\x04\x8c\x02os\x8c\x06system\x93X" + _s(command) + b"\x85R.",
        "INST": b"(X" + _s(command) + b"ios\nsystem\n.",
        "OBJ": b"(cos\nsystem\nX" + _s(command) + b"o.",
    }


def _s(text: str) -> bytes:
    data = text.encode()
    return len(data).to_bytes(4, "little") + data


@pytest.mark.parametrize("kind", list(_payloads("m")))
def test_hostile_pickles_are_refused_and_nothing_runs(tmp_path, kind):
    marker = str(tmp_path / "pwned")
    path = tmp_path / "evil.pt"
    _archive(path, _payloads(marker)[kind])
    with pytest.raises(pickle.UnpicklingError, match="(?i)unsupported global: GLOBAL (os|posix|builtins|subprocess)"):
        ember.load(path)
    assert not os.path.exists(marker)


def test_weights_only_false_unpickles_freely(tmp_path):
    path = tmp_path / "free.pt"
    torch.save({"d": {1: 2}, "cls": ValueError}, path)
    with pytest.raises(pickle.UnpicklingError, match="builtins.ValueError"):
        ember.load(path)
    assert ember.load(path, weights_only=False)["cls"] is ValueError


def test_not_a_zip(tmp_path):
    (tmp_path / "x.pt").write_bytes(b"just some text, not an archive")
    with pytest.raises(RuntimeError, match="not a torch checkpoint"):
        ember.load(tmp_path / "x.pt")


def test_truncated_file(tmp_path):
    buf = io.BytesIO()
    ember.save({"x": ember.ones(100)}, buf)
    (tmp_path / "cut.pt").write_bytes(buf.getvalue()[:-200])
    with pytest.raises(RuntimeError, match="truncated"):
        ember.load(tmp_path / "cut.pt")


def test_zip_without_data_pkl(tmp_path):
    with zipfile.ZipFile(tmp_path / "z.pt", "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(RuntimeError, match="data.pkl"):
        ember.load(tmp_path / "z.pt")


def test_missing_storage_record(tmp_path):
    (tmp_path / "m.pt").write_bytes(rewrite_records(torch_bytes([torch.ones(3)]), {"data/0": lambda raw: None}))
    with pytest.raises(RuntimeError, match="archive/data/0.*missing"):
        ember.load(tmp_path / "m.pt")


def test_storage_too_short_for_tensor(tmp_path):
    (tmp_path / "s.pt").write_bytes(rewrite_records(torch_bytes([torch.ones(3)]), {"data/0": lambda raw: raw[:4]}))
    with pytest.raises(RuntimeError, match="data/0 has 4 bytes"):
        ember.load(tmp_path / "s.pt")


def test_tensor_past_its_storage_or_over_a_non_storage(tmp_path):
    rebuild = b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n"
    storage = b"(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x02tQ"
    past = rebuild + b"(" + storage + b"K\x00K\x05\x85K\x01\x85\x89tR."
    _archive(tmp_path / "past.pt", past, {"data/0": b"\x00" * 8})
    with pytest.raises(RuntimeError, match="runs past its storage"):
        ember.load(tmp_path / "past.pt")
    _archive(tmp_path / "int.pt", rebuild + b"(K\x00K\x00K\x01\x85K\x01\x85\x89tR.")
    with pytest.raises(RuntimeError, match="not a storage"):
        ember.load(tmp_path / "int.pt")


def _data_pkl(edit) -> bytes:
    return rewrite_records(torch_bytes({"w": torch.ones(3), "b": [1, 2]}), {"data.pkl": edit})


MALFORMED = {
    "garbage": lambda pkl: b"\x80\x02this is not a pickle at all",
    "cut short": lambda pkl: pkl[: len(pkl) // 2],
    "no STOP": lambda pkl: pkl[:-1],
    "empty": lambda pkl: b"",
    "stack underflow": lambda pkl: b"\x80\x02t.",
    "unknown memo": lambda pkl: b"\x80\x02h\x09.",
    "wrong arguments": lambda pkl: b"\x80\x02c__builtin__\nset\nK\x01K\x02\x86R.",
    "bad storage id": lambda pkl: b"\x80\x02K\x05Q.",
    "too few arguments to rebuild a tensor": lambda pkl: b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n(K\x01tR.",
}


@pytest.mark.parametrize("how", MALFORMED)
def test_malformed_data_pkl_says_the_checkpoint_is_corrupt(tmp_path, how):
    path = tmp_path / "bad.pt"
    path.write_bytes(_data_pkl(MALFORMED[how]))
    with pytest.raises((pickle.UnpicklingError, RuntimeError), match="corrupt checkpoint") as caught:
        ember.load(path)
    error = caught.value
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)
    with pytest.raises(Exception):
        torch.load(path)


def _claiming(claims: list, compress: int, padding: int = 0) -> bytes:
    """A checkpoint of float32 tensors, one per storage `str(i)` of `claims[i]` elements, whose
    records hold 8 bytes each but whose zip directory says they hold claims[i] * 4; a record of
    `padding` bytes makes the file larger."""
    tensors = b""
    for key, numel in enumerate(claims):
        storage = (b"(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x00" + str(key).encode()
                   + b"X\x03\x00\x00\x00cpuJ" + numel.to_bytes(4, "little") + b"tQ")
        tensors += b"ctorch._utils\n_rebuild_tensor_v2\n(" + storage + b"K\x00K\x01\x85K\x01\x85\x89tR"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compress) as zf:
        zf.writestr("archive/data.pkl", b"\x80\x02(" + tensors + b"l.")
        for key in range(len(claims)):
            zf.writestr(f"archive/data/{key}", b"\x00" * 8)
        zf.writestr("archive/pad", b"\x00" * padding)
    data = out.getvalue()
    for key, numel in enumerate(claims):
        data = claim_size(data, f"archive/data/{key}", numel * 4)
    return data


@pytest.mark.parametrize("compress, message", [(zipfile.ZIP_STORED, "runs past the end of the file|overlaps the record"),
                                               (zipfile.ZIP_DEFLATED, "claims 4000000000 bytes from")])
def test_a_record_claiming_more_than_the_file_holds_is_refused_before_allocating(compress, message):
    data = _claiming([10**9], compress)
    with pytest.raises(RuntimeError, match=message):
        ember.load(io.BytesIO(data))


def test_records_claiming_bytes_of_other_records_are_refused():
    """A record's claimed bytes may not reach into the next record (records cannot overlap in a
    zip checkpoint), even where each claim alone would fit in the file."""
    assert len(ember.load(io.BytesIO(_claiming([2, 2], zipfile.ZIP_STORED, padding=4000)))) == 2
    size = len(_claiming([2, 2], zipfile.ZIP_STORED, padding=4000))
    claim = int(size * 0.6) // 4
    for claims in ([2, claim // 2], [claim, claim]):
        with pytest.raises(RuntimeError, match="data/[01]' overlaps|runs past the end of the file|overlaps the record"):
            ember.load(io.BytesIO(_claiming(claims, zipfile.ZIP_STORED, padding=4000)))


def test_directory_entries_sharing_one_record_are_refused():
    """Many directory entries pointing at one stored record would let a 1 MiB file make a
    tensor per entry from the same bytes."""
    data = bytearray(_claiming([2, 2], zipfile.ZIP_STORED))
    entries = [i for i in range(len(data)) if data[i:i + 4] == b"PK\x01\x02"]
    first_header = data[entries[1] + 42:entries[1] + 46]  # archive/data/0's local header offset
    data[entries[2] + 42:entries[2] + 46] = first_header  # archive/data/1 now points at it too
    with pytest.raises(RuntimeError, match="overlaps the record before it"):
        ember.load(io.BytesIO(bytes(data)))


def test_a_set_over_a_huge_range_is_refused_before_it_is_built(tmp_path):
    """`set(range(10**12))` would take the machine's memory: range is not on the allowlist
    (nor on torch's)."""
    path = tmp_path / "huge.pt"
    _archive(path, reducing(set, range(10**12)))
    for lib in (torch, ember):
        with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL (builtins\.)?range"):
            lib.load(path, weights_only=True)


_SHARED_STATE_PAYLOADS = {  # BUILD (set state) on objects every load shares: a storage kind, a dtype, Size
    "storage kind": b"\x80\x02ctorch\nFloatStorage\nN}X\x05\x00\x00\x00dtypectorch\nint32\ns\x86b0X\x02\x00\x00\x00ok.",
    "dtype": b"\x80\x02ctorch\nfloat32\nN}X\x08\x00\x00\x00itemsizeK\x08s\x86b0X\x02\x00\x00\x00ok.",
    "Size class": b"\x80\x02ctorch\nSize\nN}X\x05\x00\x00\x00numelcbuiltins\nset\ns\x86b0X\x02\x00\x00\x00ok.",
}


@pytest.mark.parametrize("kind", list(_SHARED_STATE_PAYLOADS))
def test_a_pickle_cannot_set_the_state_of_shared_objects(tmp_path, kind):
    """BUILD reaches only fresh tensors, Parameters, OrderedDicts and plain NumPy arrays: a file
    that sets attributes of a storage kind, a dtype or the Size class is refused (as by torch),
    and the next load reads what it did before."""
    good = tmp_path / "good.pt"
    ember.save({"w": ember.tensor([1.5, 2.5])}, good)
    path = tmp_path / "evil.pt"
    _archive(path, _SHARED_STATE_PAYLOADS[kind])
    for lib in (torch, ember):
        with pytest.raises(pickle.UnpicklingError):
            lib.load(path, weights_only=True)
    assert ember.load(good)["w"].tolist() == [1.5, 2.5] and ember.load(good)["w"].dtype == ember.float32
    assert ember.float32.itemsize == 4 and ember.Size([2, 3]).numel() == 6


def test_object_dtype_numpy_arrays_are_refused_and_plain_ones_load(tmp_path):
    path = tmp_path / "arrays.pt"
    ember.save({"x": np.arange(3.0), "when": np.datetime64("2024-01-02")}, path)
    loaded = ember.load(path)
    np.testing.assert_array_equal(loaded["x"], np.arange(3.0))
    assert loaded["when"] == np.datetime64("2024-01-02")
    ember.save({"o": np.array([1, "a"], dtype=object)}, path)
    with pytest.raises(pickle.UnpicklingError, match="dtype object"):
        ember.load(path)
    assert ember.load(path, weights_only=False)["o"].tolist() == [1, "a"]


def test_a_compressed_pickle_expanding_past_any_real_checkpoint_is_refused(tmp_path):
    """A deflated data.pkl of 200 kB holding a 200 MB bytes object: refused before inflating."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("archive/data.pkl", pickle.dumps(b"\x00" * 200_000_000, protocol=2))
    with pytest.raises(RuntimeError, match="claims 200000.* bytes from"):
        ember.load(io.BytesIO(out.getvalue()))
