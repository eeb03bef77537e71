"""InstanceNorm1d/2d/3d, RMSNorm and LocalResponseNorm (and F.instance_norm, F.rms_norm,
F.local_response_norm) against torch: outputs and every gradient with the same weights,
running statistics in training and their use in evaluation, gradcheck, reprs and errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck

from .conftest import TOLERANCE, compare_layer, same_repr

LAYERS = {
    "instance1d": (lambda m: m.InstanceNorm1d(3), (2, 3, 5)),
    "instance1d_affine_unbatched": (lambda m: m.InstanceNorm1d(3, affine=True), (3, 7)),
    "instance2d_affine": (lambda m: m.InstanceNorm2d(4, affine=True), (2, 4, 3, 5)),
    "instance2d_tracked": (lambda m: m.InstanceNorm2d(3, affine=True, track_running_stats=True, momentum=0.3), (3, 3, 4, 4)),
    "instance3d": (lambda m: m.InstanceNorm3d(2, eps=1e-3, affine=True), (2, 2, 3, 2, 4)),
    "rms": (lambda m: m.RMSNorm(5), (2, 3, 5)),
    "rms_2d_eps": (lambda m: m.RMSNorm((3, 4), eps=1e-3), (2, 3, 4)),
    "rms_no_affine": (lambda m: m.RMSNorm(4, elementwise_affine=False), (3, 4)),
    "lrn": (lambda m: m.LocalResponseNorm(3), (2, 5, 7)),
    "lrn_even_4d": (lambda m: m.LocalResponseNorm(2, alpha=0.5, beta=0.6, k=2.0), (2, 4, 3, 5)),
    "lrn_5d": (lambda m: m.LocalResponseNorm(4, alpha=1.0), (1, 6, 2, 3, 2)),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("name", list(LAYERS))
def test_layers_match_torch(name, train, dtype):
    make, shape = LAYERS[name]
    e, t = make(nn), make(torch.nn)
    e.train(train)
    t.train(train)
    if not train and getattr(t, "running_mean", None) is not None:
        t.running_mean.uniform_(-1, 1)
        t.running_var.uniform_(0.5, 2)
    compare_layer(e, t, [shape], dtype)
    for name_, buffer in t.named_buffers():
        np.testing.assert_allclose(dict(e.named_buffers())[name_].numpy(), buffer.numpy(), rtol=TOLERANCE[dtype][0], err_msg=name_)
    same_repr(e, t)


def test_gradcheck():
    rng = np.random.default_rng(0)
    x = ember.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    w = ember.tensor(rng.standard_normal(3), requires_grad=True)
    b = ember.tensor(rng.standard_normal(3), requires_grad=True)
    w4 = ember.tensor(rng.standard_normal(4), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.instance_norm(x, weight=w, bias=b), (x, w, b))
    assert gradgradcheck(lambda x, w, b: F.instance_norm(x, weight=w, bias=b), (x, w, b))
    assert gradcheck(lambda x, w: F.rms_norm(x, (4,), w), (x, w4))
    assert gradgradcheck(lambda x, w: F.rms_norm(x, (4,), w), (x, w4))
    assert gradcheck(lambda x: F.local_response_norm(x, 2, alpha=0.5), (x,))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_rms_norm_default_eps_is_machine_epsilon(dtype):
    x = np.full((1, 3), 1e-5, dtype=dtype)
    e = F.rms_norm(ember.tensor(x), (3,))
    t = torch.nn.functional.rms_norm(torch.tensor(x), (3,))
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=TOLERANCE[dtype][0])


def test_errors():
    with pytest.raises(ValueError, match="expected 3D or 4D input"):
        nn.InstanceNorm2d(3)(ember.ones(3, 4))
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        F.instance_norm(ember.ones(2, 3, 1))
    with pytest.raises(ValueError, match="to match num_features"):
        nn.InstanceNorm1d(3, affine=True)(ember.ones(2, 4, 5))
    with pytest.raises(RuntimeError, match="normalized_shape"):
        F.rms_norm(ember.ones(2, 3), (4,))
    with pytest.raises(ValueError, match="3D or higher"):
        F.local_response_norm(ember.ones(2, 3), 2)
