"""Arithmetic torch refuses where NumPy answers: integer division and remainder by zero (NumPy
gives 0), division of bools, and subtraction with a bool operand, in every spelling (operators,
functions, in-place, reflected); and the same ops still answering where torch answers."""

from __future__ import annotations

import pytest
import torch

import ember

from .conftest import assert_same_raise
from .test_tensor_from_data import assert_same_tensor

INTEGERS = ["uint8", "int8", "int16", "int32", "int64"]


def _t(lib, values, dtype):
    return lib.tensor(values, dtype=getattr(lib, dtype))


DIVISIONS = {
    "//": lambda lib, a, b: a // b,
    "%": lambda lib, a, b: a % b,
    "floor_divide": lambda lib, a, b: lib.floor_divide(a, b),
    "remainder": lambda lib, a, b: lib.remainder(a, b),
    "div floor": lambda lib, a, b: lib.div(a, b, rounding_mode="floor"),
    "div trunc": lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"),
    "method": lambda lib, a, b: a.floor_divide(b),
    "//=": lambda lib, a, b: _ifloordiv(a, b),
    "%=": lambda lib, a, b: _imod(a, b),
}


def _ifloordiv(a, b):
    a //= b
    return a


def _imod(a, b):
    a %= b
    return a


DIVISORS = {
    "zero tensor": lambda lib, dtype: _t(lib, [0], dtype),
    "one zero among many": lambda lib, dtype: _t(lib, [1, 0, 2], dtype),
    "0-d zero tensor": lambda lib, dtype: _t(lib, 0, dtype),
    "zero": lambda lib, dtype: 0,
    "False": lambda lib, dtype: False,
}


@pytest.mark.parametrize("divisor", list(DIVISORS))
@pytest.mark.parametrize("dtype", INTEGERS)
@pytest.mark.parametrize("op", list(DIVISIONS))
def test_integer_division_by_zero_raises_like_torch(op, dtype, divisor):
    make = lambda lib: DIVISIONS[op](lib, _t(lib, [5, 6, 7], dtype), DIVISORS[divisor](lib, dtype))
    assert_same_raise(lambda: make(ember), lambda: make(torch), "ZeroDivisionError")


@pytest.mark.parametrize("op", ["//", "%", "floor_divide", "remainder", "div floor", "div trunc"])
def test_number_divided_by_an_integer_zero_raises_like_torch(op):
    make = lambda lib: DIVISIONS[op](lib, 5, lib.tensor([0])) if op in ("//", "%") else DIVISIONS[op](lib, lib.tensor(5), lib.tensor([0]))
    assert_same_raise(lambda: make(ember), lambda: make(torch), "ZeroDivisionError")


