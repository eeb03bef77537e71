"""torch.ormqr: op(Q) C and C op(Q) for geqrf's reflectors against torch (left/right, transpose,
batches, wide and tall inputs, empty), the gradients in the reflectors, tau and C, and torch's
errors."""

from __future__ import annotations

import itertools
from typing import Callable

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from tolerances import REDUCTION, TOLERANCES

RNG = np.random.default_rng(0)
CASES = list(itertools.product([(), (2,), (2, 1)], [(5, 5), (5, 2), (2, 5), (0, 2), (2, 0)], [True, False], [True, False]))


def _inputs(batch, m, n, left, lib, dtype):
    x = torch.tensor(RNG.standard_normal((*batch, m, n)), dtype=getattr(torch, dtype))
    a, tau = torch.geqrf(x)
    other = RNG.standard_normal((*batch, *((m, n) if left else (n, m))))
    return [lib.tensor(np.asarray(v.numpy() if hasattr(v, "numpy") else v, dtype=dtype), requires_grad=True)
            for v in (a, tau, other)]


@pytest.mark.parametrize("batch, shape, left, transpose", CASES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_and_gradients_match_torch(batch, shape, left, transpose, dtype):
    rtol, atol = TOLERANCES[REDUCTION][dtype]
    state = RNG.bit_generator.state
    ours = _inputs(batch, *shape, left, ember, dtype)
    RNG.bit_generator.state = state
    theirs = _inputs(batch, *shape, left, torch, dtype)
    out_e = ember.ormqr(*ours, left=left, transpose=transpose)
    out_t = torch.ormqr(*theirs, left=left, transpose=transpose)
    assert tuple(out_e.shape) == tuple(out_t.shape) and out_e.dtype.name == dtype
    np.testing.assert_allclose(out_e.detach().numpy(), out_t.detach().numpy(), rtol=rtol, atol=atol)
    weights = RNG.standard_normal(tuple(out_t.shape)).astype(dtype)
    (out_e * ember.tensor(weights)).sum().backward()
    (out_t * torch.tensor(weights)).sum().backward()
    for e, t in zip(ours, theirs):
        assert (e.grad is None) == (t.grad is None)  # torch's: none for reflectors that are not used
        if t.grad is not None:
            np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=10 * atol)


@pytest.mark.parametrize("left, transpose", [(True, False), (False, True)])
def test_gradcheck(left, transpose):
    a, tau = ember.geqrf(ember.tensor(RNG.standard_normal((4, 3))))
    other = ember.tensor(RNG.standard_normal((4, 3) if left else (3, 4)))
    a, tau, other = (v.detach().requires_grad_() for v in (a, tau, other))
    fn = lambda x, t, c: ember.ormqr(x, t, c, left, transpose)
    assert gradcheck(fn, (a, tau, other))
    assert gradgradcheck(fn, (a, tau, other))


def test_tensor_method_and_q_identity():
    """ormqr(A, tau, I) is the complete Q of the QR factorization."""
    x = RNG.standard_normal((4, 3))
    a, tau = ember.geqrf(ember.tensor(x))
    q = a.ormqr(tau, ember.eye(4, dtype=ember.float64))
    np.testing.assert_allclose((q[:, :3] @ a[:3].triu()).numpy(), x, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("call", [
    lambda m: m.ormqr(m.randn(()), m.randn(()), m.randn(())),
    lambda m: m.ormqr(m.ones(5, 0), m.ones(5), m.ones(5, 5), True, True),
    lambda m: m.ormqr(m.randn(3, 2), m.randn(2), m.randn(4, 3)),
    lambda m: m.ormqr(m.randn(3, 2), m.randn(3), m.randn(3, 3)),
    lambda m: m.ormqr(m.randn(3, 2), m.randn(2, 1), m.randn(3, 3)),
    lambda m: m.ormqr(m.randn(3, 2), m.randn(2), m.randn(3)),
    lambda m: m.ormqr(m.randn(2, 3, 2), m.randn(3, 2), m.randn(2, 3, 3)),
    lambda m: m.ormqr(m.randn(3, 2), m.randn(1), m.randn(3, 3)),
])
def test_errors_match_torch(call: Callable) -> None:
    """torch's type and message (ember's adds the shapes after it)."""
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(type(expected.value)) as got:
        call(ember)
    assert str(got.value).startswith(str(expected.value).split("\n")[0])
