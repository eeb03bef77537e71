"""F.alpha_dropout, F.feature_alpha_dropout, nn.AlphaDropout and nn.FeatureAlphaDropout: the
identity where torch's is, torch's affine map of the mask in training (zero mean and unit
variance kept), its gradient, and torch's errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck

ALPHA = 1.7580993408473766
FUNCTIONS = ["alpha_dropout", "feature_alpha_dropout"]


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize(("p", "training"), [(0.5, False), (0.0, True), (0.3, False)])
def test_identity_outside_training(name, p, training):
    x = ember.randn(3, 4, 5)
    assert getattr(F, name)(x, p, training) is x


@pytest.mark.parametrize("name", FUNCTIONS)
def test_default_is_evaluation_as_in_torch(name):
    x = ember.randn(2, 3)
    assert getattr(F, name)(x) is x
    t = torch.randn(2, 3)
    assert torch.equal(getattr(torch.nn.functional, name)(t), t)


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_training_values_are_the_affine_map_of_a_mask(name, p):
    """Each output is x a + alpha a (p - 1) + ... : either x a + alpha a p (kept) or the dropped
    value -alpha a + alpha a p; feature dropout keeps or drops whole channels."""
    ember.manual_seed(1)
    x = ember.randn(4, 6, 7, dtype=ember.float64)
    y = getattr(F, name)(x, p, True).numpy()
    a = 1 / math.sqrt((ALPHA ** 2 * p + 1) * (1 - p))
    kept = np.isclose(y, x.numpy() * a + ALPHA * a * p, rtol=1e-12, atol=0)
    dropped = np.isclose(y, -ALPHA * a + ALPHA * a * p, rtol=1e-12, atol=0)
    assert np.all(kept | dropped) and kept.any() and dropped.any()
    if name == "feature_alpha_dropout":
        assert np.all(kept.all(-1) | dropped.all(-1))


@pytest.mark.parametrize("name", FUNCTIONS)
def test_mean_and_variance_are_kept(name):
    ember.manual_seed(0)
    x = ember.randn(400, 50, 10, dtype=ember.float64)
    y = getattr(F, name)(x, 0.3, True).numpy()
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02


@pytest.mark.parametrize("name", FUNCTIONS)
def test_gradient_is_the_scaled_mask(name):
    x = ember.randn(3, 4, 2, dtype=ember.float64, requires_grad=True)

    def fn(t):
        ember.manual_seed(5)
        return getattr(F, name)(t, 0.4, True)

    assert gradcheck(fn, (x,))
    fn(x).sum().backward()
    ember.manual_seed(5)
    y = getattr(F, name)(ember.ones(3, 4, 2, dtype=ember.float64), 0.4, True).numpy()
    a = 1 / math.sqrt((ALPHA ** 2 * 0.4 + 1) * 0.6)
    np.testing.assert_allclose(x.grad.numpy(), np.where(y > 0, a, 0.0), rtol=1e-12)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_p_one_and_inplace(name):
    x = ember.randn(2, 3, 4)
    assert not getattr(F, name)(x, 1.0, True).numpy().any()
    y = ember.randn(2, 3, 4)
    out = getattr(F, name)(y, 0.5, True, inplace=True)
    assert out is y


@pytest.mark.parametrize("name", FUNCTIONS)
@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_bad_p_raises_valueerror(name, p):
    for lib in (torch.nn.functional, F):
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
            getattr(lib, name)((torch if lib is torch.nn.functional else ember).ones(2, 3), p, True)


def test_feature_dropout_needs_two_dims():
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        F.feature_alpha_dropout(ember.ones(5), 0.5, True)
    with pytest.raises(RuntimeError):
        torch.nn.functional.feature_alpha_dropout(torch.ones(5), 0.5, True)


@pytest.mark.parametrize("name", ["AlphaDropout", "FeatureAlphaDropout"])
def test_modules(name):
    e, t = getattr(nn, name)(0.25), getattr(torch.nn, name)(0.25)
    assert repr(e) == repr(t)
    x = ember.randn(3, 4, 5)
    e.eval()
    assert e(x) is x
    e.train()
    assert e(x).shape == (3, 4, 5) and not np.array_equal(e(x).numpy(), x.numpy())
