"""map_location: checkpoints whose storages say "cuda:0" (written by hand: torch here has no CUDA)
load on the CPU when map_location says so, and otherwise fail as torch.load fails on this machine."""

import io
import re

import numpy as np
import pytest
import torch
from checkpoint_files import retagged, torch_bytes

import ember
from ember._device import NoCudaError

CUDA_ERROR = (r"Attempting to deserialize object on a CUDA device but (torch|ember)\.cuda\.is_available\(\) is False\. "
              r"If you are running on a CPU-only machine, please use (torch|ember)\.load with "
              r"map_location=(torch|ember)\.device\('cpu'\)")
FORMATS = [pytest.param(False, id="zip"), pytest.param(True, id="legacy")]


def _cuda_checkpoint(legacy: bool) -> bytes:
    x = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    return retagged(torch_bytes({"w": x, "t": x.t(), "n": 7}, legacy), "cuda:0")


def _both(data: bytes, map_location_for):
    """torch.load's and ember.load's results (or exceptions) on `data`, each given the
    map_location `map_location_for(library)` builds."""
    outcomes = []
    for lib in (torch, ember):
        try:
            outcomes.append(lib.load(io.BytesIO(data), map_location=map_location_for(lib)))
        except Exception as e:  # the test compares what each raises
            outcomes.append(e)
    return outcomes


MAPS_TO_CPU = {
    "str": lambda lib: "cpu",
    "device": lambda lib: lib.device("cpu"),
    "dict": lambda lib: {"cuda:0": "cpu"},
    "identity": lambda lib: lambda storage, loc: storage,
    "cpu()": lambda lib: lambda storage, loc: storage.cpu(),
}


@pytest.mark.parametrize("legacy", FORMATS)
@pytest.mark.parametrize("how", MAPS_TO_CPU)
def test_cuda_checkpoint_loads_on_the_cpu(legacy, how):
    theirs, ours = _both(_cuda_checkpoint(legacy), MAPS_TO_CPU[how])
    assert not isinstance(theirs, Exception), theirs
    assert theirs["w"].device.type == "cpu"
    for key in ("w", "t"):
        np.testing.assert_array_equal(ours[key].numpy(), theirs[key].numpy())
    assert ours["n"] == 7
    ours["w"].add_(1)  # the transpose still views the same storage
    np.testing.assert_array_equal(ours["t"].numpy(), theirs["t"].numpy() + 1)


MAPS_TO_CUDA = {
    "none": lambda lib: None,
    "cuda": lambda lib: "cuda",
    "cuda:0": lambda lib: "cuda:0",
    "torch.device": lambda lib: torch.device("cuda:0"),
    "dict of another device": lambda lib: {"cuda:1": "cpu"},
    "callable returning None": lambda lib: lambda storage, loc: None,
}


@pytest.mark.parametrize("legacy", FORMATS)
@pytest.mark.parametrize("how", MAPS_TO_CUDA)
def test_cuda_checkpoint_without_a_map_to_the_cpu_raises_torchs_error(legacy, how):
    theirs, ours = _both(_cuda_checkpoint(legacy), MAPS_TO_CUDA[how])
    assert type(theirs) is RuntimeError and type(ours) is NoCudaError
    assert isinstance(ours, RuntimeError)
    for error in (theirs, ours):
        assert re.match(CUDA_ERROR, str(error)), error


def test_map_location_cuda_on_a_cpu_checkpoint_raises_no_cuda_error():
    data = torch_bytes({"w": torch.ones(2)})
    with pytest.raises(NoCudaError, match=CUDA_ERROR):
        ember.load(io.BytesIO(data), map_location="cuda")
    with pytest.raises(RuntimeError, match=CUDA_ERROR):
        torch.load(io.BytesIO(data), map_location="cuda")


def test_a_checkpoint_without_tensors_ignores_map_location():
    data = torch_bytes({"n": 1})
    assert ember.load(io.BytesIO(data), map_location="cuda") == torch.load(io.BytesIO(data), map_location="cuda")


def test_callable_gets_each_storage_once_as_a_1d_tensor_with_its_location():
    seen = []

    def record(storage, location):
        seen.append((type(storage), tuple(storage.shape), storage.dtype, location))
        return storage

    x = ember.arange(6.0).reshape(2, 3)
    buffer = io.BytesIO()
    ember.save({"x": x, "t": x.t(), "i": ember.ones(4, dtype=ember.int64)}, buffer)
    buffer.seek(0)
    ember.load(buffer, map_location=record)
    assert seen == [(ember.Tensor, (6,), ember.float32, "cpu"), (ember.Tensor, (4,), ember.int64, "cpu")]


def test_callable_returning_something_else_is_refused():
    data = torch_bytes({"w": torch.ones(2)})
    with pytest.raises(RuntimeError, match="map_location returned a Tensor of shape .* dtype ember.float64.*lambda storage, loc: storage"):
        ember.load(io.BytesIO(data), map_location=lambda storage, loc: storage.double())
    with pytest.raises(RuntimeError, match="map_location returned a list"):
        ember.load(io.BytesIO(data), map_location=lambda storage, loc: [1])


@pytest.mark.parametrize("location", ["mps", "meta", "xla:0"])
def test_other_devices_say_ember_runs_on_the_cpu(location):
    data = retagged(torch_bytes({"w": torch.ones(2)}), location)
    with pytest.raises(RuntimeError, match=f"tagged with {location}.*map_location='cpu'"):
        ember.load(io.BytesIO(data))
    assert ember.load(io.BytesIO(data), map_location="cpu")["w"].tolist() == [1.0, 1.0]


def test_map_location_of_another_type_is_a_type_error():
    with pytest.raises(TypeError, match="map_location must be None, a device"):
        ember.load(io.BytesIO(torch_bytes([torch.ones(1)])), map_location=3)
