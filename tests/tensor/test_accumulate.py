"""Leaf gradients are not copied on the way into `.grad` (`ember.autograd.accumulate`): the
first gradient of a leaf is handed over when nothing else refers to it (stolen, as torch's
AccumulateGrad does), later ones are added in place. That relies on CPython's reference counts;
these tests fail when a change (a stray local, a wrapper, a cast) makes the path copy again."""

from __future__ import annotations

import tracemalloc

import numpy as np

import ember
import ember.nn.functional as F
from ember.autograd.accumulate import is_unshared


def _step(x: ember.Tensor, w: ember.Tensor, b: ember.Tensor) -> int:
    """One forward and backward of a linear layer; the peak bytes allocated by the backward."""
    loss = F.linear(x, w, b).relu().sum()
    tracemalloc.start()
    try:
        loss.backward()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_training_steps_hand_each_weight_gradient_over_without_a_copy() -> None:
    rng = np.random.default_rng(0)
    x = ember.tensor(rng.standard_normal((16, 256)))
    w = ember.tensor(rng.standard_normal((512, 256)) * 0.1, requires_grad=True)
    b = ember.tensor(np.zeros(512), requires_grad=True)
    size = w.detach().numpy().nbytes
    for _ in range(3):  # the steady state of `zero_grad(set_to_none=True)` training
        w.grad = b.grad = None
        peak = _step(x, w, b)
        # dW is made once (in the layout x @ W^T's backward computes it) and becomes w.grad;
        # a copy on the way would need a second buffer of its size
        assert peak < 1.5 * size, f"backward allocated {peak} bytes for a {size}-byte gradient"
        assert w.grad.detach().numpy().flags.c_contiguous


def test_later_gradients_are_added_into_the_same_grad() -> None:
    rng = np.random.default_rng(1)
    x = ember.tensor(rng.standard_normal((16, 256)))
    w = ember.tensor(rng.standard_normal((512, 256)) * 0.1, requires_grad=True)
    b = ember.tensor(np.zeros(512), requires_grad=True)
    _step(x, w, b)
    grad, array = w.grad, w.grad.detach().numpy()
    for _ in range(2):  # accumulation: `.grad` grows in place
        _step(x, w, b)
        assert w.grad is grad
        assert np.shares_memory(w.grad.detach().numpy(), array)


def test_unshared_arrays_are_recognised() -> None:
    grads = [np.ones(3)]
    assert is_unshared(grads)
    other = grads[0]
    assert not is_unshared(grads)
    del other
    view = np.ones((3, 2)).T  # a whole base nothing else holds, but not in C order
    assert not is_unshared([view])
