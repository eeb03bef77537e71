"""ember.save -> ember.load and ember.save -> torch.load: values, dtypes, shapes, shared storages."""

import collections
import errno
import io
import os
import zipfile

import numpy as np
import pytest
import torch

import ember

DTYPES = ["float64", "float32", "float16", "int64", "int32", "uint8", "bool"]


def _sample(name: str) -> ember.Tensor:
    return ember.tensor(np.arange(12).reshape(3, 4) % 5).to(getattr(ember, name))


@pytest.mark.parametrize("name", DTYPES)
def test_dtypes_round_trip_both_ways(tmp_path, name):
    x = _sample(name)
    obj = {"x": x, "t": x.t(), "row": x[1], "col": x[:, 2], "scalar": x[2, 3], "step": x[::2, 1::2]}
    ember.save(obj, tmp_path / "a.pt")
    back = ember.load(tmp_path / "a.pt")
    theirs = torch.load(tmp_path / "a.pt", weights_only=True)
    for key, value in obj.items():
        assert back[key].dtype == value.dtype and back[key].shape == value.shape
        np.testing.assert_array_equal(back[key].numpy(), value.numpy())
        assert str(theirs[key].dtype) == "torch." + name
        assert tuple(theirs[key].shape) == tuple(value.shape)
        np.testing.assert_array_equal(theirs[key].numpy(), value.numpy())


def test_views_share_one_storage(tmp_path):
    x = ember.arange(6.0).reshape(2, 3)
    ember.save([x, x, x.t(), x[1]], tmp_path / "v.pt")
    names = [n for n in zipfile.ZipFile(tmp_path / "v.pt").namelist() if "/data/" in n]
    assert names == ["archive/data/0"]
    a, b, t, row = torch.load(tmp_path / "v.pt", weights_only=True)
    assert a.untyped_storage().data_ptr() == t.untyped_storage().data_ptr() == row.untyped_storage().data_ptr()
    assert t._backward_hooks is not row._backward_hooks  # each tensor gets its own hooks dict
    a, b, t, row = ember.load(tmp_path / "v.pt")
    a.add_(1)
    np.testing.assert_array_equal(t.numpy(), np.arange(1.0, 7.0).reshape(2, 3).T)
    np.testing.assert_array_equal(row.numpy(), [4.0, 5.0, 6.0])


def test_flipped_view_is_copied(tmp_path):
    x = ember.arange(5.0)
    ember.save({"f": x.flip(0)}, tmp_path / "f.pt")
    np.testing.assert_array_equal(torch.load(tmp_path / "f.pt")["f"].numpy(), [4, 3, 2, 1, 0])
    np.testing.assert_array_equal(ember.load(tmp_path / "f.pt")["f"].numpy(), [4, 3, 2, 1, 0])


def test_plain_python_values_and_containers(tmp_path):
    obj = {"i": 3, "f": 2.5, "s": "text", "n": None, "b": True, "l": [1, (2, 3)], "by": b"xy",
           "od": collections.OrderedDict(a=1, b=[2.0]), "dtype": ember.float16, "empty": ember.zeros(0, 3)}
    buf = io.BytesIO()
    ember.save(obj, buf)
    buf.seek(0)
    back = ember.load(buf)
    assert {k: v for k, v in back.items() if k not in ("empty",)} == {k: v for k, v in obj.items() if k != "empty"}
    assert type(back["od"]) is collections.OrderedDict
    assert back["empty"].shape == (0, 3)
    buf.seek(0)
    assert torch.load(buf, weights_only=True)["dtype"] is torch.float16


def test_parameter_and_requires_grad(tmp_path):
    p = ember.nn.Parameter(ember.ones(2, 2))
    frozen = ember.nn.Parameter(ember.zeros(3), requires_grad=False)
    leaf = ember.ones(2).requires_grad_()
    ember.save([p, frozen, leaf], tmp_path / "p.pt")
    for loaded, param_type in ((ember.load(tmp_path / "p.pt"), ember.nn.Parameter),
                               (torch.load(tmp_path / "p.pt"), torch.nn.Parameter)):
        assert type(loaded[0]) is param_type and loaded[0].requires_grad
        assert type(loaded[1]) is param_type and not loaded[1].requires_grad
        assert loaded[2].requires_grad


def test_failed_save_leaves_previous_file(tmp_path):
    path = tmp_path / "keep.pt"
    ember.save({"x": ember.ones(2)}, str(path))
    with pytest.raises(Exception):  # a lambda cannot be pickled: found before the file is opened
        ember.save({"y": ember.zeros(3), "bad": lambda: 0}, path)
    np.testing.assert_array_equal(ember.load(path)["x"].numpy(), [1.0, 1.0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.pt"]


def test_a_disk_full_half_way_leaves_previous_file(tmp_path, monkeypatch):
    """The new file is written beside the old one and renamed only once complete."""
    path = tmp_path / "keep.pt"
    ember.save({"x": ember.ones(2)}, path)
    writestr, written = zipfile.ZipFile.writestr, []

    def fill_up(self, info, data, *args, **kwargs):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(info)
        return writestr(self, info, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", fill_up)
    with pytest.raises(OSError, match="No space left"):
        ember.save({"y": ember.zeros(1000)}, path)
    monkeypatch.undo()
    assert written and ember.load(path)["x"].tolist() == [1.0, 1.0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.pt"]


def test_a_new_file_gets_the_umask_mode(tmp_path):
    """As open() would make it: 0o666 less the umask (not the 0o600 of a temporary file)."""
    old = os.umask(0o022)
    try:
        for lib in (torch, ember):
            lib.save({"x": lib.ones(2)}, tmp_path / f"{lib.__name__}.pt")
    finally:
        os.umask(old)
    assert {(p.stat().st_mode & 0o777) for p in tmp_path.iterdir()} == {0o644}


def test_a_path_is_written_through_links_keeping_permissions(tmp_path):
    """As torch's in-place write: its permissions stay, and a symbolic link is written through."""
    for lib in (torch, ember):
        target, link = tmp_path / f"{lib.__name__}.pt", tmp_path / f"{lib.__name__}-latest.pt"
        target.write_bytes(b"old")
        target.chmod(0o640)
        link.symlink_to(target)
        lib.save({"x": lib.ones(2)}, link)
        assert link.is_symlink() and (target.stat().st_mode & 0o777) == 0o640
        assert ember.load(target)["x"].tolist() == [1.0, 1.0]


def test_torch_memory_maps_ember_files(tmp_path):
    """Records are 64-byte aligned in the file, so torch.load(mmap=True) can map them."""
    x = ember.arange(10.0).reshape(2, 5)
    ember.save({"x": x.t(), "i": ember.ones(3, dtype=ember.int64)}, tmp_path / "m.pt")
    loaded = torch.load(tmp_path / "m.pt", mmap=True, weights_only=True)
    np.testing.assert_array_equal(loaded["x"].numpy(), x.numpy().T)
    np.testing.assert_array_equal(loaded["i"].numpy(), [1, 1, 1])


class _WriteOnly(io.RawIOBase):
    """A stream that cannot seek or tell, as a pipe or socket."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return self.buffer.write(data)


def test_save_to_unseekable_stream():
    stream = _WriteOnly()
    ember.save({"x": ember.arange(3)}, stream)
    data = stream.buffer.getvalue()
    np.testing.assert_array_equal(torch.load(io.BytesIO(data))["x"].numpy(), [0, 1, 2])
    np.testing.assert_array_equal(ember.load(io.BytesIO(data))["x"].numpy(), [0, 1, 2])
