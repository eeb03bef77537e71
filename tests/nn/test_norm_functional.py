"""F.batch_norm, F.layer_norm and F.group_norm against torch: torch's errors naming the shapes,
running statistics through the functional form, gradcheck and gradgradcheck of the fused
node, double backward, and drawn shapes (hypothesis) in float64."""

from __future__ import annotations

from typing import Callable

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ember
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck


@pytest.mark.parametrize(
    "fn, message",
    [
        (lambda L: L.nn.functional.batch_norm(L.randn(2, 4, 5), L.zeros(3), L.ones(3), training=True), "running_mean should contain 4 elements not 3"),
        (lambda L: L.nn.functional.batch_norm(L.randn(2, 4), L.zeros(4), L.ones(5)), "running_var should contain 4 elements not 5"),
        (lambda L: L.nn.functional.batch_norm(L.randn(2, 4), L.zeros(4), L.ones(4), L.ones(3)), "weight should contain 4 elements not 3"),
        (lambda L: L.nn.functional.batch_norm(L.randn(2, 4), L.zeros(4), L.ones(4), None, L.ones(2)), "bias should contain 4 elements not 2"),
        (lambda L: L.nn.functional.batch_norm(L.randn(2, 4), None, None), "running_mean must be defined in evaluation mode"),
        (lambda L: L.nn.functional.batch_norm(L.randn(2, 4), L.zeros(4), None, training=True), "must either both be None or neither"),
        (lambda L: L.nn.functional.batch_norm(L.randn(2, 4), None, None, training=True, eps=0.0), "eps must be positive"),
        (lambda L: L.nn.functional.layer_norm(L.randn(2, 3), ()), "at least 1-dimensional"),
        (lambda L: L.nn.functional.layer_norm(L.randn(2, 3), (3,), L.ones(4)), "Expected weight to be of same shape as normalized_shape, but got weight of shape [4] and normalized_shape = [3]"),
        (lambda L: L.nn.functional.layer_norm(L.randn(2, 3), (3,), None, L.ones(2)), "Expected bias to be of same shape"),
        (lambda L: L.nn.functional.layer_norm(L.randn(2, 3), (2, 3, 3)), "Given normalized_shape=[2, 3, 3], expected input with shape [*, 2, 3, 3], but got input of size[2, 3]"),
        (lambda L: L.nn.functional.group_norm(L.randn(2, 3, 4), 2), "divisible by num_groups, but got input of shape [2, 3, 4] and num_groups=2"),
        (lambda L: L.nn.functional.group_norm(L.randn(2, 4, 4), 2, L.ones(3)), "but got weight of shape [3] and input of shape [2, 4, 4]"),
        (lambda L: L.nn.functional.group_norm(L.randn(4), 2), "Expected at least 2 dimensions for input tensor but received 1"),
    ],
)
def test_functional_errors_name_the_shapes_as_torch(fn: Callable, message: str) -> None:
    types = []
    for lib in (ember, torch):
        with pytest.raises((RuntimeError, ValueError)) as info:
            fn(lib)
        assert message in str(info.value), (lib.__name__, str(info.value))
        types.append(info.type)
    assert types[0] is types[1]


def test_functional_batch_norm_without_running_statistics_and_with_momentum() -> None:
    rng = np.random.default_rng(4)
    x, w, b = rng.standard_normal((5, 3, 2)), rng.standard_normal(3), rng.standard_normal(3)
    rm, rv = rng.standard_normal(3), rng.uniform(0.5, 2, 3)
    for training in (True, False):
        e_rm, e_rv, t_rm, t_rv = ember.tensor(rm), ember.tensor(rv), torch.tensor(rm), torch.tensor(rv)
        e = F.batch_norm(ember.tensor(x), e_rm, e_rv, ember.tensor(w), ember.tensor(b), training, 0.25, 1e-3)
        t = torch.nn.functional.batch_norm(torch.tensor(x), t_rm, t_rv, torch.tensor(w), torch.tensor(b), training, 0.25, 1e-3)
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(e_rm.numpy(), t_rm.numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(e_rv.numpy(), t_rv.numpy(), rtol=1e-12, atol=1e-14)
    e = F.batch_norm(ember.tensor(x), None, None, training=True)
    t = torch.nn.functional.batch_norm(torch.tensor(x), None, None, training=True)
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-12, atol=1e-12)


def _f64(*shape: int, seed: int = 0, positive: bool = False) -> ember.Tensor:
    data = np.random.default_rng(seed).standard_normal(shape)
    return ember.tensor(np.abs(data) + 0.5 if positive else data, requires_grad=True)


GRADCHECK_CASES = {
    "batch_norm_train": (lambda x, w, b: F.batch_norm(x, None, None, w, b, True), (4, 3, 2), (3,)),
    "batch_norm_train_2d": (lambda x, w, b: F.batch_norm(x, None, None, w, b, True), (5, 2), (2,)),
    "layer_norm": (lambda x, w, b: F.layer_norm(x, (3, 2), w, b), (2, 3, 3, 2), (3, 2)),
    "layer_norm_last": (lambda x, w, b: F.layer_norm(x, (4,), w, b, eps=1e-3), (3, 4), (4,)),
    "group_norm": (lambda x, w, b: F.group_norm(x, 2, w, b), (2, 4, 3), (4,)),
    "group_norm_instance": (lambda x, w, b: F.group_norm(x, 3, w, b), (2, 3, 2, 2), (3,)),
}


