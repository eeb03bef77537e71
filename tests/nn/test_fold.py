"""Fold and Unfold (F.fold, F.unfold) against torch: values (exact: copies and sums of
columns), gradients, the adjoint identity, gradcheck, reprs and torch's errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck

from .conftest import compare_layer, same_repr

LAYERS = {
    "unfold": (lambda m: m.Unfold(2), (2, 3, 4, 5)),
    "unfold_all_args": (lambda m: m.Unfold((2, 3), dilation=(2, 1), padding=(1, 2), stride=(2, 3)), (2, 2, 7, 8)),
    "unfold_unbatched": (lambda m: m.Unfold(3, padding=1), (2, 4, 4)),
    "fold": (lambda m: m.Fold((4, 5), 2), (2, 12, 12)),
    "fold_all_args": (lambda m: m.Fold((7, 8), (2, 3), dilation=(2, 1), padding=(1, 2), stride=(2, 3)), (2, 12, 16)),
    "fold_unbatched": (lambda m: m.Fold(4, 3, padding=1), (18, 16)),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(LAYERS))
def test_layers_match_torch(name, dtype):
    make, shape = LAYERS[name]
    compare_layer(make(nn), make(torch.nn), [shape], dtype)
    same_repr(make(nn), make(torch.nn))


def test_fold_is_the_adjoint_of_unfold():
    rng = np.random.default_rng(0)
    x, y = ember.tensor(rng.standard_normal((2, 3, 6, 7))), ember.tensor(rng.standard_normal((2, 12, 16)))
    args = dict(kernel_size=2, padding=1, stride=2)
    lhs = (F.unfold(x, **args) * y).sum().item()
    rhs = (x * F.fold(y, (6, 7), **args)).sum().item()
    assert lhs == pytest.approx(rhs, rel=1e-12)


def test_gradcheck():
    rng = np.random.default_rng(1)
    x = ember.tensor(rng.standard_normal((1, 2, 4, 5)), requires_grad=True)
    y = ember.tensor(rng.standard_normal((1, 8, 6)), requires_grad=True)
    for f, v in ((lambda v: F.unfold(v, 2, padding=1, stride=2), x), (lambda v: F.fold(v, (3, 4), 2, stride=1), y)):
        assert gradcheck(f, (v,))
        assert gradgradcheck(f, (v,))


ERRORS = [
    lambda f, lib: f.unfold(lib.ones(1, 1, 2, 2), 3),
    lambda f, lib: f.fold(lib.ones(1, 5, 9), (4, 4), 2),
    lambda f, lib: f.fold(lib.ones(1, 4, 8), (4, 4), 2),
    lambda f, lib: f.fold(lib.ones(4), (4, 4), 2),
    lambda f, lib: f.unfold(lib.ones(1, 1, 3, 3), 0),
    lambda f, lib: f.unfold(lib.ones(1, 1, 3, 3), 2, padding=-1),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors_match_torch(case):
    with pytest.raises(RuntimeError) as expected:
        ERRORS[case](torch.nn.functional, torch)
    with pytest.raises(RuntimeError) as got:
        ERRORS[case](F, ember)
    assert str(got.value) == str(expected.value)
