"""torch.special's orthogonal polynomials against torch: the same digits (ember follows torch's
kernels, fused multiply-adds and C-library trigonometry included), dtypes, broadcasting,
number arguments, and no gradient."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

NAMES = [
    "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
    "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l",
    "legendre_polynomial_p",
]
RNG = np.random.default_rng(0)
POINTS = np.concatenate([RNG.uniform(-3, 3, 120), RNG.uniform(-1, 1, 120), RNG.uniform(0, 1, 60),
                         [0.0, 1.0, -1.0, 0.5, 1e-20, 1 - 2**-53, -1 + 2**-53, 1 - 2**-24, np.inf, -np.inf]])
DEGREES = np.concatenate([np.arange(-2, 41), [2.7, -0.5, 7.9, np.inf, -np.inf, 200, 600]]).astype(np.float64)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", NAMES)
def test_values_are_torchs_digits(name: str, dtype: str) -> None:
    x, n = np.meshgrid(POINTS.astype(dtype), DEGREES.astype(dtype))
    got = getattr(ember.special, name)(ember.tensor(x), ember.tensor(n))
    expected = getattr(torch.special, name)(torch.tensor(x), torch.tensor(n))
    assert got.dtype == getattr(ember, dtype)
    np.testing.assert_array_equal(got.numpy(), expected.numpy())


@pytest.mark.parametrize("name", NAMES)
def test_dtypes_numbers_and_broadcasting_as_torch(name: str) -> None:
    e_fn, t_fn = getattr(ember.special, name), getattr(torch.special, name)
    cases = [
        (np.array([0.25, 2.0], np.float32), 3), (0.5, np.array([1, 2, 5])), (np.array([1, 2]), np.array([[3], [4]])),
        (np.array([0.3], np.float32), np.array(4.0)), (np.array([True, False]), np.array([2], np.int8)),
        (np.array([0.7, 0.2]), 6.9),
    ]
    for x, n in cases:
        e_args = [ember.tensor(v) if isinstance(v, np.ndarray) else v for v in (x, n)]
        t_args = [torch.tensor(v) if isinstance(v, np.ndarray) else v for v in (x, n)]
        got, expected = e_fn(*e_args), t_fn(*t_args)
        assert str(got.dtype) == str(expected.dtype).replace("torch", "ember"), (x, n)
        assert tuple(got.shape) == tuple(expected.shape)
        np.testing.assert_array_equal(got.numpy(), expected.numpy())


@pytest.mark.parametrize("name", NAMES)
def test_errors_and_no_gradient_as_torch(name: str) -> None:
    fn = getattr(ember.special, name)
    with pytest.raises(TypeError, match="must be a Tensor"):
        fn(2, 3)
    with pytest.raises(RuntimeError, match="size of tensor a"):
        fn(ember.ones(3), ember.ones(4))
    x = ember.tensor([0.5, 0.25], requires_grad=True)
    out = fn(x, 3)
    assert not out.requires_grad and out.grad_fn is None
    with pytest.raises(RuntimeError, match="does not require grad"):
        out.sum().backward()
