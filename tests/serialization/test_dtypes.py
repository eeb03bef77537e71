"""dtypes torch writes that ember lacks: bfloat16 loads as float32 (exact) with a warning, every
other one raises naming the dtype and what to save instead."""

import io
import warnings

import numpy as np
import pytest
import torch
from checkpoint_files import torch_bytes

import ember
from ember.serialization import _dtypes


def test_bfloat16_loads_as_the_same_float32_values():
    values = torch.tensor([1.5, -2.25, 3.3895e38, -1e-40, 0.0, float("inf"), float("nan")], dtype=torch.bfloat16)
    x = torch.stack([values, -values])
    data = torch_bytes({"x": x, "row": x[1], "t": x.t(), "other": torch.ones(2)})
    with pytest.warns(UserWarning, match="ember has no bfloat16: .* as float32") as caught:
        ours = ember.load(io.BytesIO(data))
    assert len(caught) == 1 and caught[0].filename == __file__  # once per load, at the caller's line
    for key in ("x", "row", "t"):
        assert ours[key].dtype == ember.float32
        np.testing.assert_array_equal(ours[key].numpy(), torch.load(io.BytesIO(data))[key].float().numpy())


def test_no_warning_without_bfloat16():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.load(io.BytesIO(torch_bytes({"x": torch.ones(2, dtype=torch.float16)})))


@pytest.mark.parametrize("dtype, message", [
    (torch.complex64, "ember has no dtype complex64.*view_as_real"),
    (torch.complex128, "ember has no dtype complex128"),
    (torch.uint16, "a dtype ember does not have .*_rebuild_tensor_v3"),
    (torch.uint32, "a dtype ember does not have"),
    (torch.float8_e4m3fn, "a dtype ember does not have"),
    (torch.float8_e5m2, "a dtype ember does not have"),
])
@pytest.mark.parametrize("weights_only", [True, False])
def test_dtypes_ember_lacks_raise_naming_them(dtype, message, weights_only):
    data = torch_bytes({"x": torch.zeros(3, dtype=dtype)})
    assert torch.load(io.BytesIO(data))["x"].dtype == dtype
    with pytest.raises(RuntimeError, match=message):
        ember.load(io.BytesIO(data), weights_only=weights_only)


def test_a_dtype_ember_lacks_as_a_plain_value_raises():
    with pytest.raises(RuntimeError, match="ember has no dtype uint16"):
        ember.load(io.BytesIO(torch_bytes({"dtype": torch.uint16})))


@pytest.mark.filterwarnings("ignore::UserWarning")  # torch deprecates its quantized tensors
@pytest.mark.parametrize("make, message", [
    (lambda: torch.quantize_per_tensor(torch.ones(3), 0.1, 0, torch.qint8), "quantized tensor.*dequantize"),
    (lambda: torch.ones(3).to_sparse(), "sparse tensor.*to_dense"),
    (lambda: torch.nested.nested_tensor([torch.ones(2), torch.ones(3)]), "nested tensor"),
    (lambda: torch.empty(3, device="meta"), "meta tensor"),
])
def test_tensor_kinds_ember_lacks_raise_saying_what_to_save(make, message):
    data = torch_bytes({"x": make()})
    torch.load(io.BytesIO(data))
    with pytest.raises(RuntimeError, match=message):
        ember.load(io.BytesIO(data))


def test_every_torch_dtype_is_read_or_refused_by_name():
    torch_dtypes = {str(v).removeprefix("torch.") for v in vars(torch).values() if isinstance(v, torch.dtype)}
    ember_dtypes = {d.name for d in vars(ember).values() if isinstance(d, ember.dtype)}
    assert torch_dtypes - ember_dtypes == _dtypes.MISSING_DTYPES


def test_every_torch_storage_class_is_read_or_refused_by_name():
    for name in {cls.__name__ for cls in torch._storage_classes} - {"TypedStorage", "UntypedStorage"}:
        try:
            kind = _dtypes.storage_kind(name)
        except RuntimeError as e:
            assert "ember has no dtype" in str(e), name
        else:
            assert kind.itemsize == getattr(torch, name).dtype.itemsize, name
