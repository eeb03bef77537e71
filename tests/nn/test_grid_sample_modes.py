"""F.grid_sample's bicubic mode (4-d) and 5-d input (trilinear and nearest) against torch:
outputs and the gradients for the input and the grid, float64 and float32, every padding mode,
grids reaching far outside the volume; gradcheck; torch's errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from ember.autograd import gradcheck
from tolerances import REDUCTION, TOLERANCES

PADDINGS = [(p, a) for p in ("zeros", "border", "reflection") for a in (False, True)]


def _compare(x, g, mode, padding_mode, align_corners, dtype):
    rtol, atol = TOLERANCES[REDUCTION][dtype]
    rng = np.random.default_rng(1)
    ex, eg = ember.tensor(x, requires_grad=True), ember.tensor(g, requires_grad=True)
    tx, tg = torch.tensor(x, requires_grad=True), torch.tensor(g, requires_grad=True)
    e = F.grid_sample(ex, eg, mode, padding_mode, align_corners)
    t = torch.nn.functional.grid_sample(tx, tg, mode, padding_mode, align_corners)
    assert tuple(e.shape) == tuple(t.shape) and e.dtype.name == dtype
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)
    upstream = rng.standard_normal(tuple(t.shape)).astype(dtype)
    e.backward(ember.tensor(upstream))
    t.backward(torch.tensor(upstream))
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=rtol, atol=atol)
    grid_grad = np.zeros_like(g) if eg.grad is None else eg.grad.numpy()
    # the grid's gradient sums 16 (bicubic) or 8 (trilinear) weighted products in another order
    # than torch's: where they cancel, the error is relative to the largest of them
    scale = np.abs(tg.grad.numpy()).max()
    np.testing.assert_allclose(grid_grad, tg.grad.numpy(), rtol=rtol, atol=max(atol * 10, rtol * scale))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(("padding_mode", "align_corners"), PADDINGS)
def test_bicubic_matches_torch(padding_mode, align_corners, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 5, 6)).astype(dtype)
    g = rng.uniform(-2.7, 2.7, (2, 4, 7, 2)).astype(dtype)
    _compare(x, g, "bicubic", padding_mode, align_corners, dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize(("padding_mode", "align_corners"), PADDINGS)
def test_five_d_matches_torch(mode, padding_mode, align_corners, dtype):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 4, 5, 6)).astype(dtype)
    g = rng.uniform(-2.2, 2.2, (2, 3, 4, 2, 3)).astype(dtype)
    _compare(x, g, mode, padding_mode, align_corners, dtype)


@pytest.mark.parametrize(("mode", "shape", "grid_shape"), [
    ("bicubic", (1, 2, 4, 5), (1, 3, 2, 2)), ("bilinear", (1, 2, 3, 4, 5), (1, 2, 3, 2, 3)),
])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_gradcheck(mode, shape, grid_shape, padding_mode):
    rng = np.random.default_rng(3)
    x = ember.tensor(rng.standard_normal(shape), requires_grad=True)
    g = ember.tensor(rng.uniform(-1.3, 1.3, grid_shape), requires_grad=True)
    assert gradcheck(lambda a, b: F.grid_sample(a, b, mode, padding_mode, False), (x, g))


@pytest.mark.parametrize(("shape", "grid_shape", "mode"), [
    ((1, 1, 2, 2, 2), (1, 2, 2, 2, 3), "bicubic"), ((1, 1, 2, 2), (1, 2, 2, 2, 3), "bilinear"),
    ((1, 1, 2, 2, 2), (1, 2, 2, 2, 2), "bilinear"), ((2, 1, 2, 2), (1, 2, 2, 2), "bilinear"),
    ((1, 1, 2), (1, 2, 1), "bilinear"),
])
def test_errors_are_torchs(shape, grid_shape, mode):
    with pytest.raises(RuntimeError) as expected:
        torch.nn.functional.grid_sample(torch.ones(shape), torch.zeros(grid_shape), mode, align_corners=False)
    with pytest.raises(RuntimeError) as actual:
        F.grid_sample(ember.ones(*shape), ember.zeros(*grid_shape), mode, align_corners=False)
    assert str(actual.value).split(",")[0] == str(expected.value).split(",")[0]
