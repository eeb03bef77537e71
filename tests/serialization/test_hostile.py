"""Hostile and broken files: weights_only refuses every global a checkpoint does not need, and
nothing runs; truncated and non-checkpoint files raise a clear RuntimeError."""

import io
import os
import pickle
import subprocess
import zipfile

import pytest
import torch

import ember


def _archive(path, payload: bytes, extra: dict = None) -> None:
    """A checkpoint zip whose data.pkl is `payload`."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("archive/data.pkl", payload)
        zf.writestr("archive/version", b"3\n")
        for name, data in (extra or {}).items():
            zf.writestr(f"archive/{name}", data)


def _reducing(func, *args):
    class Evil:
        def __reduce__(self):
            return (func, args)
    return pickle.dumps({"w": Evil()}, protocol=2)


def _payloads(marker: str) -> dict:
    command = f"touch {marker}"
    return {
        "os.system": _reducing(os.system, command),
        "builtins.eval": _reducing(eval, f"open({marker!r}, 'w').close()"),
        "subprocess.Popen": _reducing(subprocess.Popen, ["touch", marker]),
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
    buf = io.BytesIO()
    ember.save([ember.ones(3)], buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(tmp_path / "m.pt", "w") as dst:
        for name in src.namelist():
            if name != "archive/data/0":
                dst.writestr(name, src.read(name))
    with pytest.raises(RuntimeError, match="archive/data/0.*missing"):
        ember.load(tmp_path / "m.pt")


def test_storage_too_short_for_tensor(tmp_path):
    buf = io.BytesIO()
    ember.save([ember.ones(3)], buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(tmp_path / "s.pt", "w") as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name)[:4] if name == "archive/data/0" else src.read(name))
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
