"""Powers by torch's rules where NumPy's differ: integers to negative powers, bool powers, and
`square` as `pow(x, 2)` (bool squares to int64, the node is PowBackward0)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import ember

from .conftest import assert_same_raise

INT_DTYPES = ["int8", "int16", "int32", "int64", "uint8"]


def _same(e, t) -> None:
    assert str(e.dtype).removeprefix("ember.") == str(t.dtype).removeprefix("torch.")
    np.testing.assert_array_equal(e.numpy(), t.numpy())


@settings(max_examples=200, deadline=None)
@given(
    base=st.lists(st.integers(-3, 3), min_size=1, max_size=6),
    exponent=st.lists(st.integers(-4, 4), min_size=1, max_size=6),
    dtype=st.sampled_from(["int8", "int16", "int32", "int64"]),
)
def test_integer_tensor_powers_with_negative_exponents_as_torch(base, exponent, dtype):
    n = min(len(base), len(exponent))
    pairs = []
    for lib in (ember, torch):
        d = getattr(lib, dtype)
        pairs.append(lib.tensor(base[:n], dtype=d) ** lib.tensor(exponent[:n], dtype=d))
    _same(*pairs)


@pytest.mark.parametrize("expr", [
    lambda L: 3 ** L.tensor([-1, 0, 2]),
    lambda L: -1 ** L.tensor([-1, -2, 3]),
    lambda L: L.tensor([2], dtype=L.uint8) ** L.tensor([-1]),
    lambda L: L.tensor([1, -1, 0, 5]).pow(L.tensor([-3, -3, -2, -1])),
    lambda L: L.tensor([True]) ** 2,
    lambda L: L.tensor([True, False]) ** True,
    lambda L: L.tensor([True, False]) ** False,
    lambda L: L.tensor([True, False]) ** 0.5,
    lambda L: 2 ** L.tensor([True, False]),
    lambda L: L.tensor([True, False]).square(),
    lambda L: L.tensor([3], dtype=L.uint8).square(),
    lambda L: L.tensor([-3], dtype=L.int8).square(),
    lambda L: L.tensor([True]).pow_(True),
])
def test_integer_and_bool_powers_as_torch(expr):
    _same(expr(ember), expr(torch))


@pytest.mark.parametrize("expr", [
    lambda L: L.tensor([1, 2, 3]) ** -1,
    lambda L: L.tensor([0]) ** -2,
    lambda L: L.tensor([2]).pow_(-1),
    lambda L: L.tensor([True]) ** L.tensor([False]),
    lambda L: True ** L.tensor([False]),
    lambda L: L.tensor([True]).pow_(2),
])
def test_refused_powers_raise_torchs_error(expr):
    assert_same_raise(lambda: expr(ember), lambda: expr(torch))


def test_square_records_a_power_of_two():
    x = ember.tensor([1.5, -2.0], dtype=ember.float64, requires_grad=True)
    t = torch.tensor([1.5, -2.0], dtype=torch.float64, requires_grad=True)
    y, u = x.square(), t.square()
    assert y.grad_fn.name() == u.grad_fn.name() == "PowBackward0"
    y.sum().backward()
    u.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), t.grad.numpy())
