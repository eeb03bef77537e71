"""ember.serialization.add_safe_globals / safe_globals: a user allows more globals for
weights_only=True loads, as with torch.serialization."""

import io
import pickle

import numpy as np
import pytest
import torch
from checkpoint_files import rewrite_records, torch_bytes

import ember

NUMPY_ARRAY = [np._core.multiarray._reconstruct, np.ndarray, np.dtype, np.dtypes.Float64DType]


class Box:
    def __init__(self, content):
        self.content = content


@pytest.fixture(autouse=True)
def _no_safe_globals_left():
    yield
    ember.serialization.clear_safe_globals()  # (torch's list holds torch's own entries: left alone)


@pytest.mark.parametrize("writer", ["torch", "ember"])
def test_numpy_array_loads_by_default_in_ember_and_inside_safe_globals_in_torch(writer):
    waves = np.sin(np.arange(12.0)).reshape(3, 4)
    buffer = io.BytesIO()
    (torch if writer == "torch" else ember).save(waves, buffer)
    np.testing.assert_array_equal(ember.load(io.BytesIO(buffer.getvalue())), waves)
    with pytest.raises(pickle.UnpicklingError, match="numpy._core.multiarray._reconstruct.*safe_globals"):
        torch.load(io.BytesIO(buffer.getvalue()))
    for lib in (torch, ember):
        before = set(lib.serialization.get_safe_globals())
        with lib.serialization.safe_globals(NUMPY_ARRAY):
            np.testing.assert_array_equal(lib.load(io.BytesIO(buffer.getvalue())), waves)
        assert set(lib.serialization.get_safe_globals()) == before


def test_add_safe_globals_lasts_until_cleared():
    data = torch_bytes({"box": Box([1, 2]), "w": torch.ones(2)})
    ember.serialization.add_safe_globals([Box])
    assert ember.serialization.get_safe_globals() == [Box]
    assert ember.load(io.BytesIO(data))["box"].content == [1, 2]
    ember.serialization.clear_safe_globals()
    with pytest.raises(pickle.UnpicklingError, match="Box"):
        ember.load(io.BytesIO(data))


def test_an_object_allowed_under_another_path():
    data = rewrite_records(torch_bytes({"box": Box(3)}),
                           {"data.pkl": lambda pkl: pkl.replace(b"test_safe_globals\nBox", b"old_module\nOldBox")})
    for lib in (torch, ember):
        with lib.serialization.safe_globals([(Box, "old_module.OldBox")]):
            assert lib.load(io.BytesIO(data))["box"].content == 3


def test_malformed_entries_raise_torchs_errors():
    data = torch_bytes({"box": Box(3)})
    for entry, error in (((Box, "a.b", "c"), ValueError), ((Box, 3), TypeError)):
        with pytest.raises(error):  # torch raises at the load, ember already when the entry is added
            with torch.serialization.safe_globals([entry]):
                torch.load(io.BytesIO(data))
        with pytest.raises(error, match="Expected"):
            ember.serialization.add_safe_globals([entry])
