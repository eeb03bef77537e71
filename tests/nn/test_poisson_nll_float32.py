"""poisson_nll_loss in float32 where e^x - t x cancels: torch's float32 exp rounds e^x once, and
ember's does too, so the loss agrees to the float32 contract even where it is small."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from tolerances import REDUCTION, TOLERANCES


@pytest.mark.parametrize("full", [False, True])
def test_float32_loss_and_gradient_match_torch(full):
    rng = np.random.default_rng(3)
    x = (rng.standard_normal(20000) * 3).astype(np.float32)
    t = rng.integers(0, 10, 20000).astype(np.float32)
    tx = torch.tensor(x, requires_grad=True)
    expected = torch.nn.functional.poisson_nll_loss(tx, torch.tensor(t), full=full, reduction="none")
    ex = ember.tensor(x, requires_grad=True)
    actual = F.poisson_nll_loss(ex, ember.tensor(t), full=full, reduction="none")
    assert actual.dtype == ember.float32
    rtol, atol = TOLERANCES[REDUCTION]["float32"]
    np.testing.assert_allclose(actual.detach().numpy(), expected.detach().numpy(), rtol=rtol, atol=atol)
    cotangent = rng.standard_normal(20000).astype(np.float32)
    expected.backward(torch.tensor(cotangent))
    actual.backward(ember.tensor(cotangent))
    assert ex.grad.dtype == ember.float32
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=rtol, atol=atol)
