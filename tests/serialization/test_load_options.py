"""ember.load's signature and options beside torch.load's: weights_only, pickle_module,
pickle_load_args, mmap."""

import inspect
import io
import pickle

import numpy as np
import pytest
import torch
from checkpoint_files import archive, torch_bytes

import ember


class Point:
    """A user's class: loads only with weights_only=False."""

    def __init__(self, x, y):
        self.x, self.y = x, y

    def __eq__(self, other):
        return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)


def test_signature_is_torchs():
    ours, theirs = inspect.signature(ember.load), inspect.signature(torch.load)
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == \
        [(p.name, p.kind, p.default) for p in theirs.parameters.values()]


def test_custom_class_round_trip_with_weights_only_false(tmp_path):
    obj = {"p": Point(1, [2.5]), "w": ember.arange(3.0), "fn": np.add}
    ember.save(obj, tmp_path / "c.pt")
    for lib in (ember, torch):
        with pytest.raises(pickle.UnpicklingError, match="Point"):
            lib.load(tmp_path / "c.pt")
        loaded = lib.load(tmp_path / "c.pt", weights_only=False)
        assert loaded["p"] == Point(1, [2.5]) and loaded["fn"] is np.add
        assert loaded["w"].tolist() == [0.0, 1.0, 2.0]
    assert type(ember.load(tmp_path / "c.pt", weights_only=False)["w"]) is ember.Tensor


def test_explicit_pickle_module_needs_weights_only_false():
    data = torch_bytes({"w": torch.ones(2)})
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="Can not safely load weights when explicit pickle_module is specified"):
            lib.load(io.BytesIO(data), pickle_module=pickle, weights_only=True)
        assert lib.load(io.BytesIO(data), pickle_module=pickle)["w"].tolist() == [1.0, 1.0]


def test_pickle_load_args_reach_the_unpickler():
    data = archive(b"\x80\x02U\x03\xe9t\xe9.")  # a Python 2 str, "\xe9t\xe9" in latin-1
    for lib in (ember, torch):  # as utf-8, the default encoding, it is not text (ember says: corrupt)
        with pytest.raises((pickle.UnpicklingError, UnicodeDecodeError)):
            lib.load(io.BytesIO(data))
        with pytest.warns(UserWarning, match="pickle_load_args only works if `weights_only=False`"):
            assert lib.load(io.BytesIO(data), encoding="latin1") == "\xe9t\xe9"  # used all the same
        assert lib.load(io.BytesIO(data), weights_only=False, encoding="latin1") == "\xe9t\xe9"


def _is_mapped(array) -> bool:
    while array is not None and not isinstance(array, np.memmap):
        array = getattr(array, "base", None)
    return array is not None


def test_mmap_views_the_file_copy_on_write(tmp_path):
    x = ember.arange(12.0).reshape(3, 4)
    ember.save({"x": x, "t": x.t(), "i": ember.arange(5)}, tmp_path / "m.pt")
    before = (tmp_path / "m.pt").read_bytes()
    loaded = ember.load(tmp_path / "m.pt", mmap=True)
    assert _is_mapped(loaded["x"].numpy()) and _is_mapped(loaded["i"].numpy())
    np.testing.assert_array_equal(loaded["t"].numpy(), x.numpy().T)
    loaded["x"].add_(1)
    np.testing.assert_array_equal(loaded["t"].numpy(), x.numpy().T + 1)
    assert (tmp_path / "m.pt").read_bytes() == before


def test_mmap_needs_a_path():
    for lib in (ember, torch):
        with pytest.raises(ValueError, match="f must be a file path in order to use the mmap argument"):
            lib.load(io.BytesIO(torch_bytes([torch.ones(1)])), mmap=True)
