"""safetensors: ember.save(format="safetensors") and ember.load recognising the format by content."""

import io
import sys

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

import ember


def test_ember_safetensors_round_trip_and_torch_reads_it(tmp_path):
    x = ember.arange(6.0).reshape(2, 3)
    obj = {"w": x.t(), "h": ember.ones(2, dtype=ember.float16), "m": ember.tensor([True, False]),
           "i": ember.arange(3)}
    ember.save(obj, tmp_path / "a.safetensors", format="safetensors")
    back, theirs = ember.load(tmp_path / "a.safetensors"), load_file(tmp_path / "a.safetensors")
    for key, value in obj.items():
        assert back[key].dtype == value.dtype
        np.testing.assert_array_equal(back[key].numpy(), value.numpy())
        np.testing.assert_array_equal(theirs[key].numpy(), value.numpy())


def test_torch_safetensors_file_loads(tmp_path):
    save_file({"a": torch.arange(4, dtype=torch.int32), "b": torch.eye(2)}, tmp_path / "t.bin")
    with open(tmp_path / "t.bin", "rb") as f:
        back = ember.load(f)
    np.testing.assert_array_equal(back["a"].numpy(), [0, 1, 2, 3])
    np.testing.assert_array_equal(back["b"].numpy(), np.eye(2))


def test_safetensors_needs_a_flat_dict_of_tensors():
    with pytest.raises(TypeError, match="flat dict"):
        ember.save({"a": {"b": ember.ones(1)}}, io.BytesIO(), format="safetensors")
    with pytest.raises(ValueError, match="format"):
        ember.save({}, io.BytesIO(), format="npz")


def test_corrupt_safetensors(tmp_path):
    (tmp_path / "c").write_bytes((100).to_bytes(8, "little") + b'{"a": 1')
    with pytest.raises(RuntimeError, match="corrupt safetensors"):
        ember.load(tmp_path / "c")


def test_without_the_package_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "safetensors", None)
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)
    with pytest.raises(ImportError, match="pip install safetensors"):
        ember.save({"w": ember.ones(2)}, tmp_path / "w.safetensors", format="safetensors")
