"""std is one node (StdBackward0) with torch's gradient where the input is constant (0, not
nan) and where no degrees of freedom are left (var's and std's inf and nan, and torch's
warning); and a retained gradient keeps its graph under create_graph (CloneBackward0, then
AddBackward0), as torch's does. Everything against torch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from tolerances import REDUCTION, TOLERANCES

INPUTS = {
    "plain": [[1.0, 2.0, 4.0], [0.5, -1.0, 3.0]],
    "constant-row": [[1.0, 2.0, 4.0], [3.0, 3.0, 3.0]],
    "all-constant": [[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]],
    "one-column": [[1.0], [2.0]],
}
CALLS = {
    "std()": lambda x: x.std(),
    "std(1)": lambda x: x.std(1),
    "std(0, keepdim)": lambda x: x.std(0, keepdim=True),
    "std(-1, correction=0)": lambda x: x.std(-1, correction=0),
    "std((0, 1), correction=2)": lambda x: x.std((0, 1), correction=2),
    "std(unbiased=False)": lambda x: x.std(unbiased=False),
    "std(1, correction=3)": lambda x: x.std(1, correction=3),
    "std(correction=6)": lambda x: x.std(correction=6),
    "var(1, correction=3)": lambda x: x.var(1, correction=3),
    "var(correction=6)": lambda x: x.var(correction=6),
    "var(1, correction=4)": lambda x: x.var(1, correction=4),
    "var(correction=7)": lambda x: x.var(correction=7),
}


def _run(lib, values, call, dtype):
    x = lib.tensor(values, dtype=dtype, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = call(x)
        weights = lib.linspace(-1.0, 2.0, y.numel(), dtype=dtype).reshape(tuple(y.shape))
        y.backward(weights)
    return y.grad_fn.name(), y.detach().numpy(), x.grad.numpy()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize("values", INPUTS.values(), ids=INPUTS.keys())
def test_values_gradients_and_node_match_torch(values, call, dtype):
    rtol, atol = TOLERANCES[REDUCTION][dtype]
    en, ey, eg = _run(ember, values, call, getattr(ember, dtype))
    tn, ty, tg = _run(torch, values, call, getattr(torch, dtype))
    assert en == tn
    assert ey.shape == ty.shape and ey.dtype == ty.dtype
    np.testing.assert_allclose(ey, ty, rtol=rtol, atol=atol)  # nan and inf where torch has them
    np.testing.assert_allclose(eg, tg, rtol=rtol, atol=atol)


def test_float16_matches_torch():
    values = np.random.default_rng(0).standard_normal((8, 70)).astype(np.float16)
    out = {}
    for lib in (ember, torch):
        x = lib.tensor(values, requires_grad=True)
        y = x.std(1)
        y.backward(lib.ones_like(y))
        out[lib] = (y.detach().numpy(), x.grad.numpy())
    np.testing.assert_array_equal(out[ember][0], out[torch][0])
    np.testing.assert_allclose(out[ember][1], out[torch][1], rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("name, call", [("var", lambda x: x.var(correction=3)), ("std", lambda x: x.std(1, correction=3))])
def test_no_degrees_of_freedom_warns_as_torch(name, call):
    for lib in (ember, torch):
        with pytest.warns(UserWarning, match=rf"{name}\(\): degrees of freedom is <= 0"):
            call(lib.tensor([[1.0, 2.0, 4.0]]))


def test_second_derivatives_match_torch():
    def derivatives(lib):
        x = lib.tensor(INPUTS["constant-row"], dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(x.std(1).sum(), x, create_graph=True)
        (g2,) = lib.autograd.grad((g * g).sum(), x)
        return g.detach().numpy(), g2.numpy()

    for e, t in zip(derivatives(ember), derivatives(torch)):
        np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-13)


def test_gradcheck_and_gradgradcheck():
    x = ember.tensor(np.random.default_rng(1).standard_normal((3, 4)), requires_grad=True)
    for f in (lambda x: x.std(1), lambda x: x.std(), lambda x: x.std(0, correction=0, keepdim=True)):
        assert gradcheck(f, (x,))
        assert gradgradcheck(f, (x,))


def _retained(lib, create_graph):
    a = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
    b = a * 2
    b.retain_grad()
    (b * b).sum().backward(retain_graph=True, create_graph=create_graph)
    first = (b.grad.detach().numpy().copy(), None if b.grad.grad_fn is None else b.grad.grad_fn.name())
    (b * b * b).sum().backward(create_graph=create_graph)
    second = (b.grad.detach().numpy().copy(), None if b.grad.grad_fn is None else b.grad.grad_fn.name())
    through = lib.autograd.grad(b.grad.sum(), a)[0].numpy() if create_graph else None
    return first, second, through


@pytest.mark.parametrize("create_graph", [False, True])
def test_retained_grad_keeps_its_graph_under_create_graph(create_graph):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns about the parameter-gradient cycle
        ours, theirs = _retained(ember, create_graph), _retained(torch, create_graph)
    for (ev, en), (tv, tn) in zip(ours[:2], theirs[:2]):
        assert en == tn
        np.testing.assert_allclose(ev, tv, rtol=1e-12)
    if create_graph:
        np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-12)
