"""torch.special's Bessel and Airy functions against torch: ember runs torch's Cephes kernels
(fused multiply-adds, the C library's cos, sin, exp and log), so values agree to the last bits
(within the transcendental tolerance: a few ulps where a compiled kernel fuses differently) on
both sides of every branch point; special values exactly; dtypes; no gradient."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.tolerances import TOLERANCES, TRANSCENDENTAL

NAMES = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
         "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
         "spherical_bessel_j0"]
RNG = np.random.default_rng(0)
BRANCHES = [1e-5, 0.5, 2.0, 2.09, 5.0, 8.0, 8.3203353, 103.892]
POINTS = np.concatenate([RNG.uniform(-40, 40, 500), RNG.uniform(-6, 6, 500), RNG.uniform(0, 2.5, 200),
                         [b * s for b in BRANCHES for s in (1, -1, 1 + 1e-9, 1 - 1e-9)], [300.0, 700.0, -700.0, 1e-300]])
SPECIAL = np.array([0.0, -0.0, np.inf, -np.inf, np.nan])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", NAMES)
def test_values_match_torch(name: str, dtype: str) -> None:
    rtol, atol = TOLERANCES[TRANSCENDENTAL][dtype]
    x = POINTS.astype(dtype)
    got = getattr(ember.special, name)(ember.tensor(x))
    expected = getattr(torch.special, name)(torch.tensor(x))
    assert got.dtype == getattr(ember, dtype)
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=rtol, atol=atol)
    specials = getattr(ember.special, name)(ember.tensor(SPECIAL.astype(dtype)))
    np.testing.assert_array_equal(specials.numpy(), getattr(torch.special, name)(torch.tensor(SPECIAL.astype(dtype))).numpy())


@pytest.mark.parametrize("name", NAMES)
def test_integer_inputs_shapes_and_no_gradient_as_torch(name: str) -> None:
    fn = getattr(ember.special, name)
    got, expected = fn(ember.tensor([[1, 2], [3, 4]])), getattr(torch.special, name)(torch.tensor([[1, 2], [3, 4]]))
    assert got.dtype == ember.float32 and tuple(got.shape) == (2, 2)
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-6)
    assert tuple(fn(ember.ones(1, 0, 3)).shape) == (1, 0, 3) and fn(ember.tensor(0.5)).ndim == 0
    x = ember.tensor([0.5, 1.5], requires_grad=True)
    out = fn(x)
    assert not out.requires_grad and out.grad_fn is None
