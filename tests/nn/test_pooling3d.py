"""MaxPool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d, MaxUnpool1d/2d/3d and
LPPool1d/2d/3d (and their functional forms) against torch: outputs, indices, gradients, reprs,
gradcheck and torch's errors."""

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
    "max": (lambda m: m.MaxPool3d(2), (2, 3, 4, 5, 6)),
    "max_stride_pad_dilation_ceil": (lambda m: m.MaxPool3d((3, 2, 2), stride=(2, 1, 2), padding=(1, 0, 1), dilation=(1, 2, 1), ceil_mode=True), (2, 2, 6, 5, 7)),
    "max_unbatched": (lambda m: m.MaxPool3d(2, stride=1), (2, 3, 3, 4)),
    "avg": (lambda m: m.AvgPool3d(2), (2, 3, 4, 5, 6)),
    "avg_pad_no_count": (lambda m: m.AvgPool3d(3, stride=2, padding=1, count_include_pad=False, ceil_mode=True), (1, 2, 5, 6, 7)),
    "avg_divisor": (lambda m: m.AvgPool3d((2, 3, 2), padding=(1, 1, 0), divisor_override=5), (2, 2, 5, 6, 4)),
    "adaptive_avg": (lambda m: m.AdaptiveAvgPool3d((2, 3, None)), (2, 3, 5, 7, 4)),
    "adaptive_avg_unbatched": (lambda m: m.AdaptiveAvgPool3d(3), (2, 7, 5, 4)),
    "adaptive_max": (lambda m: m.AdaptiveMaxPool3d((3, 2, 4)), (2, 2, 5, 7, 9)),
    "lp1d": (lambda m: m.LPPool1d(2, 3, stride=2), (2, 3, 9)),
    "lp2d": (lambda m: m.LPPool2d(1.5, (2, 3)), (2, 3, 6, 7)),
    "lp2d_ceil": (lambda m: m.LPPool2d(3, 2, stride=2, ceil_mode=True), (1, 2, 5, 5)),
    "lp3d": (lambda m: m.LPPool3d(2, 2), (1, 2, 4, 4, 5)),
}


def _positive(a: np.ndarray) -> np.ndarray:
    return np.abs(a) + 0.1  # fractional powers of negative numbers are NaN in both


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(LAYERS))
def test_layers_match_torch(name, dtype):
    make, shape = LAYERS[name]
    compare_layer(make(nn), make(torch.nn), [shape], dtype, prepare=_positive if name.startswith("lp") else lambda a: a)
    same_repr(make(nn), make(torch.nn))


@pytest.mark.parametrize("fn,args", [
    ("max_pool3d", dict(kernel_size=(2, 3, 2), stride=1, padding=1, return_indices=True)),
    ("adaptive_max_pool3d", dict(output_size=(2, 3, 3), return_indices=True)),
])
def test_indices_match_torch(fn, args):
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5, 6))
    e = getattr(F, fn)(ember.tensor(x), **args)
    t = getattr(torch.nn.functional, fn)(torch.tensor(x), **args)
    np.testing.assert_array_equal(e[0].numpy(), t[0].numpy())
    np.testing.assert_array_equal(e[1].numpy(), t[1].numpy())
    assert e[1].dtype is ember.int64


