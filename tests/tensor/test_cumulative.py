"""prod and cumprod over inputs with zeros, where their gradients cannot divide by the input, and
0-d inputs (cumsum's too): first, second and third derivatives against torch (float64), and
finite differences."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck

INPUTS = {
    "no-zero": [[1.5, -2.0, 3.0], [0.5, 4.0, -1.0]],
    "one-zero": [[1.5, 0.0, 3.0], [0.5, 4.0, -1.0]],
    "two-zeros-in-a-row": [[0.0, 2.0, 0.0], [0.5, 4.0, -1.0]],
    "zeros-in-two-rows": [[1.5, 0.0, 3.0], [0.0, 4.0, -1.0]],
    "all-zeros": [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]],
}

CALLS = {
    "prod": lambda lib, x: x.prod(),
    "prod-dim0": lambda lib, x: x.prod(0),
    "prod-dim1": lambda lib, x: lib.prod(x, 1),
    "prod-keepdim": lambda lib, x: x.prod(-1, keepdim=True),
    "prod-of-a-column": lambda lib, x: x[:, 1].prod(),
    "cumprod-dim0": lambda lib, x: x.cumprod(0),
    "cumprod-dim1": lambda lib, x: lib.cumprod(x, 1),
    "cumprod-flat": lambda lib, x: x.reshape(-1).cumprod(-1),
}


def _derivatives(lib, fn, values, order=3):
    """The output and its first `order` derivatives, each weighted by a fixed tensor before the
    next (a derivative that no longer depends on x is all zeros)."""
    x = lib.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)
    out = fn(lib, x)
    results, current = [out.detach().numpy()], out
    for k in range(order):
        if not current.requires_grad:
            results.append(np.zeros(x.shape))
            continue
        weights = lib.tensor(np.linspace(0.5, 1.5, current.numel()).reshape(tuple(current.shape)))
        (current,) = lib.autograd.grad((current * weights).sum(), x, create_graph=k < order - 1)
        results.append(current.detach().numpy())
    return results


@pytest.mark.parametrize("values", INPUTS.values(), ids=INPUTS.keys())
@pytest.mark.parametrize("fn", CALLS.values(), ids=CALLS.keys())
def test_derivatives_match_torch(fn, values):
    ours, theirs = _derivatives(ember, fn, values), _derivatives(torch, fn, values)
    for k, (e, t) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-13, err_msg=f"derivative {k}")


@pytest.mark.parametrize("values", INPUTS.values(), ids=INPUTS.keys())
@pytest.mark.parametrize("fn", CALLS.values(), ids=CALLS.keys())
def test_finite_differences(fn, values):
    x = ember.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)
    assert gradcheck(lambda t: fn(ember, t), (x,))
    assert gradgradcheck(lambda t: fn(ember, t), (x,))


@pytest.mark.parametrize("values", [0.0, -2.5], ids=["zero", "nonzero"])
@pytest.mark.parametrize(
    "fn",
    [CALLS["prod"], lambda lib, x: x.prod(0), lambda lib, x: x.cumprod(-1), lambda lib, x: x.cumsum(0)],
    ids=["prod", "prod-dim0", "cumprod", "cumsum"],
)
def test_a_0d_input_matches_torch(fn, values):
    ours, theirs = _derivatives(ember, fn, values), _derivatives(torch, fn, values)
    for k, (e, t) in enumerate(zip(ours, theirs)):
        assert e.shape == t.shape
        np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-13, err_msg=f"derivative {k}")


def test_cumprod_records_torch_node_and_casts_with_dtype():
    x = ember.tensor([1.0, 2.0, 0.0], requires_grad=True)
    assert x.cumprod(0).grad_fn.name() == torch.tensor([1.0], requires_grad=True).cumprod(0).grad_fn.name()
    assert ember.cumprod(x, 0, dtype=ember.float64).dtype == ember.float64
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.cumprod(1)


def test_cumprod_gradient_with_zeros_on_a_long_input_matches_torch():
    rng = np.random.default_rng(0)
    a = rng.uniform(-2, 2, size=(4, 50))
    a[rng.random(a.shape) < 0.1] = 0.0
    w = rng.uniform(-1, 1, size=a.shape)
    grads = []
    for lib in (ember, torch):
        x = lib.tensor(a, requires_grad=True)
        (x.cumprod(1) * lib.tensor(w)).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(*grads, rtol=1e-10, atol=1e-13)
