"""Sizes in checkpoints: ember.save writes an `ember.Size` as `torch.Size` and ember.load reads
torch's `torch.Size` as an `ember.Size`, both under weights_only."""

import zipfile

import torch

import ember


def _checkpoint(lib):
    x = lib.zeros(2, 3)
    return {"shape": x.shape, "sizes": [x.size(), x[0].shape, lib.Size([])], "nested": {"s": (x.shape, 4)},
            "x": x, "plain": (2, 3)}


def test_ember_size_loads_in_torch_as_torch_size(tmp_path):
    ember.save(_checkpoint(ember), tmp_path / "s.pt")
    theirs = torch.load(tmp_path / "s.pt", weights_only=True)
    assert type(theirs["shape"]) is torch.Size and theirs["shape"] == torch.Size([2, 3])
    assert [type(s) for s in theirs["sizes"]] == [torch.Size] * 3 and theirs["sizes"] == [(2, 3), (3,), ()]
    assert type(theirs["nested"]["s"][0]) is torch.Size and type(theirs["plain"]) is tuple
    assert theirs["x"].shape == theirs["shape"]


def test_torch_size_loads_in_ember_as_ember_size(tmp_path):
    torch.save(_checkpoint(torch), tmp_path / "t.pt")
    ours = ember.load(tmp_path / "t.pt")
    assert type(ours["shape"]) is ember.Size and ours["shape"] == ember.Size([2, 3])
    assert [type(s) for s in ours["sizes"]] == [ember.Size] * 3 and ours["sizes"] == [(2, 3), (3,), ()]
    assert type(ours["nested"]["s"][0]) is ember.Size and type(ours["plain"]) is tuple
    assert ours["x"].shape == ours["shape"]


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
