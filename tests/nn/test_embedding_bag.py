"""EmbeddingBag and F.embedding_bag against torch: modes sum/mean/max, offsets (with empty
bags and include_last_offset), 2-d input, per_sample_weights, padding_idx, scale_grad_by_freq;
outputs and the gradients of the weight and per_sample_weights; repr and errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.autograd import gradcheck
from tolerances import REDUCTION, TOLERANCES

INDICES = np.array([0, 2, 1, 5, 5, 3, 2, 7, 0])
OFFSETS = np.array([0, 2, 2, 5, 8])
CASES = [dict(mode=mode, padding_idx=pad) for mode in ("sum", "mean", "max") for pad in (None, 5, -1)]


def _run(lib, weight, indices, offsets, kwargs, psw=None):
    w = lib.tensor(weight, requires_grad=True)
    p = None if psw is None else lib.tensor(psw, requires_grad=True)
    off = None if offsets is None else lib.tensor(offsets)
    out = lib.nn.functional.embedding_bag(lib.tensor(indices), w, off, per_sample_weights=p, **kwargs)
    upstream = np.random.default_rng(1).standard_normal(tuple(out.shape))
    (out * lib.tensor(upstream)).sum().backward()
    return out.detach().numpy(), w.grad.numpy(), None if p is None else p.grad.numpy()


def _same(a, b, dtype="float64"):
    rtol, atol = TOLERANCES[REDUCTION][dtype]
    for x, y in zip(a, b):
        if y is None:
            assert x is None
        else:
            np.testing.assert_allclose(x, y, rtol=rtol, atol=atol)


@pytest.mark.parametrize("kwargs", CASES, ids=str)
@pytest.mark.parametrize("layout", ["offsets", "last_offset", "2d"])
def test_matches_torch(kwargs, layout):
    weight = np.random.default_rng(0).standard_normal((8, 3))
    if layout == "2d":
        indices, offsets = INDICES[:8].reshape(2, 4), None
    elif layout == "last_offset":
        indices, offsets, kwargs = INDICES, np.append(OFFSETS, 9), dict(kwargs, include_last_offset=True)
    else:
        indices, offsets = INDICES, OFFSETS
    _same(_run(ember, weight, indices, offsets, kwargs), _run(torch, weight, indices, offsets, kwargs))


@pytest.mark.parametrize("padding_idx", [None, 5])
def test_per_sample_weights_match_torch(padding_idx):
    weight = np.random.default_rng(0).standard_normal((8, 3))
    psw = np.random.default_rng(2).standard_normal(INDICES.shape)
    kwargs = dict(mode="sum", padding_idx=padding_idx)
    _same(_run(ember, weight, INDICES, OFFSETS, kwargs, psw), _run(torch, weight, INDICES, OFFSETS, kwargs, psw))


@pytest.mark.parametrize("padding_idx", [None, 5])
def test_scale_grad_by_freq_divides_by_the_count_in_input(padding_idx):
    """As F.embedding(scale_grad_by_freq=True) does, summed over each bag. torch 2.13's CPU
    embedding_bag applies other factors here (rows 1 and 3, each once in INDICES, get 1/2; row 2,
    twice, gets 1), so torch's embedding is the reference."""
    weight = np.random.default_rng(0).standard_normal((8, 3))
    e = _run(ember, weight, INDICES, OFFSETS, dict(mode="sum", padding_idx=padding_idx, scale_grad_by_freq=True))
    w = torch.tensor(weight, requires_grad=True)
    rows = torch.nn.functional.embedding(torch.tensor(INDICES), w, padding_idx, scale_grad_by_freq=True)
    bags = torch.tensor(np.searchsorted(OFFSETS, np.arange(len(INDICES)), side="right") - 1)
    keep = torch.tensor(INDICES != (-1 if padding_idx is None else padding_idx), dtype=torch.float64)[:, None]
    out = torch.zeros(len(OFFSETS), 3, dtype=torch.float64).index_add(0, bags, rows * keep)
    (out * torch.tensor(np.random.default_rng(1).standard_normal((len(OFFSETS), 3)))).sum().backward()
    _same(e, (out.detach().numpy(), w.grad.numpy(), None))


def test_gradcheck():
    w = ember.tensor(np.random.default_rng(0).standard_normal((8, 3)), requires_grad=True)
    p = ember.tensor(np.random.default_rng(1).standard_normal(INDICES.shape), requires_grad=True)
    idx, off = ember.tensor(INDICES), ember.tensor(OFFSETS)
    assert gradcheck(lambda w, p: F.embedding_bag(idx, w, off, mode="sum", per_sample_weights=p), (w, p))
    assert gradcheck(lambda w: F.embedding_bag(idx, w, off, mode="max", padding_idx=5), (w,))
    assert gradcheck(lambda w: F.embedding_bag(idx, w, off, mode="mean", padding_idx=5), (w,))


def test_module_matches_torch():
    for kwargs in (dict(mode="sum"), dict(max_norm=1.0, padding_idx=2), dict(mode="max", norm_type=1.0), dict(scale_grad_by_freq=True)):
        e, t = nn.EmbeddingBag(8, 3, **kwargs), torch.nn.EmbeddingBag(8, 3, **kwargs).double()
        e.double()
        e.load_state_dict(t.state_dict())
        assert repr(e) == repr(t)
        out_e = e(ember.tensor(INDICES), ember.tensor(OFFSETS))
        out_t = t(torch.tensor(INDICES), torch.tensor(OFFSETS))
        np.testing.assert_allclose(out_e.detach().numpy(), out_t.detach().numpy(), rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(e.weight.detach().numpy(), t.weight.detach().numpy(), rtol=1e-12)
    if_padding = nn.EmbeddingBag(4, 2, padding_idx=1)
    assert not if_padding.weight.detach().numpy()[1].any()


def test_errors():
    w = ember.ones(4, 2)
    with pytest.raises(NotImplementedError, match="only supported for mode='sum'"):
        F.embedding_bag(ember.tensor([0, 1]), w, ember.tensor([0]), per_sample_weights=ember.ones(2))
    with pytest.raises(ValueError, match="offsets has to be None"):
        F.embedding_bag(ember.tensor([[0, 1]]), w, ember.tensor([0]))
    with pytest.raises(ValueError, match="max mode does not support"):
        F.embedding_bag(ember.tensor([0, 1]), w, ember.tensor([0]), mode="max", scale_grad_by_freq=True)
    with pytest.raises(ValueError, match="offsets has to be a 1D Tensor but got None"):
        F.embedding_bag(ember.tensor([0, 1]), w)
