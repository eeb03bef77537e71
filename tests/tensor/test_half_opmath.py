"""float16 meets Python numbers as torch's kernels do: a product or quotient with a number is
computed in float32 with the number kept in float32 ("opmath") and only the result is rounded,
where NumPy 2 rounds the number to float16 first (1e5 becomes inf). Values and gradients must
equal torch's bit for bit, in a plain backward (on arrays) and under create_graph (on Tensors)."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest
import torch

import ember

X = np.array([0.5, 1.0, 3.0, -7.25, 300.0, 1e-3, 6e-5, 1000.0], np.float16)
UPSTREAM_SEED = 0

# torch's `1e5 / x` is reciprocal(x) * 1e5, and `0.1 * x` is mul(x, 0.1)
UNARY = {
    "x / 1e5": lambda lib, x: x / 1e5,
    "x / 70000": lambda lib, x: x / 70000,
    "x / 3": lambda lib, x: x / 3,
    "x * 1e-8": lambda lib, x: x * 1e-8,
    "x * 0.1": lambda lib, x: x * 0.1,
    "0.1 * x": lambda lib, x: 0.1 * x,
    "x * 70000": lambda lib, x: x * 70000,
    "1e5 / x": lambda lib, x: 1e5 / x,
    "0.1 / x": lambda lib, x: 0.1 / x,
    "3 / x": lambda lib, x: 3 / x,
    "x + 70000.": lambda lib, x: x + 70000.0,
    "70000. + x": lambda lib, x: 70000.0 + x,
    "x + 0.1": lambda lib, x: x + 0.1,
    "x - 0.1": lambda lib, x: x - 0.1,
    "0.1 - x": lambda lib, x: 0.1 - x,
    "x ** 2.5": lambda lib, x: x.abs() ** 2.5,
    "x ** 0.1": lambda lib, x: x.abs() ** 0.1,
    "x ** -1": lambda lib, x: x**-1,
    "2. ** x": lambda lib, x: 2.0**x,
    "0.1 ** x": lambda lib, x: 0.1**x,
    "0. ** x": lambda lib, x: 0.0**x,
    "x.div(1e5)": lambda lib, x: x.div(1e5),
    "mul(x, 0.1)": lambda lib, x: lib.mul(x, 0.1),
    "reciprocal": lambda lib, x: x.reciprocal(),
    "mean": lambda lib, x: x.mean(),
    "(x * 1).mul_(0.1)": lambda lib, x: (x * 1).mul_(0.1),
    "(x * 1).div_(1e5)": lambda lib, x: (x * 1).div_(1e5),
}


def _run(lib: Any, fn: Callable, x: np.ndarray, create_graph: bool) -> tuple[np.ndarray, np.ndarray]:
    """fn(x) and d(fn(x) . g)/dx for a seeded float16 upstream gradient g."""
    t = lib.tensor(x, requires_grad=True)
    y = fn(lib, t)
    g = np.random.default_rng(UPSTREAM_SEED).random(tuple(y.shape)).astype(np.float16)
    (grad,) = lib.autograd.grad(y, t, lib.tensor(g), create_graph=create_graph)
    assert str(y.dtype).endswith("float16") and str(grad.dtype).endswith("float16")
    return y.detach().numpy(), grad.detach().numpy()


def _assert_like_torch(fn: Callable, x: np.ndarray, create_graph: bool = False) -> None:
    with np.errstate(all="ignore"):
        ey, eg = _run(ember, fn, x, create_graph)
    ty, tg = _run(torch, fn, x, create_graph)
    np.testing.assert_array_equal(ey, ty, err_msg="value")
    np.testing.assert_array_equal(eg, tg, err_msg="gradient")


@pytest.mark.parametrize("create_graph", [False, True], ids=["arrays", "create_graph"])
@pytest.mark.parametrize("name", list(UNARY))
def test_float16_with_a_number_matches_torch(name, create_graph):
    _assert_like_torch(UNARY[name], X, create_graph)


@pytest.mark.parametrize("name", ["x / 1e5", "x * 0.1", "1e5 / x", "x * 70000", "x ** 0.1", "mean"])
@pytest.mark.parametrize("value", [3.0, 300.0])
def test_float16_0d_with_a_number_matches_torch(name, value):
    _assert_like_torch(UNARY[name], np.array(value, np.float16))


@pytest.mark.parametrize("create_graph", [False, True], ids=["arrays", "create_graph"])
def test_float16_division_of_tensors_matches_torch(create_graph):
    """d(a/b)/db = -(a/b)/b: b*b overflows float16 for b = 300 where torch's order does not."""
    b = np.array([300.0, 1000.0, -500.0, 2.0], np.float16)
    fns = [lambda lib, a: a / lib.tensor(b), lambda lib, bt: lib.tensor(X[:4]) / bt]
    _assert_like_torch(fns[0], X[:4], create_graph)
    _assert_like_torch(fns[1], b, create_graph)


