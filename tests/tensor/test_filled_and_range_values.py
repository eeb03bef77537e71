"""Filled tensors and ranges (`full`, `*_like`, `new_*`, `fill_`, `arange`, `linspace`, `eye`)
hold exactly torch's values for every dtype, and refuse what torch refuses: fill values a dtype
cannot hold, ranges that never reach their end, bad sizes."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st

import ember

from .conftest import assert_same_raise
from .test_tensor_from_data import assert_same_tensor

DTYPES = ["float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]
FILLS = [0.1, 1e300, -1e-300, 2.7, -2.7, 16777217.0, 2**53 + 1, 300, -1, -255, 127, True, float("inf"), float("nan")]

FILLERS = {
    "full": lambda lib, v, d: lib.full((2, 3), v, dtype=d),
    "full_like": lambda lib, v, d: lib.full_like(lib.zeros(2, 3, dtype=d), v),
    "full_like dtype": lambda lib, v, d: lib.full_like(lib.zeros(2), v, dtype=d),
    "new_full": lambda lib, v, d: lib.zeros(1, dtype=d).new_full((2,), v),
    "fill_": lambda lib, v, d: lib.zeros(3, dtype=d).fill_(v),
    "fill_ under no_grad": lambda lib, v, d: _fill_no_grad(lib, v, d),
}


def _fill_no_grad(lib, value, dtype):
    with lib.no_grad():
        return lib.zeros(3, dtype=dtype).fill_(value)


def _same_or_same_raise(make):
    """torch's result exactly, or torch's exception type with a message that says 'overflow'."""
    try:
        expected = make(torch)
    except Exception as err:
        with pytest.raises(type(err), match="overflow"):
            make(ember)
    else:
        assert_same_tensor(make(ember), expected)


@pytest.mark.parametrize("value", FILLS, ids=repr)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("how", list(FILLERS))
def test_fill_values_are_exact_or_refused_like_torch(how, dtype, value):
    _same_or_same_raise(lambda lib: FILLERS[how](lib, value, getattr(lib, dtype)))


@pytest.mark.parametrize("value", [2.5, 3, True, 2**62 + 1, 0.1])
def test_full_infers_dtype_from_the_fill_value(value):
    assert_same_tensor(ember.full((2,), value), torch.full((2,), value))
    assert_same_tensor(ember.full((2,), ember.tensor(value)), torch.full((2,), torch.tensor(value)))


def test_fill_value_tensor_is_checked_too():
    assert_same_raise(lambda: ember.full((1,), ember.tensor(300), dtype=ember.uint8),
                      lambda: torch.full((1,), torch.tensor(300), dtype=torch.uint8), "overflow")


ARANGES = [
    (5,), (1, 10, 3), (5, -3, -2), (0, 1, 0.1), (2.5,), (0, 0), (0.1, 0.45, 0.1), (1.0, -1.0, -0.3),
    (10, 0, -3), (298, 302), (0, 3, 0.5), (0, 5, 1.5), (0.5, 5.7, 1), (-3, 4, 2.5), (0, 1e20, 1e19),
    (0, 300, 100), (5.5,), (0, 3, True),
]


@pytest.mark.parametrize("args", ARANGES, ids=repr)
@pytest.mark.parametrize("dtype", [None] + DTYPES)
def test_arange_matches_torch(args, dtype):
    _same_or_same_raise_any(lambda lib: lib.arange(*args, dtype=None if dtype is None else getattr(lib, dtype)))


def _same_or_same_raise_any(make):
    try:
        expected = make(torch)
    except Exception as err:
        assert_same_raise(lambda: make(ember), lambda: make(torch))
        return err
    assert_same_tensor(make(ember), expected)


@settings(max_examples=80, deadline=None)
@given(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3), st.floats(-50, 50).filter(lambda s: abs(s) > 1e-2),
       st.sampled_from(["float64", "float32", "int64", "int32"]))
@example(9.501358421398592e-236, 129.0, 42.875093232010826, "float64")  # 3 * step is a tie: rounded once
def test_arange_values_and_lengths_match_torch(start, end, step, dtype):
    """Exact where torch's kernel runs element by element (under 8 values); past that its SIMD
    lanes add the step to a rounded base, which depends on the CPU's vector width."""
    make = lambda lib: lib.arange(start, end, step, dtype=getattr(lib, dtype))
    try:
        expected = make(torch)
    except Exception:
        assert_same_raise(lambda: make(ember), lambda: make(torch))
        return
    e = make(ember)
    if len(expected) < 8 or not dtype.startswith("float"):
        assert_same_tensor(e, expected)
    else:
        assert e.dtype == getattr(ember, dtype) and e.shape == tuple(expected.shape)
        rtol = 1e-12 if dtype == "float64" else 1e-5
        np.testing.assert_allclose(e.numpy(), expected.numpy(), rtol=rtol, atol=rtol * np.abs(expected.numpy()).max())


