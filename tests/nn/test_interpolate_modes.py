"""F.interpolate's modes nearest-exact, bicubic, area, trilinear and 3-d nearest against torch:
outputs at rtol 1e-12 in float64 (1e-5 in float32) and gradients, over odd sizes, upsampling and
downsampling, scale factors like 1.7 with and without recompute_scale_factor, align_corners;
gradcheck and gradgradcheck; the Upsample layers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck
from tolerances import EXACT, FLOAT32_LONG_SUM, REDUCTION, TOLERANCES

from .conftest import compare_layer, same_repr

SHAPES = {1: (2, 3, 7), 2: (2, 3, 5, 7), 3: (1, 2, 3, 5, 4)}
MODES = {"nearest": (1, 2, 3), "nearest-exact": (1, 2, 3), "area": (1, 2, 3), "bicubic": (2,), "trilinear": (3,)}
RESIZES = [
    dict(scale_factor=1.7), dict(scale_factor=0.6), dict(scale_factor=2.0), dict(scale_factor=1.7, recompute_scale_factor=True),
    dict(scale_factor=3.3), "up", "down",
]


def _size(nd: int, how: str) -> dict:
    return dict(size=(11, 9, 6)[:nd] if how == "up" else (4, 3, 2)[:nd])


CASES = [
    (mode, nd, resize, corners)
    for mode, dims in MODES.items() for nd in dims for resize in range(len(RESIZES))
    for corners in ((None, True, False) if mode in ("bicubic", "trilinear") else (None,))
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mode,nd,resize,corners", CASES)
def test_matches_torch(mode, nd, resize, corners, dtype):
    how = RESIZES[resize]
    kwargs = dict(how) if isinstance(how, dict) else _size(nd, how)
    kwargs.update(mode=mode, align_corners=corners)
    kind = EXACT if mode.startswith("nearest") else REDUCTION
    rtol, atol = TOLERANCES[kind][dtype]
    if mode == "bicubic" and dtype == "float32":
        # 16 taps with negative lobes cancel: torch's own float32 result is 2e-6 from its float64 one
        rtol, atol = FLOAT32_LONG_SUM
    x = np.random.default_rng(resize).uniform(-2, 2, SHAPES[nd]).astype(dtype)
    e_in, t_in = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    e_out, t_out = F.interpolate(e_in, **kwargs), torch.nn.functional.interpolate(t_in, **kwargs)
    assert tuple(e_out.shape) == tuple(t_out.shape)
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=rtol, atol=atol)
    grad = np.random.default_rng(9).standard_normal(tuple(t_out.shape)).astype(dtype)
    e_out.backward(ember.tensor(grad))
    t_out.backward(torch.tensor(grad))
    if not (mode == "bicubic" and dtype == "float32"):
        rtol, atol = TOLERANCES[REDUCTION][dtype]  # the gradient sums the taps that share an input
    np.testing.assert_allclose(e_in.grad.numpy(), t_in.grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("mode,shape", [("bicubic", (1, 2, 3, 4)), ("trilinear", (1, 1, 2, 3, 2)), ("area", (1, 2, 5, 4)),
                                        ("nearest-exact", (1, 2, 3, 3))])
def test_gradcheck(mode, shape):
    x = ember.tensor(np.random.default_rng(0).standard_normal(shape), requires_grad=True)
    f = lambda v: F.interpolate(v, scale_factor=1.7 if mode != "area" else 0.6, mode=mode)
    assert gradcheck(f, (x,))
    assert gradgradcheck(f, (x,))


@pytest.mark.parametrize("make,shape", [
    (lambda m: m.Upsample(scale_factor=1.7, mode="bicubic", align_corners=True), (1, 2, 4, 5)),
    (lambda m: m.Upsample(size=(4, 5, 3), mode="trilinear"), (1, 2, 3, 3, 2)),
    (lambda m: m.Upsample(scale_factor=2, mode="nearest-exact"), (1, 2, 3)),
    (lambda m: m.UpsamplingNearest2d(scale_factor=1.7), (1, 2, 3, 5)),
    (lambda m: m.UpsamplingBilinear2d(size=(5, 7)), (1, 2, 3, 4)),
])
def test_upsample_layer_matches_torch(make, shape):
    compare_layer(make(nn), make(torch.nn), [shape], "float64")
    same_repr(make(nn), make(torch.nn))


def test_mode_and_dims_errors_match_torch():
    for mode, shape in (("bicubic", (1, 1, 4)), ("trilinear", (1, 1, 4, 4))):
        with pytest.raises(NotImplementedError):
            torch.nn.functional.interpolate(torch.ones(shape), scale_factor=2, mode=mode)
        with pytest.raises(NotImplementedError, match=f"{mode} mode needs"):
            F.interpolate(ember.ones(*shape), scale_factor=2, mode=mode)
    with pytest.raises(ValueError, match="align_corners option"):
        F.interpolate(ember.ones(1, 1, 4), scale_factor=2, mode="area", align_corners=True)


@pytest.mark.parametrize("mode,shape", [("bicubic", (1, 1, 3, 3)), ("trilinear", (1, 1, 2, 2, 2)), ("nearest", (1, 1, 2, 2, 2)),
                                        ("nearest-exact", (1, 1, 3)), ("nearest-exact", (1, 1, 3, 3)),
                                        ("nearest-exact", (1, 1, 2, 2, 2))])
def test_node_names_match_torch(mode, shape):
    e = F.interpolate(ember.ones(*shape, requires_grad=True), scale_factor=2, mode=mode)
    t = torch.nn.functional.interpolate(torch.ones(shape, requires_grad=True), scale_factor=2, mode=mode)
    assert e.grad_fn.name() == t.grad_fn.name()