@pytest.mark.parametrize("name", list(GRADCHECK_CASES))
def test_gradcheck_and_gradgradcheck(name: str) -> None:
    fn, x_shape, p_shape = GRADCHECK_CASES[name]
    args = (_f64(*x_shape), _f64(*p_shape, seed=1), _f64(*p_shape, seed=2))
    assert gradcheck(fn, args)
    assert gradgradcheck(fn, args)
    assert gradcheck(lambda x: fn(x, None, None), args[:1])
    assert gradgradcheck(lambda x: fn(x, None, None), args[:1])


def test_gradcheck_batch_norm_eval_through_every_argument() -> None:
    fn = lambda x, rm, rv, w, b: F.batch_norm(x, rm, rv, w, b, False, 0.1, 1e-3)  # noqa: E731
    args = (_f64(3, 2, 2), _f64(2, seed=1), _f64(2, seed=2, positive=True), _f64(2, seed=3), _f64(2, seed=4))
    assert gradcheck(fn, args)
    assert gradgradcheck(fn, args)


DOUBLE_BACKWARD_CASES = {
    "batch_norm": (lambda L, x, w, b: L.nn.functional.batch_norm(x, None, None, w, b, True, 0.1, 0.3), (4, 3, 2), (3,)),
    "layer_norm": (lambda L, x, w, b: L.nn.functional.layer_norm(x, (2, 3), w, b, 0.3), (3, 2, 3), (2, 3)),
    "group_norm": (lambda L, x, w, b: L.nn.functional.group_norm(x, 2, w, b, 0.3), (2, 4, 3), (4,)),
}


@pytest.mark.parametrize("name", list(DOUBLE_BACKWARD_CASES))
def test_double_backward_matches_torch(name: str) -> None:
    """grad of |d(sum(y * R))/dx|^2 with respect to x, w and b, as torch computes it; a large
    eps makes a wrong eps in the create_graph backward show."""
    fn, x_shape, p_shape = DOUBLE_BACKWARD_CASES[name]
    rng = np.random.default_rng(6)
    arrays = [rng.standard_normal(s) * 0.5 for s in (x_shape, p_shape, p_shape)]
    upstream = rng.standard_normal(x_shape)
    grads = []
    for lib in (ember, torch):
        x, w, b = (lib.tensor(a, requires_grad=True) for a in arrays)
        (gx,) = lib.autograd.grad((fn(lib, x, w, b) * lib.tensor(upstream)).sum(), x, create_graph=True)
        (gx * gx).sum().backward()
        grads.append([t.grad.numpy() for t in (x, w)] + [np.zeros(p_shape) if b.grad is None else b.grad.numpy()])
    for e, t, what in zip(grads[0], grads[1], "xwb"):
        np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-13, err_msg=what)


@settings(max_examples=25)
@given(
    shape=hnp.array_shapes(min_dims=2, max_dims=4, min_side=1, max_side=5),
    data=st.data(),
)
def test_functional_forms_match_torch_on_drawn_shapes(shape: tuple[int, ...], data: st.DataObject) -> None:
    """batch_norm (training), layer_norm over a drawn number of trailing dims and group_norm
    with a drawn divisor of C: outputs and the gradients of x, w and b in float64."""
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    x = rng.standard_normal(shape) * rng.uniform(0.1, 10) + rng.uniform(-5, 5)
    upstream = rng.standard_normal(shape)
    k = data.draw(st.integers(1, len(shape) - 1))
    channels = shape[1]
    groups = data.draw(st.sampled_from([g for g in range(1, channels + 1) if channels % g == 0]))
    cases = [("layer_norm", shape[-k:], lambda L, x, w, b: L.nn.functional.layer_norm(x, shape[-k:], w, b))]
    if shape[0] * int(np.prod(shape[2:])) > 1:
        cases.append(("batch_norm", (channels,), lambda L, x, w, b: L.nn.functional.batch_norm(x, None, None, w, b, True)))
    if shape[0] * channels // groups * int(np.prod(shape[2:])) > 1:
        cases.append(("group_norm", (channels,), lambda L, x, w, b: L.nn.functional.group_norm(x, groups, w, b)))
    for name, p_shape, fn in cases:
        w, b = rng.standard_normal(p_shape), rng.standard_normal(p_shape)
        results = []
        for lib in (ember, torch):
            xt, wt, bt = (lib.tensor(a, requires_grad=True) for a in (x, w, b))
            out = fn(lib, xt, wt, bt)
            (out * lib.tensor(upstream)).sum().backward()
            results.append([out.detach().numpy(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()])
        for e, t, what in zip(*results, ("output", "x grad", "w grad", "b grad")):
            # atol: where a group is one element, x's gradient is 0 and torch's formula leaves
            # rounding of |x| (up to 15) amplified by 1 / sqrt(eps) = 316, about 1e-12
            np.testing.assert_allclose(e, t, rtol=1e-10, atol=1e-11, err_msg=f"{name}: {what}")
