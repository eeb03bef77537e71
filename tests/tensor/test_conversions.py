"""A tensor turned into a Python value (float, int, complex, bool, an index, item) and the
bitwise operators on floats: the exception types and messages torch gives."""

from __future__ import annotations

import operator

import pytest
import torch

import ember

from .conftest import assert_same_raise

REFUSED = [
    ("float of two", lambda L: float(L.tensor([3, 4])), "only one element tensors can be converted to Python scalars"),
    ("int of two", lambda L: int(L.tensor([3, 4])), "only one element tensors"),
    ("complex of two", lambda L: complex(L.tensor([3.0, 4.0])), "only one element tensors"),
    ("float of none", lambda L: float(L.tensor([])), "only one element tensors"),
    ("item of two", lambda L: L.tensor([3, 4]).item(), "a Tensor with 2 elements cannot be converted to Scalar"),
    ("item of none", lambda L: L.tensor([]).item(), "a Tensor with 0 elements cannot be converted to Scalar"),
    ("bool of two", lambda L: bool(L.tensor([3, 4])), "Boolean value of Tensor with more than one value is ambiguous"),
    ("bool of none", lambda L: bool(L.tensor([])), "Boolean value of Tensor with no values is ambiguous"),
    ("index of two", lambda L: operator.index(L.tensor([3, 4])), "only integer tensors of a single element"),
    ("index of a float", lambda L: operator.index(L.tensor([3.0])), "only integer tensors of a single element"),
    ("float & float", lambda L: L.tensor([1.0, 2.0]) & L.tensor([1.0, 2.0]), None),
    ("float | int", lambda L: L.tensor([1.0, 2.0]) | 1, None),
    ("float ^ bool", lambda L: L.tensor([1.0, 2.0]) ^ True, None),
    ("bitwise_and float", lambda L: L.bitwise_and(L.tensor([1.0]), L.tensor([1])), None),
]


@pytest.mark.parametrize("name, fn, match", REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_conversions_raise_torchs_error(name, fn, match):
    assert_same_raise(lambda: fn(ember), lambda: fn(torch), match)


@pytest.mark.parametrize("fn", [
    lambda L: float(L.tensor([3.5])),
    lambda L: int(L.tensor([[-3.7]])),
    lambda L: complex(L.tensor(2.0)),
    lambda L: bool(L.tensor([0])),
    lambda L: [10, 20, 30][L.tensor(1)],
    lambda L: L.tensor([2], dtype=L.int16).item(),
])
def test_one_element_conversions_give_torchs_values(fn):
    e, t = fn(ember), fn(torch)
    assert type(e) is type(t) and e == t
