"""interpolate through torch's separable kernels: antialias=True (bilinear, bicubic; float and
uint8) and uint8 bilinear/bicubic without antialias (int16 fixed point), against torch: uint8
outputs bit for bit, float outputs and gradients to the contract, torch's node names."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from ember.autograd import gradcheck
from tolerances import REDUCTION, TOLERANCES

CASES = [  # (input H, W), size, scale_factor
    ((9, 11), (4, 5), None), ((6, 7), (13, 10), None), ((270, 40), (130, 17), None), ((8, 8), (8, 3), None),
    ((5, 12), None, 0.45), ((7, 6), None, 2.3), ((10, 10), (3, 2), None),
]


def _kwargs(size, scale, mode, align_corners, antialias):
    return dict(size=size, scale_factor=scale, mode=mode, align_corners=align_corners, antialias=antialias)


@pytest.mark.parametrize("antialias", [False, True])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize(("hw", "size", "scale"), CASES)  # (not to 1x1: torch's AVX kernel asserts there)
def test_uint8_is_torchs_bit_for_bit(hw, size, scale, mode, align_corners, antialias):
    x = np.random.default_rng(hw[0] * hw[1]).integers(0, 256, (2, 3) + hw).astype(np.uint8)
    kwargs = _kwargs(size, scale, mode, align_corners, antialias)
    expected = torch.nn.functional.interpolate(torch.tensor(x), **kwargs).numpy()
    actual = F.interpolate(ember.tensor(x), **kwargs)
    assert actual.dtype == ember.uint8
    np.testing.assert_array_equal(actual.numpy(), expected)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize(("hw", "size", "scale"), CASES + [((10, 10), (1, 1), None)])
def test_antialias_values_and_gradients_match_torch(hw, size, scale, mode, align_corners, dtype):
    rng = np.random.default_rng(hw[0] + hw[1])
    x = rng.standard_normal((2, 2) + hw).astype(dtype)
    kwargs = _kwargs(size, scale, mode, align_corners, True)
    tx = torch.tensor(x, requires_grad=True)
    expected = torch.nn.functional.interpolate(tx, **kwargs)
    ex = ember.tensor(x, requires_grad=True)
    actual = F.interpolate(ex, **kwargs)
    rtol, atol = TOLERANCES[REDUCTION][dtype]
    np.testing.assert_allclose(actual.detach().numpy(), expected.detach().numpy(), rtol=rtol, atol=atol)
    if expected.grad_fn is not None:
        assert type(actual.grad_fn).__name__ == type(expected.grad_fn).__name__
    cotangent = rng.standard_normal(tuple(expected.shape)).astype(dtype)
    expected.backward(torch.tensor(cotangent))
    actual.backward(ember.tensor(cotangent))
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_antialias_gradcheck(mode):
    x = ember.randn(1, 2, 7, 6, dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda t: F.interpolate(t, size=(3, 4), mode=mode, antialias=True), (x,))


@pytest.mark.parametrize(("shape", "mode"), [((1, 2, 5), "linear"), ((1, 1, 2, 3, 4), "trilinear"), ((1, 1, 4, 4), "nearest")])
def test_antialias_outside_bilinear_bicubic_4d_is_refused(shape, mode):
    for lib, fn in ((torch, torch.nn.functional.interpolate), (ember, F.interpolate)):
        with pytest.raises(ValueError, match="Anti-alias option"):
            fn(lib.ones(*shape), scale_factor=0.5, mode=mode, antialias=True)
