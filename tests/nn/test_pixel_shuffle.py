"""pixel_shuffle, pixel_unshuffle, channel_shuffle and their layers against torch: values
(exact: pure rearrangements), gradients, reprs and torch's errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
import ember.nn.functional as F

from .conftest import compare_layer, same_repr

CASES = {
    "shuffle": (lambda m: m.PixelShuffle(2), (2, 12, 3, 4)),
    "shuffle_3": (lambda m: m.PixelShuffle(3), (9, 2, 5)),
    "shuffle_batch_dims": (lambda m: m.PixelShuffle(2), (2, 3, 4, 2, 3)),
    "unshuffle": (lambda m: m.PixelUnshuffle(2), (2, 3, 4, 6)),
    "unshuffle_3": (lambda m: m.PixelUnshuffle(3), (2, 3, 6)),
    "channel_shuffle": (lambda m: m.ChannelShuffle(3), (2, 6, 4, 3)),
    "channel_shuffle_1d": (lambda m: m.ChannelShuffle(2), (3, 4, 5)),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(CASES))
def test_layers_match_torch(name, dtype):
    make, shape = CASES[name]
    compare_layer(make(nn), make(torch.nn), [shape], dtype, tolerance=(0.0, 0.0))
    same_repr(make(nn), make(torch.nn))


def test_unshuffle_inverts_shuffle():
    x = ember.randn(2, 8, 3, 5)
    np.testing.assert_array_equal(F.pixel_unshuffle(F.pixel_shuffle(x, 2), 2).numpy(), x.numpy())


ERRORS = [
    ("pixel_shuffle", (1, 5, 2, 2), 2), ("pixel_shuffle", (4, 2), 2), ("pixel_shuffle", (1, 4, 2, 2), 0),
    ("pixel_unshuffle", (1, 1, 3, 4), 2), ("pixel_unshuffle", (1, 1, 4, 3), 2), ("pixel_unshuffle", (2, 2), 2),
    ("channel_shuffle", (1, 5, 2), 2), ("channel_shuffle", (1, 4, 2), 0), ("channel_shuffle", (4, 2), 2),
]


@pytest.mark.parametrize("fn,shape,factor", ERRORS)
def test_errors_match_torch(fn, shape, factor):
    with pytest.raises(RuntimeError) as expected:
        getattr(torch.nn.functional, fn)(torch.ones(shape), factor)
    with pytest.raises(RuntimeError) as got:
        getattr(F, fn)(ember.ones(*shape), factor)
    assert str(got.value) == str(expected.value)
