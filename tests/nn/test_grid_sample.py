"""F.grid_sample (bilinear and nearest; padding zeros, border, reflection; align_corners) and
F.affine_grid against torch: outputs and the gradients for the input, the grid and theta, in
float64 and float32, gradcheck, and grids that reach far outside the image."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from ember.autograd import gradcheck
from tolerances import REDUCTION, TOLERANCES

CASES = [(m, p, a) for m in ("bilinear", "nearest") for p in ("zeros", "border", "reflection") for a in (False, True)]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mode,padding_mode,align_corners", CASES)
def test_grid_sample_matches_torch(mode, padding_mode, align_corners, dtype):
    rtol, atol = TOLERANCES[REDUCTION][dtype]
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 5, 6)).astype(dtype)
    g = rng.uniform(-2.7, 2.7, (2, 4, 7, 2)).astype(dtype)  # several reflections deep
    ex, eg = ember.tensor(x, requires_grad=True), ember.tensor(g, requires_grad=True)
    tx, tg = torch.tensor(x, requires_grad=True), torch.tensor(g, requires_grad=True)
    e = F.grid_sample(ex, eg, mode, padding_mode, align_corners)
    t = torch.nn.functional.grid_sample(tx, tg, mode, padding_mode, align_corners)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)
    upstream = rng.standard_normal(tuple(t.shape)).astype(dtype)
    e.backward(ember.tensor(upstream))
    t.backward(torch.tensor(upstream))
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=rtol, atol=atol)
    grid_grad = np.zeros_like(g) if eg.grad is None else eg.grad.numpy()  # nearest: no path to the grid
    np.testing.assert_allclose(grid_grad, tg.grad.numpy(), rtol=rtol, atol=atol * 10)  # sums of 4 weighted products


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_gradcheck(padding_mode):
    rng = np.random.default_rng(1)
    x = ember.tensor(rng.standard_normal((1, 2, 3, 4)), requires_grad=True)
    g = ember.tensor(rng.uniform(-1.2, 1.2, (1, 2, 3, 2)), requires_grad=True)
    assert gradcheck(lambda x, g: F.grid_sample(x, g, padding_mode=padding_mode, align_corners=False), (x, g))


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (1, 1, 1, 3), (2, 1, 6, 1)])
def test_affine_grid_matches_torch(size, align_corners):
    theta = np.random.default_rng(2).standard_normal((size[0], 2, 3))
    e_theta, t_theta = ember.tensor(theta, requires_grad=True), torch.tensor(theta, requires_grad=True)
    e = F.affine_grid(e_theta, size, align_corners)
    t = torch.nn.functional.affine_grid(t_theta, size, align_corners)
    rtol, atol = TOLERANCES[REDUCTION]["float64"]
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)
    upstream = np.random.default_rng(3).standard_normal(tuple(t.shape))
    e.backward(ember.tensor(upstream))
    t.backward(torch.tensor(upstream))
    np.testing.assert_allclose(e_theta.grad.numpy(), t_theta.grad.numpy(), rtol=rtol, atol=atol)


def test_spatial_transformer_round_trip_matches_torch():
    """affine_grid then grid_sample, as a spatial transformer network uses them, gradient to theta."""
    rng = np.random.default_rng(4)
    x, theta = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((2, 2, 3)) * 0.5
    results = []
    for lib in (ember, torch):
        th = lib.tensor(theta, requires_grad=True)
        out = lib.nn.functional.grid_sample(lib.tensor(x), lib.nn.functional.affine_grid(th, (2, 3, 4, 4), False), align_corners=False)
        (out * out).sum().backward()
        results.append((out.detach().numpy(), th.grad.numpy()))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_errors():
    with pytest.raises(ValueError, match="expected mode"):
        F.grid_sample(ember.ones(1, 1, 2, 2), ember.zeros(1, 1, 1, 2), mode="cubic")
    with pytest.raises(ValueError, match="expected padding_mode"):
        F.grid_sample(ember.ones(1, 1, 2, 2), ember.zeros(1, 1, 1, 2), padding_mode="wrap")
    with pytest.raises(ValueError, match="Nx2x3"):
        F.affine_grid(ember.zeros(1, 3, 3), (1, 1, 2, 2))
