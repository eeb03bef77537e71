"""The p-norm's first and second derivatives for p other than 1, 2 and inf, against torch: torch
groups the rule as sign(x) |x|^(p-1) * dy * ||x||^(1-p) for p < 1 (0 where x = 0) and
x|x|^(p-2) or sign(x)|x|^(p-1) times dy / ||x||^(p-1) otherwise; second derivatives that cancel to
rounding residue (F.normalize at p = 0.5) follow that grouping."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck
from tolerances import REDUCTION, TOLERANCES

P = [0.5, -1.0, 1.5, 3.0]


def _grads(lib, fn, x, dy, ddx):
    t = lib.tensor(x, requires_grad=True)
    out = fn(lib, t)
    (g,) = lib.autograd.grad(out, t, lib.tensor(dy), create_graph=True)
    (gg,) = lib.autograd.grad(g, t, lib.tensor(ddx))
    return out.detach().numpy(), g.detach().numpy(), gg.numpy()


@pytest.mark.parametrize("p", P)
@pytest.mark.parametrize("case", ["norm", "normalize"])
def test_first_and_second_derivatives_match_torch(p, case):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 4, 5))
    x[0, 1, 2] = 0.0
    if case == "norm":
        fn = lambda lib, t: t.norm(p, dim=1, keepdim=True)  # noqa: E731
    else:
        fn = lambda lib, t: (torch.nn.functional if lib is torch else F).normalize(t, p=p, dim=0)  # noqa: E731
    shape = fn(torch, torch.tensor(x)).shape
    dy, ddx = rng.standard_normal(tuple(shape)), rng.standard_normal(x.shape)
    rtol, atol = TOLERANCES[REDUCTION]["float64"]
    for got, want in zip(_grads(ember, fn, x, dy, ddx), _grads(torch, fn, x, dy, ddx)):
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


@pytest.mark.parametrize("p", P)
def test_gradcheck(p):
    x = ember.randn(3, 4, dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda t: t.norm(p, dim=1), (x,))
    assert gradgradcheck(lambda t: t.norm(p, dim=1), (x,))
