"""Random tensors refuse what torch refuses, with its exception types: bounds a dtype cannot
hold (randint, randperm), empty ranges, negative standard deviations, integer dtypes for random
floats, bad sizes; and legacy constructors check their data as `tensor` does."""

from __future__ import annotations

import pytest
import torch

import ember

from .conftest import assert_same_raise
from .test_tensor_from_data import assert_same_tensor

CASES = {
    "randint to - 1 beyond uint8": lambda lib: lib.randint(0, 300, (3,), dtype=lib.uint8),
    "randint from below int8": lambda lib: lib.randint(-200, 0, (3,), dtype=lib.int8),
    "randint beyond bool": lambda lib: lib.randint(0, 3, (3,), dtype=lib.bool),
    "randint empty range": lambda lib: lib.randint(5, 5, (3,)),
    "randint to - 1 beyond float16": lambda lib: lib.randint(0, 70000, (3,), dtype=lib.float16),
    "randint float bound": lambda lib: lib.randint(0, 5.5, (3,)),
    "randint negative size": lambda lib: lib.randint(0, 5, (-1,)),
    "randperm beyond uint8": lambda lib: lib.randperm(300, dtype=lib.uint8),
    "randperm beyond float16": lambda lib: lib.randperm(3000, dtype=lib.float16),
    "randperm negative": lambda lib: lib.randperm(-1),
    "randperm of bool": lambda lib: lib.randperm(2, dtype=lib.bool),
    "rand of int64": lambda lib: lib.rand(2, dtype=lib.int64),
    "rand_like of int64": lambda lib: lib.rand_like(lib.zeros(2, dtype=lib.int64)),
    "randn of bool": lambda lib: lib.randn(2, dtype=lib.bool),
    "randn of int64": lambda lib: lib.randn(2, dtype=lib.int64),
    "rand negative size": lambda lib: lib.rand(2, -3),
    "normal negative std": lambda lib: lib.normal(0.0, -1.0, size=(2,)),
    "normal NaN std": lambda lib: lib.normal(0.0, float("nan"), size=(2,)),
    "normal negative std tensor": lambda lib: lib.normal(lib.zeros(2), -lib.ones(2)),
    "normal of int64 mean": lambda lib: lib.normal(lib.zeros(2, dtype=lib.int64), lib.ones(2)),
    "normal_ negative std": lambda lib: lib.zeros(2).normal_(0, -1),
    "normal_ of int64": lambda lib: lib.zeros(2, dtype=lib.int64).normal_(),
    "uniform_ reversed": lambda lib: lib.zeros(2).uniform_(2, 1),
    "uniform_ of int64": lambda lib: lib.zeros(2, dtype=lib.int64).uniform_(0, 1),
    "full with a float size": lambda lib: lib.full((2.0,), 1.0),
    "ones with a float size": lambda lib: lib.ones(2, 2.0),
    "ByteTensor 300": lambda lib: lib.ByteTensor([300]),
    "LongTensor NaN": lambda lib: lib.LongTensor([float("nan")]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_random_and_legacy_creation_refuse_like_torch(name):
    assert_same_raise(lambda: CASES[name](ember), lambda: CASES[name](torch))


@pytest.mark.parametrize("dtype", ["uint8", "int8", "bool", "float16", "int64"])
def test_randint_and_randperm_at_the_edges_of_a_dtype(dtype):
    high = {"uint8": 256, "int8": 128, "bool": 2, "float16": 2049, "int64": 2**40}[dtype]
    for lib in (ember, torch):
        x = lib.randint(0, high, (50,), dtype=getattr(lib, dtype))
        assert str(x.dtype).endswith(dtype) and x.shape == (50,)
    if dtype == "bool":
        return
    n = min(high, 300)
    e, t = ember.randperm(n, dtype=getattr(ember, dtype)), torch.randperm(n, dtype=getattr(torch, dtype))
    assert_same_tensor(e.sort().values, t.sort().values)


def test_legacy_constructors_convert_like_tensor():
    for name, data in (("ByteTensor", [-1, 255]), ("DoubleTensor", [0.1, 1e300]), ("LongTensor", [2.7, -2.7]), ("FloatTensor", [0.1])):
        assert_same_tensor(getattr(ember, name)(data), getattr(torch, name)(data))
