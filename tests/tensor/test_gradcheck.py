"""Finite differences: gradcheck for every differentiable row of the op table (float64, its small
shapes), gradgradcheck for the common ones, and proof that both checks catch wrong rules."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

import ember
from ember.autograd import Function, gradcheck, gradgradcheck
from ember.autograd.gradcheck import GradcheckError

from .conftest import make_arrays
from .op_table import ARITHMETIC, INDEX, INPLACE, LINALG, REDUCE, SHAPE, UNARY

# fixed-data rows sit on kinks and ties on purpose (checked against torch, not differences);
# rows that compute in float32 inside are too coarse for differences with eps = 1e-6
DIFFERENTIABLE = [
    op for op in ARITHMETIC + UNARY + REDUCE + SHAPE + INDEX + LINALG + INPLACE
    if op.grad and op.data is None and "float32_inside" not in op.tags
]
TWICE = [op for op in DIFFERENTIABLE if op.gradgrad]


def _inputs(op):
    arrays = make_arrays(op.shapes, "float64", op.input_ranges(), zlib.crc32(op.name.encode()))
    return tuple(ember.tensor(a, requires_grad=True) for a in arrays)


def _bound(op):
    return lambda *xs: op.fn(ember, *xs)


@pytest.mark.parametrize("op", DIFFERENTIABLE, ids=[op.name for op in DIFFERENTIABLE])
def test_gradcheck(op):
    assert gradcheck(_bound(op), _inputs(op))


@pytest.mark.parametrize("op", TWICE, ids=[op.name for op in TWICE])
def test_gradgradcheck(op):
    assert gradgradcheck(_bound(op), _inputs(op))


def test_the_table_has_enough_second_derivative_rows():
    names = {op.name for op in TWICE}
    for needed in ("add", "mul", "div", "exp", "log", "tanh", "sigmoid", "sum", "mean", "matmul_2d",
                   "reshape", "permute", "index_int", "softmax", "log_softmax"):
        assert needed in names


class _WrongSquare(Function):
    """x^2 with the derivative off by a factor: 3x instead of 2x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x


class _OpaqueCube(Function):
    """x^3 with a right first derivative computed outside autograd, so its second is wrong."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * ember.tensor(3 * x.detach().numpy() ** 2)


def test_gradcheck_catches_a_wrong_gradient():
    x = ember.tensor([0.5, -1.5, 2.0], dtype=ember.float64, requires_grad=True)
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        gradcheck(_WrongSquare.apply, (x,))
    assert gradcheck(_WrongSquare.apply, (x,), raise_exception=False) is False
    assert issubclass(GradcheckError, RuntimeError)


def test_gradgradcheck_catches_a_wrong_second_derivative():
    x = ember.tensor([0.5, -1.5, 2.0], dtype=ember.float64, requires_grad=True)
    assert gradcheck(_OpaqueCube.apply, (x,))
    assert gradgradcheck(_OpaqueCube.apply, (x,), raise_exception=False) is False


def test_gradcheck_warns_on_float32_inputs():
    x = ember.tensor(np.linspace(-1, 1, 4), dtype=ember.float32, requires_grad=True)
    with pytest.warns(UserWarning, match="not a double precision"):
        assert gradcheck(lambda t: t * 2, (x,), eps=1e-2, atol=1e-3, rtol=1e-3)


def test_gradcheck_with_several_outputs_and_a_constant_input():
    x = ember.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=ember.float64, requires_grad=True)
    c = ember.tensor([0.5, -1.0], dtype=ember.float64)
    assert gradcheck(lambda a, b: (a * b, (a + b).exp().sum(0)), (x, c))
