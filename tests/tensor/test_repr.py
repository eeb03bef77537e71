"""repr and str as torch prints them (dtype names with "ember." for "torch.")."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import ember

RNG = np.random.default_rng(7)

CASES = {
    "integral floats": ([1.0, 2.0, 3.0], None),
    "decimals": ([1.5, 2.25, -3.125], None),
    "one decimal": ([0.1, 0.2, 0.3], None),
    "0-d float": (3.5, None),
    "0-d integral float": (2.0, None),
    "0-d int": (7, None),
    "0-d bool": (True, None),
    "ints": ([1, -20, 300], None),
    "int32": ([1, 2, 3], "int32"),
    "uint8": ([0, 255, 7], "uint8"),
    "int8": ([-128, 5], "int8"),
    "int16": ([[1, 2], [3, 4]], "int16"),
    "bools": ([True, False, True], None),
    "float64": ([1.5, -2.0], "float64"),
    "float16": ([0.5, 1.25, 3.0], "float16"),
    "matrix": ([[1.0, -2.5], [3.25, 4.0]], None),
    "3-d": (np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7, None),
    "large": ([1e10, 1.0, 2.5], None),
    "small": ([1e-5, 1.0], None),
    "wide range": ([0.001, 123.456], None),
    "all small": ([1e-7, 2e-7], None),
    "nan and inf": ([math.nan, math.inf, -math.inf, 1.5], None),
    "nan inf integral": ([math.nan, 1.0, -math.inf], None),
    "zeros": ([0.0, 0.0], None),
    "negative zero mix": ([-1.0, 0.0, 2.0], None),
    "long row": (np.linspace(-1, 1, 20, dtype=np.float32), None),
    "long int row": (np.arange(40), None),
    "random": (RNG.standard_normal((4, 5)).astype(np.float32), None),
    "random float64": (RNG.standard_normal((3, 3)), "float64"),
    "summarized": (np.arange(2000, dtype=np.float32), None),
    "summarized 2-d": (np.arange(3000, dtype=np.float32).reshape(30, 100), None),
    "big ints": ([123456789, -5], None),
    "summarized 3-d int": (np.arange(3000).reshape(3, 10, 100), None),
    "summarized one long dim": (np.arange(1001, dtype=np.float64) / 3, "float64"),
    "long negative row": (np.linspace(-1, 1, 30, dtype=np.float32), None),
    "random 3-d": (RNG.standard_normal((2, 3, 4)).astype(np.float32), None),
    "bool matrix": ([[True, False], [False, False]], None),
    "all true": ([True, True], None),
    "sci negative": ([-1e-6, 3.0, -250.0], None),
    "int mode spread": ([1.0, 5000.0], None),
    "float64 long row": (np.linspace(0, 1, 13), "float64"),
    "float16 long row": (np.linspace(-3, 3, 25, dtype=np.float16), "float16"),
    "int32 long row": (np.arange(-30, 30, dtype=np.int32), "int32"),
    "empty": ([], None),
    "empty 2-d": (np.zeros((0, 3), dtype=np.float32), None),
    "empty int": (np.zeros((2, 0), dtype=np.int64), None),
}


def _pair(data, dtype, requires_grad=False):
    e = ember.tensor(data, dtype=None if dtype is None else getattr(ember, dtype), requires_grad=requires_grad)
    t = torch.tensor(np.asarray(e.detach().numpy()), requires_grad=requires_grad)
    return e, t


def _torch_repr(t):
    return repr(t).replace("torch.", "ember.")


@pytest.mark.parametrize("name", list(CASES))
def test_repr_matches_torch(name):
    e, t = _pair(*CASES[name])
    assert repr(e) == _torch_repr(t)
    assert str(e) == _torch_repr(t)


@pytest.mark.parametrize("data", [[1.0, -2.5, 3.0], 0.5, np.linspace(-2, 2.5, 13), np.arange(2000.0)])
@pytest.mark.parametrize("dtype", [None, "float64"])
def test_repr_of_tensors_in_a_graph(data, dtype):
    e, t = _pair(data, dtype, requires_grad=True)
    assert repr(e) == _torch_repr(t)
    for fn in (lambda x: x * 2, lambda x: x.sum(), lambda x: x.exp().mean(), lambda x: x[1:] if x.ndim else -x):
        assert repr(fn(e)) == _torch_repr(fn(t))


def test_repr_of_a_detached_or_no_grad_result():
    e, t = _pair([1.0, 2.0], None, requires_grad=True)
    with ember.no_grad():
        assert repr(e * 2) == "tensor([2., 4.])"
    assert repr(e.detach()) == _torch_repr(t.detach())


@pytest.mark.parametrize("fn", [lambda t, x: x.max(1), lambda t, x: t.min(x, 0), lambda t, x: x.sort(),
                                lambda t, x: x.topk(1)])
def test_values_indices_results_print_like_torch(fn):
    data = [[1.5, -2.0], [0.5, 3.0]]
    e, t = fn(ember, ember.tensor(data)), fn(torch, torch.tensor(data))
    assert repr(e) == _torch_repr(t)
    values, indices = e
    assert values is e.values and indices is e.indices and isinstance(e, tuple)


def test_format_spec_on_scalars():
    loss = ember.tensor(0.123456, requires_grad=True) * 1
    assert f"{loss:.4f}" == "0.1235"
    assert f"{ember.tensor([2.5]):.2f}" == "2.50"
    assert f"{ember.tensor(3):d}" == "3"
    assert f"{ember.tensor([1.0, 2.0])}" == "tensor([1., 2.])"


def test_dtype_and_device_reprs():
    assert repr(ember.float32) == "ember.float32" and str(ember.int64) == "ember.int64"
    assert repr(ember.device("cpu")) == repr(torch.device("cpu"))
    assert str(ember.device("cpu")) == "cpu"
    assert ember.ones(2).device == ember.device("cpu") != "cpu"  # as torch's: a device is no string
