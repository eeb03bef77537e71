"""The op harness's gradient check where torch raises computing a derivative: ember must raise
the same exception type (then nothing is compared); computing it, or raising another type, fails."""

import pytest
import torch

import ember
from torch_db.ops import _grads


class _TorchUndifferentiable(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::_example is not implemented")


class _EmberRaises(ember.autograd.Function):
    error = RuntimeError

    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        raise _EmberRaises.error("not implemented either")


def _pair(ember_fn):
    x = torch.ones(3, dtype=torch.float64, requires_grad=True)
    e = ember.ones(3, dtype=ember.float64, requires_grad=True)
    return [_TorchUndifferentiable.apply(x)], [ember_fn(e)], [x], [e]


def test_same_exception_type_passes_with_nothing_to_compare() -> None:
    _EmberRaises.error = RuntimeError
    assert _grads(*_pair(_EmberRaises.apply), False, "backward") == ([], [])


def test_another_exception_type_fails() -> None:
    _EmberRaises.error = ValueError
    with pytest.raises(AssertionError, match="backward: ValueError"):
        _grads(*_pair(_EmberRaises.apply), False, "backward")


def test_computing_what_torch_cannot_fails() -> None:
    with pytest.raises(AssertionError, match="torch raises RuntimeError.*ember computes it"):
        _grads(*_pair(lambda e: e * 2), False, "backward")
