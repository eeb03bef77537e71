"""The in-place forms of the basic unary ops and of cumsum/cumprod (`x.sin_()`...): the same
values, gradients and node names as torch's, the version bumped."""

import numpy as np
import pytest
import torch

import ember

CASES = [("abs", ()), ("ceil", ()), ("cos", ()), ("floor", ()), ("log", ()), ("reciprocal", ()), ("sin", ()),
         ("sqrt", ()), ("tan", ()), ("neg", ()), ("cumsum", (1,)), ("cumprod", (0,))]
DIFFERENTIABLE = {"cos", "log", "reciprocal", "sin", "sqrt", "tan", "neg", "abs", "cumsum", "cumprod"}


def _run(lib, name, args):
    base = lib.tensor([[0.5, 2.25], [3.0, -4.5]], dtype=lib.float64, requires_grad=True)
    x = base * 1.5
    version = x._version
    out = getattr(x, name + "_")(*args)
    assert out is x and x._version == version + 1
    if name in DIFFERENTIABLE:
        (x * lib.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=lib.float64)).sum().backward()
    grad = None if base.grad is None else base.grad.numpy()
    return x.detach().numpy().copy(), grad, type(x.grad_fn).__name__ if x.grad_fn is not None else None


@pytest.mark.parametrize("name, args", CASES, ids=[c[0] for c in CASES])
def test_inplace_forms_match_torch(name, args):
    value, grad, node = _run(ember, name, args)
    t_value, t_grad, t_node = _run(torch, name, args)
    np.testing.assert_allclose(value, t_value, rtol=1e-12, atol=0)
    assert (grad is None) == (t_grad is None) and node == t_node
    if grad is not None:
        np.testing.assert_allclose(grad, t_grad, rtol=1e-12, atol=0)


def test_a_leaf_that_requires_grad_refuses_them():
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        ember.ones(2, requires_grad=True).sin_()
