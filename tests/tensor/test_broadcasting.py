"""Binary ops on hypothesis-drawn broadcastable shapes and values (MyGrad's approach): forward
and the gradient of the sum agree with torch for every pair of shapes that broadcast."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays, mutually_broadcastable_shapes

import ember

from .conftest import TOLERANCE, assert_same_raise, compare_with_torch

BINARY = {
    "add": (lambda t, x, y: x + y, (-3, 3)),
    "sub": (lambda t, x, y: t.sub(x, y, alpha=2), (-3, 3)),
    "mul": (lambda t, x, y: x * y, (-3, 3)),
    "div": (lambda t, x, y: x / y, (0.5, 3)),
    "pow": (lambda t, x, y: x**y, (0.5, 2)),
    "maximum": (lambda t, x, y: t.maximum(x, y), (-2, 2)),
    "minimum": (lambda t, x, y: t.minimum(x, y), (-2, 2)),
    "where": (lambda t, x, y: t.where(x > y, x, y * 2), (-2, 2)),
    "chain": (lambda t, x, y: (x * y + x).tanh() - y, (-2, 2)),
}

SHAPES = mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=3)


def _values(shape, low, high, dtype):
    # a small grid of values so ties (maximum, where) occur as often as they do in real data
    grid = np.round(np.linspace(low, high, 9), 3)
    return arrays(dtype, shape, elements=st.sampled_from(grid.tolist()))


CASES = [(name, "float64") for name in BINARY] + [(name, "float32") for name in ("add", "mul", "div")]


@pytest.mark.parametrize("name, dtype", CASES)
@settings(max_examples=15)
@given(data=st.data())
def test_binary_op_broadcasts_like_torch(name, dtype, data):
    fn, (low, high) = BINARY[name]
    shapes = data.draw(SHAPES).input_shapes
    x = data.draw(_values(shapes[0], low, high, dtype), label="x")
    y = data.draw(_values(shapes[1], low, high, dtype), label="y")
    compare_with_torch(fn, fn, [x, y], *TOLERANCE[dtype])


@settings(max_examples=15)
@given(data=st.data())
def test_shapes_that_do_not_broadcast_raise_like_torch(data):
    import torch

    a = data.draw(st.lists(st.integers(2, 4), min_size=1, max_size=3), label="a")
    b = list(a)
    i = data.draw(st.integers(0, len(a) - 1), label="dim")
    b[i] = a[i] + 1
    x, y = np.ones(a), np.ones(b)
    assert_same_raise(lambda: ember.tensor(x) + ember.tensor(y), lambda: torch.tensor(x) + torch.tensor(y),
                      match=f"{list(a)} and {list(b)}")