@pytest.mark.parametrize("op", ["//", "%", "floor_divide", "remainder", "div floor"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_float_division_by_zero_answers_like_torch(op, dtype):
    for divisor in (lambda lib: 0, lambda lib: 0.0, lambda lib: _t(lib, [0, -0.0, 2], dtype)):
        make = lambda lib: DIVISIONS[op](lib, _t(lib, [5, -6, 0], dtype), divisor(lib))
        assert_same_tensor(make(ember), make(torch))
    mixed = lambda lib: DIVISIONS[op](lib, _t(lib, [5, -6, 0], "int64"), 0.0)
    assert_same_tensor(mixed(ember), mixed(torch))


@pytest.mark.parametrize("op", ["//", "%", "floor_divide", "remainder"])
def test_integer_division_of_empty_tensors_by_zero_is_empty(op):
    make = lambda lib: DIVISIONS[op](lib, lib.tensor([], dtype=lib.int64), 0)
    assert_same_tensor(make(ember), make(torch))


@pytest.mark.parametrize("op", ["//", "%", "floor_divide", "remainder", "div floor"])
def test_division_of_bools_raises_like_torch(op):
    make = lambda lib: DIVISIONS[op](lib, lib.tensor([True, False]), lib.tensor([True, True]))
    assert_same_raise(lambda: make(ember), lambda: make(torch), "not implemented for 'Bool'")


SUBTRACTIONS = {
    "-": lambda lib, a, b: a - b,
    "sub": lambda lib, a, b: lib.sub(a, b),
    "sub alpha": lambda lib, a, b: lib.sub(a, b, alpha=2),
    "subtract": lambda lib, a, b: lib.subtract(a, b),
    "method": lambda lib, a, b: a.sub(b) if isinstance(a, (ember.Tensor, torch.Tensor)) else lib.sub(a, b),
    "rsub": lambda lib, a, b: lib.rsub(b, a) if isinstance(b, (ember.Tensor, torch.Tensor)) else lib.sub(a, b),
    "sub_": lambda lib, a, b: a.sub_(b) if isinstance(a, (ember.Tensor, torch.Tensor)) else lib.sub(a, b),
    "-=": lambda lib, a, b: _isub(a, b),
}


def _isub(a, b):
    a -= b
    return a


OPERANDS = {
    "bool tensors": (lambda lib: lib.tensor([True, False]), lambda lib: lib.tensor([False, False])),
    "0-d bool tensors": (lambda lib: lib.tensor(True), lambda lib: lib.tensor(False)),
    "bool tensor and True": (lambda lib: lib.tensor([True]), lambda lib: True),
    "bool tensor and an int": (lambda lib: lib.tensor([True]), lambda lib: 1),
    "bool tensor and a float": (lambda lib: lib.tensor([True]), lambda lib: 1.5),
    "bool tensor and an int tensor": (lambda lib: lib.tensor([True]), lambda lib: lib.tensor([1])),
    "int tensor and a bool tensor": (lambda lib: lib.tensor([1]), lambda lib: lib.tensor([True])),
    "float tensor and a bool tensor": (lambda lib: lib.tensor([1.0]), lambda lib: lib.tensor([True])),
    "float tensor and a 0-d bool": (lambda lib: lib.tensor([1.0]), lambda lib: lib.tensor(True)),
    "int tensor and True": (lambda lib: lib.tensor([1]), lambda lib: True),
    "float tensor and True": (lambda lib: lib.tensor([1.0]), lambda lib: True),
    "an int and a bool tensor": (lambda lib: 2, lambda lib: lib.tensor([True])),
    "True and an int tensor": (lambda lib: True, lambda lib: lib.tensor([1])),
}


@pytest.mark.parametrize("operands", list(OPERANDS))
@pytest.mark.parametrize("op", list(SUBTRACTIONS))
def test_subtraction_with_a_bool_raises_like_torch(op, operands):
    left, right = OPERANDS[operands]
    make = lambda lib: SUBTRACTIONS[op](lib, left(lib), right(lib))
    assert_same_raise(lambda: make(ember), lambda: make(torch), "Subtraction, the `-` operator, with ")


def test_subtraction_of_two_bools_names_xor_and_of_one_names_not():
    with pytest.raises(RuntimeError, match="logical_xor"):
        ember.tensor([True]) - ember.tensor([False])
    with pytest.raises(RuntimeError, match="logical_not"):
        1 - ember.tensor([True])


@pytest.mark.parametrize("other", [2, 2.5], ids=repr)
def test_subtraction_without_a_bool_operand_still_answers(other):
    for dtype in ("int64", "float32", "uint8"):
        if dtype == "uint8" and isinstance(other, float):
            continue
        make = lambda lib: (_t(lib, [3, 4], dtype) - other, other - _t(lib, [3, 4], dtype))
        for e, t in zip(make(ember), make(torch)):
            assert_same_tensor(e, t)


def test_subtraction_looks_for_bools_only_off_the_fast_path(monkeypatch):
    """Two tensors of one dtype, or a float tensor and a number, never reach the bool check
    (it runs only where promotion cast an operand, met a Python bool, or NumPy refused)."""
    from ember.ops import arithmetic

    def fail(*args):
        raise AssertionError("refuse_bool ran on the fast path")

    monkeypatch.setattr(arithmetic, "refuse_bool", fail)
    x, y, i = ember.ones(3), ember.ones(3), ember.ones(3, dtype=ember.int64)
    for out in (x - y, x - 1.0, x - 1, 1 - x, 2.5 - x, i - i, i - 2, ember.sub(x, y), ember.rsub(x, 1.0)):
        assert out.shape == (3,)
    with pytest.raises(AssertionError, match="fast path"):
        x - ember.ones(3, dtype=ember.int64)  # a cast: the check runs
