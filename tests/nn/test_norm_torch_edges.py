"""Normalisation at torch's edges: layer norm's gradient for one-element rows (where every
value is rounding residue, computed in the order of torch's CPU kernel), rms_norm's refusal of
an empty normalized_shape, and batch norm of empty inputs (torch's copy-and-scale shortcut)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck
from tolerances import REDUCTION, TOLERANCES


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("shape", [(1,), (5, 1), (3, 4), (2, 3, 7)])
def test_layer_norm_gradients_round_as_torchs(shape, create_graph):
    """One-element rows: torch's dx is few-ulp residue of r dy w - db r, not 0; ember's equals it."""
    rng = np.random.default_rng(len(shape))
    arrays = [rng.standard_normal(shape), rng.standard_normal(shape[-1:]), rng.standard_normal(shape[-1:])]
    t = [torch.tensor(a, requires_grad=True) for a in arrays]
    e = [ember.tensor(a, requires_grad=True) for a in arrays]
    ty = torch.nn.functional.layer_norm(t[0], shape[-1:], t[1], t[2])
    ey = F.layer_norm(e[0], shape[-1:], e[1], e[2])
    rtol, atol = TOLERANCES[REDUCTION]["float64"]
    for trial in range(20):
        dy = rng.standard_normal(shape) * 10.0 ** (trial % 5)
        expected = torch.autograd.grad(ty, t, torch.tensor(dy), retain_graph=True, create_graph=create_graph)
        actual = ember.autograd.grad(ey, e, ember.tensor(dy), retain_graph=True, create_graph=create_graph)
        got = [g.detach().numpy() for g in actual]
        want = [g.detach().numpy() for g in expected]
        if shape[-1] == 1:
            np.testing.assert_array_equal(got[0], want[0])
            np.testing.assert_allclose(got[2], want[2], rtol=rtol, atol=atol)
            # dw = sum dy (r x - r mean): torch's kernel fuses r x + (-r mean) into one FMA,
            # which NumPy cannot express; both are rounding residue of r |x| |dy|
            bound = 4 * np.finfo(np.float64).eps * np.sum(np.abs(dy * arrays[0]) / np.sqrt(1e-5))
            assert abs(got[1] - want[1]).max() <= bound
            continue
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)



def test_layer_norm_gradcheck_one_element_rows():
    x = ember.randn(4, 1, dtype=ember.float64, requires_grad=True)
    w = ember.randn(1, dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda a, b: F.layer_norm(a, (1,), b), (x, w))
    assert gradgradcheck(lambda a, b: F.layer_norm(a, (1,), b), (x, w))


@pytest.mark.parametrize("shape", [(), []])
def test_rms_norm_refuses_an_empty_normalized_shape(shape):
    with pytest.raises(RuntimeError, match="at least 1-dimensional"):
        F.rms_norm(ember.ones(1, 2, 3), shape)
    with pytest.raises(RuntimeError):
        torch.nn.functional.rms_norm(torch.ones(1, 2, 3), shape)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape, channels", [((0,), 0), ((0, 3), 3), ((0, 3), 4), ((0, 2, 3), 2), ((2, 0), 0), ((2, 3, 0), 3)])
def test_batch_norm_of_an_empty_input(shape, channels, training):
    """Torch returns a copy times weight[0] plus bias[0], with no other check (weight[0] of an
    empty weight raises IndexError) and the running statistics left alone."""
    results = []
    for lib in (torch, ember):
        x = lib.zeros(*shape, dtype=lib.float64, requires_grad=True)
        w, b = (lib.ones(channels, dtype=lib.float64, requires_grad=True) for _ in range(2))
        mean, var = lib.zeros(channels, dtype=lib.float64), lib.ones(channels, dtype=lib.float64)
        fn = torch.nn.functional.batch_norm if lib is torch else F.batch_norm
        try:
            y = fn(x, mean, var, w, b, training=training)
        except IndexError:
            results.append("IndexError")
            continue
        grads = (torch.autograd.grad if lib is torch else ember.autograd.grad)(y.sum(), [x, w, b])
        results.append((tuple(y.shape), [tuple(g.shape) for g in grads], mean.numpy().tolist()))
    assert results[1] == results[0]


def test_batch_norm_of_one_value_per_channel_is_refused_before_the_empty_shortcut():
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        F.batch_norm(ember.zeros(1, 0), None, None, training=True)
