"""The functional activations of `nn/functional/{shrink,rectifier}.py` against torch: values and
gradients at their kinks (the points where the slope changes), in-place forms, rrelu in both
modes, gradcheck, gradgradcheck, and torch's errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck
from tolerances import TOLERANCES, TRANSCENDENTAL

KINKS = np.array([-4.0, -3.0, -2.5, -1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 2.5, 3.0, 4.0, -30.0, 30.0])

FUNCTIONS = {
    "hardswish": ({}, {}),
    "hardsigmoid": ({}, {}),
    "logsigmoid": ({}, {}),
    "softsign": ({}, {}),
    "tanhshrink": ({}, {}),
    "softshrink": ({}, {"lambd": 1.0}),
    "hardshrink": ({}, {"lambd": 0.25}),
    "threshold": ({"threshold": 0.5, "value": -2.0}, None),
    "celu": ({}, {"alpha": 0.5}),
    "rrelu": ({}, {"lower": 0.2, "upper": 0.4}),
    "relu6": ({}, {}),
    "silu": ({}, {}),
    "mish": ({}, {}),
}
CASES = [(name, kw) for name, (base, extra) in FUNCTIONS.items() for kw in ([base] + ([extra] if extra else []))]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name,kwargs", CASES)
def test_values_and_gradients_at_kinks(name: str, kwargs: dict, dtype: str) -> None:
    rtol, atol = TOLERANCES[TRANSCENDENTAL][dtype]
    x = KINKS.astype(dtype)
    e, t = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    e_out, t_out = getattr(F, name)(e, **kwargs), getattr(TF, name)(t, **kwargs)
    assert e_out.dtype.name == dtype
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=rtol, atol=atol)
    upstream = np.linspace(-1, 2, x.size).astype(dtype)
    e_out.backward(ember.tensor(upstream))
    t_out.backward(torch.tensor(upstream))
    np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name,kwargs", [c for c in CASES if c[0] not in ("logsigmoid", "softsign", "tanhshrink", "softshrink", "hardshrink")])
def test_inplace(name: str, kwargs: dict) -> None:
    x = KINKS.copy()
    e_leaf, t_leaf = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    e, t = e_leaf * 1.5, t_leaf * 1.5
    e_out, t_out = getattr(F, name)(e, **kwargs, inplace=True), getattr(TF, name)(t, **kwargs, inplace=True)
    assert e_out is e
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-12)
    e_out.sum().backward()
    t_out.sum().backward()
    # torch's in-place celu differentiates from its result (slope y/alpha + 1), which is 0 where
    # e^(x/alpha) < 1e-16; ember's slope is e^(x/alpha) itself
    np.testing.assert_allclose(e_leaf.grad.numpy(), t_leaf.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_rrelu_training_draws_slopes_from_embers_generator() -> None:
    x = ember.tensor(np.linspace(-3, 3, 200), requires_grad=True)
    ember.manual_seed(3)
    y = F.rrelu(x, 0.1, 0.3, training=True)
    ember.manual_seed(3)
    assert np.array_equal(F.rrelu(x, 0.1, 0.3, training=True).detach().numpy(), y.detach().numpy())
    slope = y.detach().numpy() / x.detach().numpy()
    negative = x.detach().numpy() < 0
    assert ((slope[negative] >= 0.1) & (slope[negative] <= 0.3)).all() and np.unique(slope[negative]).size > 50
    assert (slope[~negative] == 1).all()
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), slope, rtol=1e-15)


def test_rrelu_module_modes() -> None:
    module = nn.RReLU(0.1, 0.3)
    x = ember.tensor([-2.0, 1.0])
    assert module.eval()(x).tolist() == pytest.approx([-0.4, 1.0])
    assert repr(nn.RReLU(inplace=True)) == repr(torch.nn.RReLU(inplace=True))


@pytest.mark.parametrize("name,kwargs", CASES + [("glu", {}), ("softmin", {"dim": 1})])
def test_gradcheck(name: str, kwargs: dict) -> None:
    # away from every kink (0, +-0.25, +-0.5, +-1, +-3), where a finite difference straddles a jump in slope
    values = np.array([-3.7, -2.2, -1.6, -0.8, -0.4, -0.1, 0.15, 0.35, 0.7, 1.8, 2.6, 3.4]).reshape(3, 4)
    x = ember.tensor(values, requires_grad=True)
    fn = (lambda v: F.rrelu(v, training=False)) if name == "rrelu" else (lambda v: getattr(F, name)(v, **kwargs))
    assert gradcheck(fn, (x,))
    if name not in ("threshold", "hardshrink", "relu6", "hardsigmoid"):
        assert gradgradcheck(fn, (x,))


def test_prelu_and_glu_against_torch() -> None:
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((2, 3, 4)), rng.standard_normal(3)
    e_x, e_w = ember.tensor(x, requires_grad=True), ember.tensor(w, requires_grad=True)
    t_x, t_w = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    e_out, t_out = F.prelu(e_x, e_w), TF.prelu(t_x, t_w)
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-12)
    e_out.sum().backward()
    t_out.sum().backward()
    np.testing.assert_allclose(e_w.grad.numpy(), t_w.grad.numpy(), rtol=1e-12)
    for dim in (0, 2, -1):
        y = rng.standard_normal((4, 3, 6))
        np.testing.assert_allclose(F.glu(ember.tensor(y), dim).numpy(), TF.glu(torch.tensor(y), dim).numpy(), rtol=1e-12)


ERRORS = [
    (lambda f: f.celu(f_x(f), 0.0), RuntimeError),
    (lambda f: f.softshrink(f_x(f), -1.0), RuntimeError),
    (lambda f: f.glu(f_x(f).reshape(1, 3)), RuntimeError),
    (lambda f: f.prelu(f_x(f).reshape(1, 3), f_x(f)[:2]), RuntimeError),
    (lambda f: f.prelu(f_x(f).reshape(1, 3), f_x(f).reshape(3, 1)), RuntimeError),
    (lambda f: f.rrelu(f_x(f), 0.5, 0.1, True), RuntimeError),
]


def f_x(f: object) -> object:
    return (ember if f is F else torch).tensor([1.0, -2.0, 3.0])


@pytest.mark.parametrize("call,error", ERRORS)
def test_errors_match_torch(call, error) -> None:
    with pytest.raises(error) as ours:
        call(F)
    with pytest.raises(error) as theirs:
        call(TF)
    assert str(ours.value) == str(theirs.value)


def test_softmax2d_rejects_2d() -> None:
    with pytest.raises(ValueError, match="expected input to be 3D or 4D, got 2D"):
        nn.Softmax2d()(ember.zeros(2, 2))