def test_arange_takes_0d_tensor_bounds_exactly():
    make = lambda lib: lib.arange(lib.tensor(0.1, dtype=lib.float64), lib.tensor(1), 0.3, dtype=lib.float64)
    assert_same_tensor(make(ember), make(torch))
    assert_same_tensor(ember.arange(ember.tensor(3)), torch.arange(torch.tensor(3)))
    assert_same_tensor(ember.arange(ember.tensor(2.5)), torch.arange(torch.tensor(2.5)))


ARANGE_ERRORS = {
    "end before start": lambda lib: lib.arange(5, 0),
    "negative step upwards": lambda lib: lib.arange(0, 5, -1),
    "negative end": lambda lib: lib.arange(-5),
    "zero step": lambda lib: lib.arange(0, 5, 0),
    "step truncated to zero in int64": lambda lib: lib.arange(0, 3, 0.5, dtype=lib.int64),
    "nan end": lambda lib: lib.arange(0, float("nan")),
    "inf end": lambda lib: lib.arange(0, float("inf")),
    "bool dtype": lambda lib: lib.arange(0, 2, dtype=lib.bool),
    "bound beyond int64": lambda lib: lib.arange(0, 1e20, dtype=lib.int64),
}


@pytest.mark.parametrize("name", list(ARANGE_ERRORS))
def test_arange_refuses_like_torch(name):
    assert_same_raise(lambda: ARANGE_ERRORS[name](ember), lambda: ARANGE_ERRORS[name](torch))


LINSPACES = [(0, 1, 5), (2, 3, 1), (-1, 1, 7), (0.1, 1.0, 4), (-0.7, 1.3, 7), (0, 10, 4), (0, 10, 7), (-1, 1, 3),
             (0, 1, 0), (0.3, 1, 1), (0, 300, 3), (0, 200, 2), (0, 1e5, 2), (5, -5, 6), (1e-3, 1e3, 3)]


@pytest.mark.parametrize("args", LINSPACES, ids=repr)
@pytest.mark.parametrize("dtype", [None, "float64", "float32", "float16", "int64", "int8", "uint8"])
def test_linspace_matches_torch(args, dtype):
    make = lambda lib: lib.linspace(*args, dtype=None if dtype is None else getattr(lib, dtype))
    try:
        expected = make(torch)
    except RuntimeError:
        assert_same_raise(lambda: make(ember), lambda: make(torch), "overflow")
        return
    e = make(ember)
    if dtype != "float64":
        assert_same_tensor(e, expected)
    else:  # torch's kernel fuses the multiply-add, which double arithmetic rounds twice
        assert e.dtype == ember.float64 and e.shape == tuple(expected.shape)
        np.testing.assert_allclose(e.numpy(), expected.numpy(), rtol=1e-15, atol=0)


@pytest.mark.parametrize("steps", [2, 3, 8, 15, 100])
def test_linspace_ends_are_exact_and_within_an_ulp_of_torch(steps):
    for dtype in ("float64", "float32"):
        e = ember.linspace(-0.7, 1.3, steps, dtype=getattr(ember, dtype)).numpy()
        t = torch.linspace(-0.7, 1.3, steps, dtype=getattr(torch, dtype)).numpy()
        assert e[0] == t[0] and e[-1] == t[-1]
        np.testing.assert_array_max_ulp(e, t, maxulp=1)


def test_linspace_takes_0d_tensor_bounds_exactly():
    for bounds in ((0.1, 1.0, "float64"), (0.1, 1.0, "float32"), (0, 10, "int64")):
        start, end, dtype = bounds
        make = lambda lib: lib.linspace(lib.tensor(start, dtype=getattr(lib, dtype)), lib.tensor(end, dtype=getattr(lib, dtype)), 3, dtype=lib.float64)
        assert_same_tensor(make(ember), make(torch))
    assert_same_tensor(ember.linspace(ember.tensor(0), ember.tensor(10), 3), torch.linspace(torch.tensor(0), torch.tensor(10), 3))


LINSPACE_ERRORS = {
    "negative steps": lambda lib: lib.linspace(0, 1, -1),
    "float steps": lambda lib: lib.linspace(0, 1, 2.0),
    "1-d start": lambda lib: lib.linspace(lib.tensor([0.0]), 1, 3),
}