@pytest.mark.parametrize("shape, dim", [((70000,), None), ((2, 70000), 1), ((2049,), None), ((3, 2049), 1)])
def test_float16_mean_matches_torch(shape, dim):
    """n = 70000 is inf in float16 and 2049 rounds to 2048: the gradient is g/n in float32."""
    x = np.random.default_rng(1).random(shape).astype(np.float16)
    _assert_like_torch(lambda lib, t: t.mean() if dim is None else t.mean(dim), x)


UPDATES = {
    "mul_": lambda lib, x: x.mul_(0.1),
    "div_": lambda lib, x: x.div_(1e5),
    "add_": lambda lib, x: x.add_(lib.tensor(X64[::-1].copy()), alpha=-0.1),
    "sub_": lambda lib, x: x.sub_(lib.tensor(X64[::-1].copy()), alpha=1 / 3),
}
X64 = np.random.default_rng(4).standard_normal(64).astype(np.float16)


@pytest.mark.parametrize("name", list(UPDATES))
def test_float16_in_place_update_matches_torch(name):
    """Outside a graph (an optimizer's step), in-place updates compute as their ops do."""
    e, t = ember.tensor(X64), torch.tensor(X64)
    UPDATES[name](ember, e), UPDATES[name](torch, t)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


ALPHA = {
    "add(x, y, alpha=0.1)": lambda lib, x, y: lib.add(x, y, alpha=0.1),
    "sub(x, y, alpha=1/3)": lambda lib, x, y: lib.sub(x, y, alpha=1 / 3),
    "add(x, 0.3, alpha=0.7)": lambda lib, x, y: lib.add(x, 0.3, alpha=0.7) * y,
    "x.add(y, alpha=3)": lambda lib, x, y: x.add(y, alpha=3),
}


@pytest.mark.parametrize("name", list(ALPHA))
def test_float16_add_with_alpha_matches_torch(name):
    """x + alpha y in float32 with alpha rounded to float16, rounded once, as torch's vectorized
    kernel computes it. 64 elements: torch's scalar loop, which rounds alpha y to float16 first,
    only takes the n mod 32 (64 with AVX-512) elements left over at the end of a tensor."""
    x, y = np.random.default_rng(3).standard_normal((2, 64)).astype(np.float16)
    fn = ALPHA[name]
    with np.errstate(all="ignore"):
        ey, (egx, egy) = _run_two(ember, fn, x, y)
    ty, (tgx, tgy) = _run_two(torch, fn, x, y)
    np.testing.assert_array_equal(ey, ty, err_msg="value")
    np.testing.assert_array_equal(egx, tgx, err_msg="gradient of x")
    np.testing.assert_array_equal(egy, tgy, err_msg="gradient of y")


def _run_two(lib: Any, fn: Callable, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, tuple]:
    tx, ty = lib.tensor(x, requires_grad=True), lib.tensor(y, requires_grad=True)
    out = fn(lib, tx, ty)
    g = np.random.default_rng(UPSTREAM_SEED).random(tuple(out.shape)).astype(np.float16)
    grads = lib.autograd.grad(out, (tx, ty), lib.tensor(g))
    return out.detach().numpy(), tuple(t.numpy() for t in grads)


@pytest.mark.parametrize("shape, dim", [((70000,), None), ((2, 70000), 1), ((3, 2049), 1)])
def test_float16_var_matches_torch(shape, dim):
    """The squares of 70000 float16 values sum past float16's range: torch computes the variance
    in float32 and rounds once, and so does ember."""
    x = np.random.default_rng(2).standard_normal(shape).astype(np.float16)
    _assert_like_torch(lambda lib, t: t.var() if dim is None else t.var(dim), x)
