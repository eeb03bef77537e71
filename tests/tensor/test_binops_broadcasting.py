"""fmax, fmin, div with rounding_mode, remainder and nextafter on hypothesis-drawn broadcastable
shapes, with ties and NaNs among the values: outputs and gradients agree with torch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays, mutually_broadcastable_shapes

from .conftest import TOLERANCE, compare_with_torch

BINARY = {
    "fmax": (lambda t, x, y: t.fmax(x, y), (-2, 2), True),
    "fmin": (lambda t, x, y: x.fmin(y), (-2, 2), True),
    "div_floor": (lambda t, x, y: t.div(x, y, rounding_mode="floor") * x, (0.5, 3), False),
    "div_trunc": (lambda t, x, y: t.div(x, -y, rounding_mode="trunc") + y, (0.5, 3), False),
    "remainder": (lambda t, x, y: t.remainder(x, y), (0.5, 3), False),
    "nextafter": (lambda t, x, y: t.nextafter(x, y), (-2, 2), True),
}
SHAPES = mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=3)


def _values(shape, low, high, dtype, nan):
    """A small grid, so that ties occur often; NaN among them where the op has a rule for it."""
    grid = np.round(np.linspace(low, high, 9), 3).tolist() + ([float("nan")] if nan else [])
    return arrays(dtype, shape, elements=st.sampled_from(grid))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(BINARY))
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_binary_op_broadcasts_like_torch(name, dtype, data):
    fn, (low, high), nan = BINARY[name]
    shapes = data.draw(SHAPES).input_shapes
    x = data.draw(_values(shapes[0], low, high, dtype, nan), label="x")
    y = data.draw(_values(shapes[1], low, high, dtype, nan), label="y")
    compare_with_torch(fn, fn, [x, y], *TOLERANCE[dtype])