@pytest.mark.parametrize("name", list(LINSPACE_ERRORS))
def test_linspace_refuses_like_torch(name):
    assert_same_raise(lambda: LINSPACE_ERRORS[name](ember), lambda: LINSPACE_ERRORS[name](torch))


@pytest.mark.parametrize("args", [(0,), (3,), (2, 4), (3, 1)], ids=repr)
@pytest.mark.parametrize("dtype", DTYPES)
def test_eye_matches_torch(args, dtype):
    assert_same_tensor(ember.eye(*args, dtype=getattr(ember, dtype)), torch.eye(*args, dtype=getattr(torch, dtype)))


@pytest.mark.parametrize("args", [(-1,), (2, -1)], ids=repr)
def test_eye_refuses_negative_sizes(args):
    assert_same_raise(lambda: ember.eye(*args), lambda: torch.eye(*args), "must be greater or equal to 0")


@pytest.mark.parametrize("make", ["zeros", "ones", "empty"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_sized_constructors_and_likes_take_the_dtype(make, dtype):
    d_e, d_t = getattr(ember, dtype), getattr(torch, dtype)
    e, t = getattr(ember, make)(2, 3, dtype=d_e), getattr(torch, make)(2, 3, dtype=d_t)
    if make == "empty":
        e, t = e.zero_(), t.zero_()
    assert_same_tensor(e, t)
    like_e, like_t = getattr(ember, f"{make}_like")(ember.ones(2, dtype=ember.int64), dtype=d_e), getattr(torch, f"{make}_like")(torch.ones(2, dtype=torch.int64), dtype=d_t)
    if make == "empty":
        like_e, like_t = like_e.zero_(), like_t.zero_()
    assert_same_tensor(like_e, like_t)
    new_e = getattr(ember.ones(1, dtype=d_e), f"new_{make}")(2)
    new_t = getattr(torch.ones(1, dtype=d_t), f"new_{make}")(2)
    if make == "empty":
        new_e, new_t = new_e.zero_(), new_t.zero_()
    assert_same_tensor(new_e, new_t)


SIZED_BY_TENSORS = {
    "zeros(2, n)": lambda L, n: L.zeros(2, n),
    "ones((2, n))": lambda L, n: L.ones((2, n)),
    "full((n,), 1.0)": lambda L, n: L.full((n,), 1.0),
    "randn(n, 2)": lambda L, n: L.randn(n, 2),
    "randint(0, 5, (n,))": lambda L, n: L.randint(0, 5, (n,)),
    "empty(n)": lambda L, n: L.empty(n),
    "new_zeros(n)": lambda L, n: L.ones(2).new_zeros(n),
    "new_full((n,), 2.0)": lambda L, n: L.ones(2).new_full((n,), 2.0),
    "zeros(1-element tensor)": lambda L, n: L.zeros(L.tensor([2])),
    "reshape(n - 3)": lambda L, n: L.ones(2).reshape(n - 3),
    "view(n)": lambda L, n: L.ones(5).view(n),
    "expand(n - 2, n)": lambda L, n: L.ones(1, 5).expand(n - 2, n),
    "repeat(n)": lambda L, n: L.ones(2).repeat(n),
    "arange(n)": lambda L, n: L.arange(n),
}


@pytest.mark.parametrize("name", list(SIZED_BY_TENSORS))
def test_a_one_element_integer_tensor_is_a_size(name):
    """`zeros(batch, lengths.max())`: torch reads a one-element integer tensor as an int."""
    shapes = [tuple(SIZED_BY_TENSORS[name](L, L.tensor([3, 5]).max()).shape) for L in (ember, torch)]
    assert shapes[0] == shapes[1]


@pytest.mark.parametrize("size", [lambda L: L.tensor(2.0), lambda L: L.tensor([2, 3])])
def test_float_or_many_element_tensors_are_no_size(size):
    assert_same_raise(lambda: ember.zeros(size(ember)), lambda: torch.zeros(size(torch)))


def test_fused_multiply_add_rounds_once_even_on_ties():
    """arange and linspace's a * b + c agrees with the exact value rounded once, also where the
    product alone is a tie that a tiny c breaks (torch's fma kernels round once)."""
    from ember._creation import _fma

    rng = np.random.default_rng(0)
    a = rng.integers(0, 5000, 4000).astype(np.float64)
    b = rng.uniform(-100, 100, 4000)
    c = np.where(rng.random(4000) < 0.5, rng.uniform(-1e3, 1e3, 4000), 10.0 ** rng.integers(-300, 3, 4000))
    got = [_fma(np.array([x]), y, z)[0] for x, y, z in zip(a, b, c)]
    exact = [float(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in zip(a, b, c)]
    assert got == exact
