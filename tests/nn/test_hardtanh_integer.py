"""hardtanh and relu6 on integer tensors: torch keeps the dtype and cuts the float bounds toward
zero; bools, negative bounds for unsigned dtypes and bounds beyond the dtype are refused."""

import pytest
import torch
import torch.nn.functional as TF

import ember
import ember.nn.functional as F

DTYPES = ["int8", "int16", "int32", "int64", "uint8"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bounds", [(-0.5, 0.5), (-1.5, 2.5), (0.0, 6.0), (-2.9, -0.1), (1, 1), (0.7, 3.9)])
def test_hardtanh_integer_matches_torch(dtype, bounds):
    if dtype == "uint8" and bounds[0] <= -1:
        return  # refused: test_hardtanh_errors_match_torch
    data = list(range(-5, 9)) if dtype != "uint8" else list(range(0, 14))
    ours = F.hardtanh(ember.tensor(data, dtype=getattr(ember, dtype)), *bounds)
    theirs = TF.hardtanh(torch.tensor(data, dtype=getattr(torch, dtype)), *bounds)
    assert ours.dtype.name == str(theirs.dtype).split(".")[1]
    assert ours.tolist() == theirs.tolist()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("inplace", [False, True])
def test_relu6_integer_matches_torch(dtype, inplace):
    data = list(range(-9, 12)) if dtype != "uint8" else list(range(0, 12))
    x, t = ember.tensor(data, dtype=getattr(ember, dtype)), torch.tensor(data, dtype=getattr(torch, dtype))
    ours, theirs = F.relu6(x, inplace=inplace), TF.relu6(t, inplace=inplace)
    assert ours.tolist() == theirs.tolist() and x.tolist() == t.tolist()
    assert ours.dtype.name == str(theirs.dtype).split(".")[1]


@pytest.mark.parametrize(
    "fn",
    [
        lambda m, f: f.relu6(m.tensor([True, False])),
        lambda m, f: f.hardtanh(m.tensor([True]), -0.5, 0.5),
        lambda m, f: f.hardtanh(m.arange(3).to(m.uint8), -1.0, 3.0),
        lambda m, f: f.hardtanh(m.arange(3).to(m.uint8), 0.5, 300.0),
        lambda m, f: f.hardtanh(m.arange(3).to(m.int8), 1, 128),
        lambda m, f: f.hardtanh(m.arange(3), float("-inf"), 1.0),
        lambda m, f: f.hardtanh(m.arange(3), float("nan"), 1.0),
        lambda m, f: f.hardtanh(m.arange(3), 2, 1),
        lambda m, f: f.hardtanh(m.arange(3.0), 2.0, 1.0),
    ],
)
def test_hardtanh_errors_match_torch(fn):
    with pytest.raises(Exception) as expected:
        fn(torch, TF)
    with pytest.raises(expected.type):
        fn(ember, F)


def test_hardtanh_float_unchanged():
    x = torch.linspace(-2, 2, 9, dtype=torch.float64)
    ours = F.hardtanh(ember.tensor(x.numpy()), -0.5, 0.25)
    assert ours.dtype == ember.float64 and ours.tolist() == TF.hardtanh(x, -0.5, 0.25).tolist()