@pytest.mark.parametrize("nd,pool_args,unpool_args", [
    (1, dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=3, stride=2, padding=1)),
    (2, dict(kernel_size=2), dict(kernel_size=2)),
    (2, dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=3, stride=2, padding=1, output_size=(7, 8))),
    (3, dict(kernel_size=2, stride=(1, 2, 2)), dict(kernel_size=2, stride=(1, 2, 2))),
])
def test_max_unpool_matches_torch(nd, pool_args, unpool_args):
    shape = (2, 3) + (7, 8, 6)[:nd]
    x = np.random.default_rng(1).standard_normal(shape)
    t_pooled, t_index = getattr(torch.nn.functional, f"max_pool{nd}d")(torch.tensor(x), return_indices=True, **pool_args)
    t_in = t_pooled.detach().requires_grad_()
    t_out = getattr(torch.nn.functional, f"max_unpool{nd}d")(t_in, t_index, **unpool_args)
    e_in = ember.tensor(t_pooled.detach().numpy(), requires_grad=True)
    e_out = getattr(F, f"max_unpool{nd}d")(e_in, ember.tensor(t_index.numpy()), **unpool_args)
    np.testing.assert_array_equal(e_out.detach().numpy(), t_out.detach().numpy())
    grad = np.random.default_rng(3).standard_normal(tuple(t_out.shape))
    t_out.backward(torch.tensor(grad))
    e_out.backward(ember.tensor(grad))
    np.testing.assert_array_equal(e_in.grad.numpy(), t_in.grad.numpy())
    rows = t_index.numpy().reshape(6, -1)
    if all(len(np.unique(r)) == len(r) for r in rows):  # a repeated index is written once, read twice: no Jacobian
        unpool = lambda v: getattr(F, f"max_unpool{nd}d")(v, ember.tensor(t_index.numpy()), **unpool_args)
        assert gradcheck(unpool, (e_in.detach().requires_grad_(),))
    module_args = {k: v for k, v in unpool_args.items() if k != "output_size"}
    same_repr(getattr(nn, f"MaxUnpool{nd}d")(**module_args), getattr(torch.nn, f"MaxUnpool{nd}d")(**module_args))


def test_gradcheck_3d_pools():
    x = ember.tensor(np.random.default_rng(4).standard_normal((1, 2, 3, 4, 3)), requires_grad=True)
    for f in (
        lambda v: F.max_pool3d(v, 2, stride=1, padding=1),
        lambda v: F.avg_pool3d(v, (2, 3, 2), stride=1, padding=1, count_include_pad=False),
        lambda v: F.adaptive_avg_pool3d(v, (2, 3, 2)),
        lambda v: F.adaptive_max_pool3d(v, (2, 3, 2)),
        lambda v: F.lp_pool3d(v.abs() + 0.5, 2, 2),
    ):
        assert gradcheck(f, (x,))
        assert gradgradcheck(f, (x,))


def test_lp_pool_gradient_is_zero_where_the_window_is_zero():
    x = ember.zeros(1, 1, 4, requires_grad=True)
    F.lp_pool1d(x, 2, 2).sum().backward()
    t = torch.zeros(1, 1, 4, requires_grad=True)
    torch.nn.functional.lp_pool1d(t, 2, 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), t.grad.numpy())


ERRORS = [
    lambda f: f.max_pool3d(lib(f).ones(2, 3), 2),
    lambda f: f.avg_pool3d(lib(f).ones(2, 3), 2),
    lambda f: f.adaptive_avg_pool3d(lib(f).ones(2, 3), 2),
    lambda f: f.adaptive_max_pool3d(lib(f).ones(2, 3), 2),
    lambda f: f.max_pool3d(lib(f).ones(1, 1, 1, 1, 1), 2),
    lambda f: f.max_pool3d(lib(f).ones(1, 1, 4, 4, 4), 2, padding=2),
]


def lib(f):
    return torch if f is torch.nn.functional else ember


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors_match_torch(case):
    with pytest.raises(RuntimeError) as expected:
        ERRORS[case](torch.nn.functional)
    with pytest.raises(RuntimeError) as got:
        ERRORS[case](F)
    assert str(got.value) == str(expected.value)


def test_unpool_errors_match_torch():
    for f, index in ((torch.nn.functional, torch.tensor), (F, ember.tensor)):
        with pytest.raises(ValueError, match="dim 0 must be between 2 and 6"):
            f.max_unpool2d(lib(f).ones(1, 1, 2, 2), index(np.zeros((1, 1, 2, 2), dtype=np.int64)), 2, output_size=(9, 9))
        with pytest.raises(RuntimeError, match="invalid max index: 20"):
            f.max_unpool2d(lib(f).ones(1, 1, 2, 2), index(np.full((1, 1, 2, 2), 20)), 2)
