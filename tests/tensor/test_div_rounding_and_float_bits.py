"""div with rounding_mode, remainder's second derivative, frexp's mantissa and nextafter: values
and the gradients torch defines for these piecewise-constant or one-ulp ops."""

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from tensor.conftest import TOLERANCE, assert_same_raise, assert_tensor_like_torch, compare_with_torch

A = np.array([[7.0, -7.5, 3.0, -0.0, np.inf], [1.0, 2.5, -9.0, 4.0, -np.inf]])
B = np.array([2.0, 0.5, -4.0, 3.0, -2.0])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mode", ["floor", "trunc"])
def test_div_rounded_values_and_zero_gradients(mode, dtype):
    compare_with_torch(lambda lib, a, b: lib.div(a, b, rounding_mode=mode), lambda lib, a, b: lib.div(a, b, rounding_mode=mode),
                       [A.astype(dtype), B.astype(dtype)], *TOLERANCE[dtype])


@pytest.mark.parametrize("mode", ["floor", "trunc"])
def test_div_rounded_gradient_is_zeros_even_for_inf_cotangents(mode):
    def run(lib):
        a, b = lib.tensor(A, requires_grad=True), lib.tensor(B, requires_grad=True)
        out = lib.div(a, b, rounding_mode=mode)
        cotangent = lib.tensor(np.where(A > 0, np.inf, np.nan))
        return out.grad_fn.name(), lib.autograd.grad(out, (a, b), cotangent)

    (node, grads), (t_node, t_grads) = run(ember), run(torch)
    assert node == t_node == "DivBackward2"
    for g, t in zip(grads, t_grads):
        assert_tensor_like_torch(g, t, 0.0, 0.0)


@pytest.mark.parametrize("mode", ["floor", "trunc"])
@pytest.mark.parametrize("dtype", ["int64", "int8", "uint8"])
def test_div_rounded_integers(mode, dtype):
    a = [7, -7, 9, -1, 0, 100] if dtype != "uint8" else [7, 250, 9, 1, 0, 100]
    b = [2, 2, -4, 3, 5, -7] if dtype != "uint8" else [2, 3, 4, 3, 5, 7]
    e = ember.div(ember.tensor(a, dtype=getattr(ember, dtype)), ember.tensor(b, dtype=getattr(ember, dtype)), rounding_mode=mode)
    t = torch.div(torch.tensor(a, dtype=getattr(torch, dtype)), torch.tensor(b, dtype=getattr(torch, dtype)), rounding_mode=mode)
    assert_tensor_like_torch(e, t, 0.0, 0.0)
    assert_tensor_like_torch(ember.tensor(a, dtype=getattr(ember, dtype)).div(3, rounding_mode=mode),
                             torch.tensor(a, dtype=getattr(torch, dtype)).div(3, rounding_mode=mode), 0.0, 0.0)


@pytest.mark.parametrize("mode", ["floor", "trunc"])
def test_div_rounded_refusals(mode):
    assert_same_raise(lambda: ember.div(ember.tensor([1, 2]), ember.tensor([1, 0]), rounding_mode=mode),
                      lambda: torch.div(torch.tensor([1, 2]), torch.tensor([1, 0]), rounding_mode=mode), match="division by zero")
    assert_same_raise(lambda: ember.div(ember.tensor([True]), ember.tensor([True]), rounding_mode=mode),
                      lambda: torch.div(torch.tensor([True]), torch.tensor([True]), rounding_mode=mode), match="Bool")
    assert_same_raise(lambda: ember.div(ember.ones(2), 2, rounding_mode="round"),
                      lambda: torch.div(torch.ones(2), 2, rounding_mode="round"), match="rounding_mode")


def test_floor_divide_keeps_torch_missing_derivative():
    x = ember.tensor([3.0, 4.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative for floor_divide is not implemented"):
        (x // 2).sum().backward()


def test_remainder_second_derivative_is_zero():
    def run(lib):
        a, b = lib.tensor(A[:, :4], requires_grad=True), lib.tensor(B[:4], requires_grad=True)
        out = lib.remainder(a, b)
        first = lib.autograd.grad(out, (a, b), lib.ones_like(out), create_graph=True)
        second = lib.autograd.grad(first[1].sum(), (a, b), allow_unused=True)
        return first, [lib.zeros_like(x) if g is None else g for g, x in zip(second, (a, b))]

    (first, second), (t_first, t_second) = run(ember), run(torch)
    for g, t in zip(first + tuple(second), t_first + tuple(t_second)):
        assert_tensor_like_torch(g.detach(), t.detach(), *TOLERANCE["float64"])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_frexp_mantissa_gradient(dtype):
    x = np.array([[0.75, -3.5, 1e-300 if dtype == "float64" else 1e-30, 1024.0], [-0.0, 5.0, -7e10, 0.1]]).astype(dtype)
    compare_with_torch(lambda lib, a: lib.frexp(a), lambda lib, a: lib.frexp(a), [x], *TOLERANCE[dtype])
    compare_with_torch(lambda lib, a: a.frexp(), lambda lib, a: a.frexp(), [x], *TOLERANCE[dtype])


def test_frexp_gradcheck():
    x = ember.tensor(np.random.default_rng(0).uniform(0.6, 3.0, (3, 4)), requires_grad=True)
    assert gradcheck(lambda t: ember.frexp(t).mantissa, (x,)) and gradgradcheck(lambda t: ember.frexp(t).mantissa, (x,))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_nextafter_gradient(dtype):
    a = np.array([[1.0, 0.0, -2.0], [np.inf, 3.0, 1e-310 if dtype == "float64" else 1e-40]]).astype(dtype)
    b = np.array([2.0, -1.0, -2.0]).astype(dtype)
    compare_with_torch(lambda lib, x, y: lib.nextafter(x, y), lambda lib, x, y: lib.nextafter(x, y), [a, b], 0.0, 0.0)
    compare_with_torch(lambda lib, x, y: x.nextafter(y), lambda lib, x, y: x.nextafter(y), [a, b], 0.0, 0.0)
