"""Conv3d and ConvTranspose3d (and F.conv3d, F.conv_transpose3d) against torch: the same weights
both ways, outputs and every gradient over strides, paddings, dilations, groups, output_padding
and every padding_mode; gradcheck and double backward; repr and output_size."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck
from tolerances import FLOAT32_LONG_SUM

from .conftest import TOLERANCE, compare_layer, same_repr

DTYPES = ["float64", "float32"]

CONV3D = {
    "plain": (lambda m: m.Conv3d(2, 3, 3), (2, 2, 5, 4, 6)),
    "stride_pad_dilation": (lambda m: m.Conv3d(2, 4, (2, 3, 2), stride=(2, 1, 3), padding=(1, 2, 0), dilation=(1, 2, 2)), (2, 2, 6, 7, 8)),
    "groups_no_bias": (lambda m: m.Conv3d(4, 6, 2, groups=2, bias=False), (1, 4, 4, 3, 5)),
    "same": (lambda m: m.Conv3d(2, 2, (4, 3, 2), padding="same", dilation=(1, 2, 1)), (2, 2, 5, 6, 4)),
    "reflect": (lambda m: m.Conv3d(2, 3, 3, padding=1, padding_mode="reflect"), (2, 2, 4, 5, 4)),
    "replicate": (lambda m: m.Conv3d(2, 3, 3, padding=(1, 2, 1), padding_mode="replicate"), (1, 2, 4, 5, 4)),
    "circular": (lambda m: m.Conv3d(2, 3, 3, stride=2, padding=1, padding_mode="circular"), (2, 2, 5, 4, 6)),
    "unbatched": (lambda m: m.Conv3d(3, 2, 2, stride=2), (3, 5, 4, 4)),
}
CONV_TRANSPOSE3D = {
    "plain": (lambda m: m.ConvTranspose3d(2, 3, 3), (2, 2, 3, 4, 2)),
    "stride_pad_outpad": (lambda m: m.ConvTranspose3d(2, 2, 3, stride=(2, 3, 2), padding=1, output_padding=(1, 2, 0)), (2, 2, 3, 3, 4)),
    "groups_dilation": (lambda m: m.ConvTranspose3d(4, 6, 2, groups=2, dilation=2, bias=False), (1, 4, 3, 2, 3)),
    "unbatched": (lambda m: m.ConvTranspose3d(2, 3, 2, stride=2), (2, 3, 2, 3)),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(CONV3D))
def test_conv3d_matches_torch(name, dtype):
    make, shape = CONV3D[name]
    tolerance = FLOAT32_LONG_SUM if dtype == "float32" else None  # the weight gradient sums N * D * H * W products
    compare_layer(make(nn), make(torch.nn), [shape], dtype, tolerance=tolerance)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(CONV_TRANSPOSE3D))
def test_conv_transpose3d_matches_torch(name, dtype):
    make, shape = CONV_TRANSPOSE3D[name]
    tolerance = FLOAT32_LONG_SUM if dtype == "float32" else None
    compare_layer(make(nn), make(torch.nn), [shape], dtype, direction="ember->torch", tolerance=tolerance)


@pytest.mark.parametrize("name", list(CONV3D) + ["transpose"])
def test_repr_matches_torch(name):
    make = CONV3D[name][0] if name in CONV3D else (lambda m: m.ConvTranspose3d(4, 6, (2, 3, 1), stride=2, output_padding=1, groups=2))
    same_repr(make(nn), make(torch.nn))


def test_output_size_picks_output_padding():
    e, t = nn.ConvTranspose3d(2, 3, 3, stride=2, padding=1), torch.nn.ConvTranspose3d(2, 3, 3, stride=2, padding=1)
    x = np.ones((1, 2, 3, 4, 3))
    size = [6, 8, 5]
    assert tuple(e(ember.tensor(x, dtype=ember.float32), output_size=size).shape) == tuple(
        t(torch.tensor(x, dtype=torch.float32), output_size=size).shape
    )


def test_gradcheck_and_gradgradcheck():
    rng = np.random.default_rng(1)
    x = ember.tensor(rng.standard_normal((1, 2, 3, 4, 3)), requires_grad=True)
    w = ember.tensor(rng.standard_normal((2, 1, 2, 2, 2)), requires_grad=True)
    b = ember.tensor(rng.standard_normal(2), requires_grad=True)
    conv = lambda x, w, b: F.conv3d(x, w, b, stride=(1, 2, 1), padding=1, groups=2)
    transposed = lambda x, w, b: F.conv_transpose3d(x, w, b, stride=2, output_padding=1, groups=2)
    for f in (conv, transposed):
        assert gradcheck(f, (x, w, b))
        assert gradgradcheck(f, (x, w, b))


def test_functional_errors_match_torch():
    for fn in ("conv3d", "conv_transpose3d"):
        x, w = np.ones((1, 2, 3, 3)), np.ones((2, 2, 1, 1, 1))
        with pytest.raises(RuntimeError):
            getattr(torch.nn.functional, fn)(torch.tensor(x[0, 0]), torch.tensor(w))
        with pytest.raises(RuntimeError, match="Expected 4D"):
            getattr(F, fn)(ember.tensor(x[0, 0]), ember.tensor(w))
    with pytest.raises(RuntimeError, match="Kernel size can't be greater"):
        F.conv3d(ember.ones(1, 1, 2, 2, 2), ember.ones(1, 1, 3, 1, 1))
