"""Sizes in checkpoints: ember.save writes an `ember.Size` as `torch.Size` and ember.load reads
torch's `torch.Size` as an `ember.Size`, both under weights_only."""

import zipfile

import torch

import ember


def _checkpoint(lib):
    x = lib.zeros(2, 3)
    return {"shape": x.shape, "sizes": [x.size(), x[0].shape, lib.Size([])], "nested": {"s": (x.shape, 4)},
            "x": x, "plain": (2, 3)}


def _assert_sizes(loaded, size_type):
    """What `_checkpoint` saved, read back with its sizes as `size_type` and plain tuples as tuples."""
    assert type(loaded["shape"]) is size_type and loaded["shape"] == (2, 3)
    assert [type(s) for s in loaded["sizes"]] == [size_type] * 3 and loaded["sizes"] == [(2, 3), (3,), ()]
    assert type(loaded["nested"]["s"][0]) is size_type and type(loaded["plain"]) is tuple
    assert loaded["x"].shape == loaded["shape"]


def test_ember_size_loads_in_torch_as_torch_size(tmp_path):
    ember.save(_checkpoint(ember), tmp_path / "s.pt")
    _assert_sizes(torch.load(tmp_path / "s.pt", weights_only=True), torch.Size)


def test_torch_size_loads_in_ember_as_ember_size(tmp_path):
    torch.save(_checkpoint(torch), tmp_path / "t.pt")
    _assert_sizes(ember.load(tmp_path / "t.pt"), ember.Size)


def test_ember_round_trip_keeps_sizes(tmp_path):
    ember.save(_checkpoint(ember), tmp_path / "e.pt")
    back = ember.load(tmp_path / "e.pt")
    assert type(back["shape"]) is ember.Size and repr(back["sizes"]) == repr(_checkpoint(ember)["sizes"])


def test_a_size_is_written_as_torch_size_by_name(tmp_path):
    ember.save(ember.Size([5]), tmp_path / "n.pt")
    with zipfile.ZipFile(tmp_path / "n.pt") as zf:
        data = zf.read("archive/data.pkl")
    assert b"ctorch\nSize\n" in data and b"ember" not in data
    assert torch.load(tmp_path / "n.pt", weights_only=True) == torch.Size([5])
