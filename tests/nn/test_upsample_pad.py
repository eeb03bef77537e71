"""F.upsample_nearest and F.upsample_bilinear (torch's deprecated aliases of interpolate) and
torch.constant_pad_nd, against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck
from tolerances import REDUCTION, TOLERANCES


@pytest.mark.parametrize("name", ["upsample_nearest", "upsample_bilinear"])
@pytest.mark.parametrize(("size", "scale"), [((5, 7), None), (None, 2), (None, (1.5, 2.5)), (3, None)])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_upsample_matches_torch(name, size, scale, dtype):
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5)).astype(dtype)
    with pytest.warns(UserWarning, match="deprecated"):
        expected = getattr(torch.nn.functional, name)(torch.tensor(x), size, scale)
    with pytest.warns(UserWarning, match="deprecated"):
        actual = getattr(F, name)(ember.tensor(x), size, scale)
    assert actual.dtype.name == dtype and actual.shape == tuple(expected.shape)
    rtol, atol = TOLERANCES[REDUCTION][dtype]  # two- and four-term weighted sums
    np.testing.assert_allclose(actual.numpy(), expected.numpy(), rtol=rtol, atol=atol)


def test_upsample_bilinear_gradients():
    x = ember.randn(1, 2, 3, 3, dtype=ember.float64, requires_grad=True)
    with pytest.warns(UserWarning):
        assert gradcheck(lambda t: F.upsample_bilinear(t, (4, 5)), (x,))


@pytest.mark.parametrize(("shape", "pad", "value"), [
    ((3, 4), (1, 2), 0), ((2, 3, 4), (1, 1, 2, 0), 1.5), ((1, 3, 4, 4), (-1, 1, -2, 1), 2.0),
    ((0, 3, 3), (1, 2), 1.0), ((2, 2, 2), (1, 0, 0, 1, 2, 2), -3.0),
])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64"])
def test_constant_pad_nd_matches_torch(shape, pad, value, dtype):
    x = (np.random.default_rng(1).standard_normal(shape) * 5).astype(dtype)
    value = int(value) if dtype == "int64" else value
    expected = torch.constant_pad_nd(torch.tensor(x), pad, value)
    actual = ember.constant_pad_nd(ember.tensor(x), pad, value)
    assert actual.dtype.name == dtype
    np.testing.assert_array_equal(actual.numpy(), expected.numpy())


def test_constant_pad_nd_gradients_and_node():
    x = ember.randn(2, 3, 4, dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda t: ember.constant_pad_nd(t, (1, -1, 2, 0), 0.5), (x,))
    assert gradgradcheck(lambda t: ember.constant_pad_nd(t, (1, -1, 2, 0), 0.5), (x,))
    assert type(ember.constant_pad_nd(x, (1, 1)).grad_fn).__name__ == "ConstantPadNdBackward0"


@pytest.mark.parametrize("pad", [(1,), (1, 1, 1, 1, 1, 1, 1, 1)])
def test_constant_pad_nd_errors_are_torchs(pad):
    with pytest.raises(RuntimeError):
        torch.constant_pad_nd(torch.ones(2, 3), pad)
    with pytest.raises(RuntimeError):
        ember.constant_pad_nd(ember.ones(2, 3), pad)
