"""A Python number beyond a tensor's dtype as the operand of a comparison, clamp, masked_fill
or where: wrapped into the dtype or refused exactly where torch wraps or refuses it."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

from .conftest import assert_same_raise


def _u8(L):
    return L.tensor([1, 44, 200], dtype=L.uint8)


ANSWERED = {
    "uint8 < 300 (300 wraps to 44)": lambda L: _u8(L) < 300,
    "300 > uint8": lambda L: 300 > _u8(L),
    "uint8 == 300": lambda L: _u8(L) == 300,
    "uint8 >= -212 (wraps to 44)": lambda L: _u8(L) >= -212,
    "int8 != 300": lambda L: L.tensor([44, 1], dtype=L.int8) != 300,
    "int64 < 5 (in range)": lambda L: L.tensor([1, 9]) < 5,
    "uint8 clamp min -1 (255)": lambda L: _u8(L).clamp(min=-1),
    "int8 clamp float bounds": lambda L: L.tensor([1, 2], dtype=L.int8).clamp(-1.5, 1.5),
    "float64 clamp 1e300": lambda L: L.tensor([1.0, 2.0], dtype=L.float64).clamp(max=1e300),
    "float16 clamp 1.0001": lambda L: L.tensor([1.0, 2.0], dtype=L.float16).clamp(max=1.0001),
    "uint8 masked_fill -1": lambda L: _u8(L).masked_fill(L.tensor([True, False, True]), -1),
    "int64 masked_fill 2.7": lambda L: L.tensor([1, 2]).masked_fill(L.tensor([True, False]), 2.7),
    "where 3.5 or uint8": lambda L: L.where(L.tensor([True, False, True]), 3.5, _u8(L)),
    "where uint8 or -1": lambda L: L.where(L.tensor([True, False, True]), _u8(L), -1),
    "where float16 or -1e9 (-inf)": lambda L: L.where(L.tensor([True, False]), L.ones(2).half(), -1e9),
    "where 1e5 or float16 (inf)": lambda L: L.where(L.tensor([True, False]), 1e5, L.ones(2).half()),
    "where float16 or 1e39 (inf)": lambda L: L.where(L.tensor([True, False]), L.ones(2).half(), 1e39),
}

REFUSED = {
    "uint8 clamp max 300": lambda L: _u8(L).clamp(max=300),
    "int8 clamp max 1000": lambda L: L.tensor([1, 2], dtype=L.int8).clamp(max=1000),
    "float32 clamp max 1e300": lambda L: L.tensor([1.0, 2.0]).clamp(max=1e300),
    "float16 clamp max 1e5": lambda L: L.tensor([1.0], dtype=L.float16).clamp(max=1e5),
    "uint8 masked_fill 300": lambda L: _u8(L).masked_fill(L.tensor([True, False, True]), 300),
    "float16 masked_fill 1e6": lambda L: L.tensor([1.0], dtype=L.float16).masked_fill(L.tensor([True]), 1e6),
    "where uint8 or 300": lambda L: L.where(L.tensor([True, False, True]), _u8(L), 300),
    "where float32 or 1e39": lambda L: L.where(L.tensor([True, False]), L.ones(2), -1e39),
}


@pytest.mark.parametrize("name", list(ANSWERED))
def test_numbers_beyond_the_dtype_give_torchs_answer(name):
    e, t = ANSWERED[name](ember), ANSWERED[name](torch)
    assert e.dtype.name == str(t.dtype).removeprefix("torch.")
    np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("name", list(REFUSED))
def test_numbers_beyond_the_dtype_are_refused_as_torch(name):
    assert_same_raise(lambda: REFUSED[name](ember), lambda: REFUSED[name](torch), "without overflow")


@pytest.mark.parametrize("expr", [
    lambda L: L.tensor([True, False]) < 3,
    lambda L: L.tensor([True, False]) > -1,
    lambda L: L.tensor([True, False]) == 3,
    lambda L: L.tensor([1.0, 2.0], dtype=L.float16) < 70000,
    lambda L: L.tensor([1.0, 2.0]) == 2**40,
])
def test_numbers_beside_bool_and_float_tensors_are_not_wrapped(expr):
    np.testing.assert_array_equal(expr(ember).numpy(), expr(torch).numpy())


def _written(L, dtype, key, value):
    x = L.tensor([1, 2], dtype=getattr(L, dtype))
    x[key(L)] = value
    return x


WRITES = {
    "uint8[0] = -1 (255)": ("uint8", lambda L: 0, -1),
    "uint8[mask] = -1": ("uint8", lambda L: L.tensor([True, False]), -1),
    "uint8[0] = 2.7 (2)": ("uint8", lambda L: 0, 2.7),
    "float16[0] = 1e6 (inf)": ("float16", lambda L: 0, 1e6),
    "float16[index] = 1e6 (inf)": ("float16", lambda L: L.tensor([0]), 1e6),
    "float32[1:] = 0.1": ("float32", lambda L: slice(1, None), 0.1),
}
REFUSED_WRITES = {
    "uint8[0] = 300": ("uint8", lambda L: 0, 300),
    "uint8[index] = 300": ("uint8", lambda L: L.tensor([0]), 300),
    "float32[0] = 1e39": ("float32", lambda L: 0, 1e39),
    "int64[0] = nan": ("int64", lambda L: 0, float("nan")),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_numbers_written_by_index_as_torch(name):
    e, t = (_written(L, *WRITES[name]) for L in (ember, torch))
    np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("name", list(REFUSED_WRITES))
def test_numbers_written_by_index_are_refused_as_torch(name):
    case = REFUSED_WRITES[name]
    assert_same_raise(lambda: _written(ember, *case), lambda: _written(torch, *case), "without overflow")
