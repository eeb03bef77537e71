"""dist: torch's values, dtypes and gradients, equal inputs (the norm's zero point) included."""

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from tolerances import REDUCTION, TOLERANCES

from .conftest import assert_same_raise, compare_with_torch

PS = [2, 1, 3, 0.5, 0, float("inf"), float("-inf")]


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shapes", [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((), (5,))])
def test_dist_matches_torch(shapes, dtype, p):
    rng = np.random.default_rng(1)
    a, b = (rng.standard_normal(s).astype(dtype) for s in shapes)
    fn = lambda lib, x, y: lib.dist(x, y, p)
    # p = 0 has no gradient: torch's backward of it fails ("Expected a proper Tensor but got None")
    compare_with_torch(fn, fn, [a, b], *TOLERANCES[REDUCTION][dtype], grad=p != 0)


@pytest.mark.parametrize("p", [p for p in PS if p != 0])
def test_gradient_at_equal_inputs_matches_torch(p):
    data = np.array([[1.0, -2.0], [0.5, 3.0]])
    grads = []
    for lib in (ember, torch):
        x, y = lib.tensor(data, requires_grad=True), lib.tensor(data.copy(), requires_grad=True)
        x.dist(y, p).backward()
        grads.append((x.grad.tolist(), y.grad.tolist()))
    assert grads[0] == grads[1]


@pytest.mark.parametrize("p", [2, 1, 3, 0.5, float("inf")])
def test_gradcheck(p):
    rng = np.random.default_rng(2)
    x = ember.tensor(rng.standard_normal((3, 2)), requires_grad=True)
    y = ember.tensor(rng.standard_normal((2,)), requires_grad=True)
    assert gradcheck(lambda a, b: ember.dist(a, b, p), (x, y))
    if p != float("inf"):
        assert gradgradcheck(lambda a, b: ember.dist(a, b, p), (x, y))


@pytest.mark.parametrize("call", [
    lambda lib: lib.dist(lib.zeros(3), lib.zeros(4)),
    lambda lib: lib.dist(lib.arange(3), lib.arange(3)),
])
def test_errors_match_torch(call):
    assert_same_raise(lambda: call(ember), lambda: call(torch))
