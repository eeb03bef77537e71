"""ember.finfo / ember.iinfo, ember.set_printoptions, round(decimals=) and nelement, against
torch's."""

import math

import numpy as np
import pytest
import torch

import ember
from ember._printoptions import get_printoptions, printoptions
from tensor.conftest import assert_same_raise, assert_tensor_like_torch

FIELDS = ["bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"]


@pytest.mark.parametrize("name", ["float16", "float32", "float64"])
def test_finfo_matches_torch(name):
    e, t = ember.finfo(getattr(ember, name)), torch.finfo(getattr(torch, name))
    for field in FIELDS:
        assert getattr(e, field) == getattr(t, field) and type(getattr(e, field)) is type(getattr(t, field)), field
    assert repr(e) == repr(t)
    assert e == ember.finfo(getattr(ember, name)) and e != ember.finfo(ember.float16 if name != "float16" else ember.float32)


def test_finfo_default_is_the_default_dtype():
    assert ember.finfo() == ember.finfo(ember.float32)
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.finfo().dtype == "float64"
    finally:
        ember.set_default_dtype(ember.float32)


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo_matches_torch(name):
    e, t = ember.iinfo(getattr(ember, name)), torch.iinfo(getattr(torch, name))
    for field in ("bits", "min", "max", "dtype"):
        assert getattr(e, field) == getattr(t, field) and type(getattr(e, field)) is type(getattr(t, field)), field
    assert repr(e) == repr(t)


@pytest.mark.parametrize("call", [
    lambda lib: lib.finfo(lib.int32), lambda lib: lib.finfo(lib.bool), lambda lib: lib.iinfo(lib.float32),
    lambda lib: lib.iinfo(lib.bool), lambda lib: lib.finfo(3), lambda lib: lib.iinfo(),
    lambda lib: hash(lib.finfo(lib.float32)),
])
def test_info_refusals(call):
    assert_same_raise(lambda: call(ember), lambda: call(torch))


SETTINGS = [{"precision": 2}, {"precision": 6}, {"sci_mode": True}, {"sci_mode": False}, {"threshold": 5},
            {"threshold": 5, "edgeitems": 1}, {"linewidth": 30}, {"profile": "short"}, {"profile": "full"},
            {"profile": "short", "precision": 5}]
VALUES = [[1.2345, 2.5, -0.000123], [3.0, 40.0, 500.0], [1e-5, 2e9, 3.0], list(range(12)), [[0.5] * 9] * 4]


@pytest.mark.parametrize("settings", SETTINGS, ids=[str(s) for s in SETTINGS])
def test_set_printoptions_prints_as_torch(settings):
    torch_before = torch._tensor_str.get_printoptions()
    try:
        torch.set_printoptions(**settings)
        with printoptions(**settings):
            for values in VALUES:
                for dtype in ("float32", "float64", "int64"):
                    e, t = ember.tensor(values, dtype=getattr(ember, dtype)), torch.tensor(values, dtype=getattr(torch, dtype))
                    assert repr(e).replace("ember.", "torch.") == repr(t)
    finally:
        torch.set_printoptions(profile="default", sci_mode=torch_before["sci_mode"])


def test_printoptions_are_restored_and_reported():
    before = get_printoptions()
    with printoptions(precision=1, sci_mode=True):
        assert get_printoptions()["precision"] == 1 and repr(ember.tensor([1.25])) == "tensor([1.2e+00])"
    assert get_printoptions() == before
    ember.set_printoptions(profile="full")
    assert get_printoptions()["threshold"] == math.inf
    ember.set_printoptions(profile="default")
    assert get_printoptions() == {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None}


@pytest.mark.parametrize("decimals", [-3, -1, 0, 1, 2, 5])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_decimals(decimals, dtype):
    values = np.array([1.2345, 2.5, -0.5, 1234.5, 0.125, -2.675, 1e30, np.inf, np.nan, -0.0])
    e, t = ember.tensor(values, dtype=getattr(ember, dtype)), torch.tensor(values, dtype=getattr(torch, dtype))
    assert_tensor_like_torch(ember.round(e, decimals=decimals), torch.round(t, decimals=decimals), 0.0, 0.0)
    assert_tensor_like_torch(e.round(decimals=decimals), t.round(decimals=decimals), 0.0, 0.0)


def test_round_of_integers():
    assert_tensor_like_torch(ember.round(ember.tensor([15, 25])), torch.round(torch.tensor([15, 25])), 0.0, 0.0)
    assert_same_raise(lambda: ember.round(ember.tensor([15, 25]), decimals=-1), lambda: torch.round(torch.tensor([15, 25]), decimals=-1))


def test_nelement():
    assert ember.zeros(2, 3, 0).nelement() == torch.zeros(2, 3, 0).nelement() == 0
    assert ember.zeros(2, 3).nelement() == 6 and ember.tensor(1.0).nelement() == 1
