"""NaN where torch gives it a meaning: relu passes the gradient at a NaN output, sign(NaN) is 0
(so abs' and norm(1)'s gradients there are 0), softplus' gradient at NaN is NaN, a remainder's
gradient for its divisor floor-divides as Python does at infinities (3 // -inf is -1),
max()/min() over all elements share the gradient among the NaNs they return while amax/amin
give NaN gradients, and a descending sort (topk, argsort) puts NaN first. Values and gradients
against torch, float64 and float32, NaN and inf in the same places."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember

from .conftest import TOLERANCE

NAN, INF = float("nan"), float("inf")
VALUES = [NAN, INF, -INF, 0.0, 1.0, -2.0, NAN, -0.0, 1.0, 3.0, -1.0, 2.5]  # no tie among the top 4: torch leaves their order unspecified

CALLS = {
    "relu": lambda lib, x: lib.relu(x),
    "relu-of-reshape": lambda lib, x: lib.nn.functional.relu(x.reshape(3, 4)),
    "abs": lambda lib, x: x.abs(),
    "sign": lambda lib, x: x.sign(),
    "norm(1)": lambda lib, x: x.norm(1),
    "max()": lambda lib, x: x.max(),
    "min()": lambda lib, x: x.min(),
    "max() of a row with one NaN": lambda lib, x: x[5:].max(),
    "amax(1)": lambda lib, x: x.reshape(3, 4).amax(1),
    "amin(1)": lambda lib, x: x.reshape(3, 4).amin(1),
    "max(1)": lambda lib, x: x.reshape(3, 4).max(1).values,
    "sort(descending)": lambda lib, x: x.sort(descending=True).values,
    "sort(descending, stable) indices": lambda lib, x: x.sort(descending=True, stable=True).indices,
    "sort(1, descending)": lambda lib, x: x.reshape(3, 4).sort(1, descending=True).values,
    "sort()": lambda lib, x: x.sort().values,
    "topk(4)": lambda lib, x: x.topk(4).values,
    "topk(4) indices": lambda lib, x: x.topk(4).indices,
    "argsort(descending)": lambda lib, x: x.reshape(3, 4).argsort(1, descending=True),
    "argmax": lambda lib, x: x.argmax(),
    "softplus": lambda lib, x: lib.nn.functional.softplus(x),
    "remainder by x": lambda lib, x: lib.linspace(-5.0, 6.0, 12, dtype=x.dtype) % x,
}


def _run(lib, call, dtype):
    x = lib.tensor(VALUES, dtype=dtype, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = call(lib, x)
        if y.requires_grad:
            y.backward(lib.arange(1, y.numel() + 1, dtype=dtype).reshape(tuple(y.shape)))
    return y.detach().numpy(), None if x.grad is None else x.grad.numpy()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_matches_torch(call, dtype):
    rtol, atol = TOLERANCE[dtype]
    (ey, eg), (ty, tg) = _run(ember, call, getattr(ember, dtype)), _run(torch, call, getattr(torch, dtype))
    assert ey.shape == ty.shape and ey.dtype == ty.dtype
    np.testing.assert_allclose(ey, ty, rtol=rtol, atol=atol)  # NaN and inf where torch has them
    assert (eg is None) == (tg is None)
    if eg is not None:
        np.testing.assert_allclose(eg, tg, rtol=rtol, atol=atol)


def test_integer_sign_is_unchanged():
    assert ember.tensor([3, -2, 0]).sign().tolist() == torch.tensor([3, -2, 0]).sign().tolist()
    assert ember.tensor([3, -2, 0]).sign().dtype == ember.int64
