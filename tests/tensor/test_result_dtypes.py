"""The dtype and values torch gives ops whose result dtype is not their input's: stack and cat of
mixed dtypes, reductions of bools and integers (sum, prod, cumsum, cumprod, logsumexp, mean), the
dtype= arguments (converting before the reduction), norms at p = +-inf, std/var's old spellings,
and integer division rounded toward zero."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

import ember

from .conftest import assert_same_raise, dtype_name
from .test_tensor_from_data import assert_same_tensor

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
INTEGRAL = ["bool", "uint8", "int8", "int16", "int32", "int64"]


def _data(lib, name, shape=(2, 3)):
    values = np.arange(int(np.prod(shape))).reshape(shape) % 3 + (name != "bool")
    return lib.tensor(values.tolist(), dtype=getattr(lib, name))


def assert_close_tensor(e, t, rtol):
    assert tuple(e.shape) == tuple(t.shape) and dtype_name(e.dtype) == dtype_name(t.dtype), (e, t)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=0)


@pytest.mark.parametrize("a, b", list(itertools.combinations_with_replacement(NAMES, 2)))
@pytest.mark.parametrize("op", ["stack", "cat"])
@pytest.mark.parametrize("zero_d", [False, True])
def test_stack_and_cat_promote_like_torch(op, a, b, zero_d):
    make = lambda lib: getattr(lib, op)([_data(lib, a)[0, 0] if zero_d else _data(lib, a), _data(lib, b)[0, 0] if zero_d else _data(lib, b)])
    if zero_d and op == "cat":  # cat refuses 0-d tensors, as torch's does
        assert_same_raise(lambda: make(ember), lambda: make(torch), "zero-dimensional")
    else:
        assert_same_tensor(make(ember), make(torch))


def test_stack_of_mixed_dtypes_sends_each_gradient_back_in_its_dtype():
    grads = []
    for lib in (ember, torch):
        x = lib.tensor([1.5, 2.0], dtype=lib.float16, requires_grad=True)
        y = lib.tensor([3.0, 4.0], dtype=lib.float64, requires_grad=True)
        (lib.stack([x, y]) * lib.tensor([[1.0], [2.0]], dtype=lib.float64)).sum().backward()
        grads.append((x.grad, y.grad))
    for e, t in zip(*grads):
        assert_same_tensor(e, t)


@pytest.mark.parametrize("name", INTEGRAL)
@pytest.mark.parametrize("op", ["sum", "prod", "cumsum", "cumprod", "logsumexp"])
@pytest.mark.parametrize("dim", [None, 1])
def test_reductions_of_bools_and_integers_take_torch_dtypes(op, name, dim):
    def make(lib):
        x = _data(lib, name)
        if op in ("cumsum", "cumprod"):
            return getattr(lib, op)(x, 1 if dim is None else dim)
        if op == "logsumexp":
            return lib.logsumexp(x, (0, 1) if dim is None else dim)
        return getattr(lib, op)(x) if dim is None else getattr(lib, op)(x, dim)

    e, t = make(ember), make(torch)
    if op == "logsumexp":
        assert_close_tensor(e, t, rtol=1e-5)
    else:
        assert_same_tensor(e, t)


@pytest.mark.parametrize("name", INTEGRAL)
def test_mean_of_bools_and_integers_raises_like_torch(name):
    assert_same_raise(lambda: _data(ember, name).mean(), lambda: _data(torch, name).mean(), "could not infer output dtype")


@pytest.mark.parametrize("source, target", [("float32", "float64"), ("int32", "float64"), ("int64", "float32"), ("uint8", "uint8"), ("float64", "float32")])
@pytest.mark.parametrize("op", ["sum", "prod", "cumsum", "cumprod", "mean"])
def test_dtype_argument_converts_before_reducing(op, source, target):
    if op == "mean" and not target.startswith("float"):
        return
    values = [[0.1, 0.2, 0.7], [1e8, 3.0, -1e-3]] if source.startswith("float") else [[200, 100, 7], [250, 3, 9]]
    if source in ("int32", "int64"):
        values[1][0] = 2**24 + 1  # float32 cannot hold it

    def make(lib):
        x = lib.tensor(values, dtype=getattr(lib, source))
        d = getattr(lib, target)
        return getattr(lib, op)(x, 1, dtype=d) if op.startswith("cum") else getattr(lib, op)(x, dtype=d)

    e, t = make(ember), make(torch)
    if target.startswith("float"):
        assert_close_tensor(e, t, rtol=1e-12 if target == "float64" else 1e-6)
    else:
        assert_same_tensor(e, t)


def test_sum_in_float64_keeps_float32_data_exact():
    """The case that tells converting first from converting after: 0.1f + 0.2f in double."""
    x = [0.1, 0.2]
    assert ember.tensor(x).sum(dtype=ember.float64).item() == torch.tensor(x).sum(dtype=torch.float64).item()
    assert ember.tensor(x).cumsum(0, dtype=ember.float64).tolist() == torch.tensor(x).cumsum(0, dtype=torch.float64).tolist()


@pytest.mark.parametrize("p", [float("inf"), -float("inf"), 1, 2, 3, 0, -1, -2, 0.5])
@pytest.mark.parametrize("dim", [None, 1, (0, 1)])
def test_vector_norms_match_torch_values_and_gradients(p, dim):
    values = [[3.0, -4.0, 0.5], [1.0, -2.0, 6.0]]
    results = []
    for lib in (ember, torch):
        x = lib.tensor(values, dtype=lib.float64, requires_grad=True)
        out = x.norm(p, dim=dim)
        out.sum().backward()
        results.append((out, x.grad))
    (e_out, e_grad), (t_out, t_grad) = results
    assert_close_tensor(e_out, t_out, rtol=1e-12)
    if t_grad is None:  # p = 0 counts: torch gives no gradient
        assert e_grad is None
    else:
        assert_close_tensor(e_grad, t_grad, rtol=1e-12)


VARIANCE_CALLS = {
    "std(True)": lambda lib, x: x.std(True),
    "std(False)": lambda lib, x: x.std(False),
    "var(False)": lambda lib, x: x.var(False),
    "torch.std(x, False)": lambda lib, x: lib.std(x, False),
    "std(dim, False)": lambda lib, x: x.std(1, False),
    "var(dim, True, True)": lambda lib, x: x.var(1, True, True),
    "torch.var(x, dim, False)": lambda lib, x: lib.var(x, 0, False),
    "std(unbiased=False)": lambda lib, x: x.std(unbiased=False),
    "var(correction=0)": lambda lib, x: x.var(correction=0),
    "std(dim, keepdim=True)": lambda lib, x: x.std(0, keepdim=True),
}


@pytest.mark.parametrize("name", list(VARIANCE_CALLS))
def test_std_and_var_read_their_arguments_like_torch(name):
    make = lambda lib: VARIANCE_CALLS[name](lib, lib.tensor([[1.0, 2.0, 4.0], [0.5, -3.0, 2.0]], dtype=lib.float64))
    assert_close_tensor(make(ember), make(torch), rtol=1e-12)


@pytest.mark.parametrize("name", INTEGRAL)
@pytest.mark.parametrize("op", ["std", "var"])
def test_std_and_var_of_bools_and_integers_raise_like_torch(op, name):
    assert_same_raise(lambda: getattr(_data(ember, name), op)(), lambda: getattr(_data(torch, name), op)(), "floating point")


@pytest.mark.parametrize("name", ["int64", "int32", "int8", "uint8"])
def test_trunc_division_of_integers_is_exact(name):
    low = 0 if name == "uint8" else -100
    a = list(range(low, 100, 7))
    for b in ([3], [-3] if name != "uint8" else [5], 4):
        make = lambda lib: lib.div(lib.tensor(a, dtype=getattr(lib, name)), b if isinstance(b, int) else lib.tensor(b, dtype=getattr(lib, name)), rounding_mode="trunc")
        assert_same_tensor(make(ember), make(torch))
    big = lambda lib: lib.div(lib.tensor([2**62 + 1, -(2**62) - 1]), 3, rounding_mode="trunc")
    assert_same_tensor(big(ember), big(torch))


WRAPPING = {
    "+": lambda a, s: a + s,
    "*": lambda a, s: a * s,
    "-": lambda a, s: a - s,
    "reflected -": lambda a, s: s - a,
    "//": lambda a, s: a // s,
    "%": lambda a, s: a % s,
    "add_": lambda a, s: a.add_(s),
    "mul_": lambda a, s: a.mul_(s),
    "sub_": lambda a, s: a.sub_(s),
}


@pytest.mark.parametrize("dtype, scalar", [("uint8", 300), ("uint8", -1), ("int8", 1000), ("int16", -40000), ("int32", 2**40), ("int64", 2**63)])
@pytest.mark.parametrize("op", list(WRAPPING))
def test_python_ints_beyond_an_integer_dtype_wrap_into_it_as_in_torch(op, dtype, scalar):
    make = lambda lib: WRAPPING[op](lib.tensor([1, 100, 7], dtype=getattr(lib, dtype)), scalar)
    try:
        expected = make(torch)
    except RuntimeError:  # 2**40 wraps to 0 in int32: a division by zero, for both
        assert_same_raise(lambda: make(ember), lambda: make(torch), "ZeroDivisionError")
    else:
        assert_same_tensor(make(ember), expected)


@pytest.mark.parametrize("dtype", ["int64", "int32", "int8"])
def test_integers_to_negative_tensor_powers_match_torch(dtype):
    base = lambda lib: lib.tensor([2, 1, -1, 0, -2, 3], dtype=getattr(lib, dtype))
    exponent = lambda lib: lib.tensor([-1, -2, -3, 2, 3, 0], dtype=getattr(lib, dtype))
    assert_same_tensor(base(ember) ** exponent(ember), base(torch) ** exponent(torch))
    assert_same_tensor(ember.pow(2, exponent(ember)), torch.pow(2, exponent(torch)))
    assert_same_raise(lambda: base(ember) ** -1, lambda: base(torch) ** -1, "negative integer powers")


@pytest.mark.parametrize("make", [
    lambda L: L.cat([L.tensor([]), L.ones(2, 3)]),
    lambda L: L.cat([L.ones(2, 3), L.tensor([]), L.ones(1, 3)]),
    lambda L: L.cat([L.tensor([]), L.ones(2, 3)], dim=1),
    lambda L: L.cat([L.tensor([]), L.ones(2, 3)], dim=-1),
    lambda L: L.cat([L.tensor([]), L.tensor([])]),
    lambda L: L.cat([L.tensor([], dtype=L.float64), L.ones(2, 3)]),
])
def test_cat_skips_an_empty_1d_tensor_beside_others_as_torch(make):
    """The `out = tensor([]); out = cat([out, x])` idiom: torch skips the legacy empty tensor."""
    assert_same_tensor(make(ember), make(torch))
