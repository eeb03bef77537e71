"""Reading Python data into tensors (`tensor`, `as_tensor`, `new_tensor`) as torch reads it: the
dtype torch infers from nested numbers, NumPy scalars and tensors; numbers converted once, straight
to the asked dtype; integer dtypes refusing numbers they cannot hold. Compared with torch exactly."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import ember

from .conftest import assert_same_raise, dtype_name, ember_dtype, torch_dtype


def assert_same_tensor(e, t):
    """Same shape, dtype and values, bit for bit (NaN equal to NaN)."""
    assert tuple(e.shape) == tuple(t.shape), f"shape {tuple(e.shape)} != torch {tuple(t.shape)}"
    assert dtype_name(e.dtype) == dtype_name(t.dtype), f"dtype {e.dtype} != torch {t.dtype}"
    np.testing.assert_array_equal(e.detach().numpy(), t.detach().numpy())


def _both(make):
    return make(ember), make(torch)


def _t(lib, value, dtype=None):
    return lib.tensor(value, dtype=None if dtype is None else getattr(lib, dtype))


FLOAT64_VALUES = [0.1, 1e300, -1e-300, 16777217.0, 2.0**53 + 1, 1 / 3, 5e-324, float("inf"), float("nan")]


@pytest.mark.parametrize("value", FLOAT64_VALUES, ids=repr)
@pytest.mark.parametrize("make", ["tensor", "as_tensor", "new_tensor", "list", "new_tensor of float64"])
def test_python_floats_reach_float64_exactly(make, value):
    def build(lib):
        if make == "tensor":
            return lib.tensor(value, dtype=lib.float64)
        if make == "as_tensor":
            return lib.as_tensor(value, dtype=lib.float64)
        if make == "new_tensor":
            return lib.ones(1).new_tensor([value], dtype=lib.float64)
        if make == "list":
            return lib.tensor([[value, 1], [2, value]], dtype=lib.float64)
        return lib.ones(1, dtype=lib.float64).new_tensor([value])

    e, t = _both(build)
    assert_same_tensor(e, t)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=False), min_size=1, max_size=5), st.sampled_from(["float64", "float32", "float16"]))
def test_floats_are_rounded_once_to_the_dtype(values, dtype):
    assert_same_tensor(_t(ember, values, dtype), _t(torch, values, dtype))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=5), st.sampled_from(["float64", "float32", "int64"]))
def test_python_ints_convert_exactly(values, dtype):
    assert_same_tensor(_t(ember, values, dtype), _t(torch, values, dtype))


DATA = {
    "0-d tensors": lambda lib: [lib.tensor(1.0), lib.tensor(2.0)],
    "one-element 1-d tensors": lambda lib: [lib.tensor([1.0]), lib.tensor([2.0])],
    "one-element 2-d tensors": lambda lib: [lib.tensor([[1.0]]), lib.tensor([[2.0]])],
    "tensors nested in lists": lambda lib: [[lib.tensor(1)], [lib.tensor(2.5)]],
    "float64 and float32 tensors": lambda lib: [lib.tensor(0.1, dtype=lib.float64), lib.tensor(2.0)],
    "int tensor and float64 tensor": lambda lib: [lib.tensor(1), lib.tensor(2.5, dtype=lib.float64)],
    "int tensor and a float": lambda lib: [lib.tensor(1), 2.5],
    "float16 tensor and a float": lambda lib: [lib.tensor(1.0, dtype=lib.float16), 2.5],
    "numpy float64 in a list": lambda lib: [np.float64(0.1), 1],
    "numpy float32 in a list": lambda lib: [np.float32(0.1), 1],
    "numpy float16 and an int": lambda lib: [np.float16(0.1), 2],
    "numpy int32 in a list": lambda lib: [np.int32(3), 1],
    "numpy uint8 in a list": lambda lib: [np.uint8(3), 1],
    "numpy uint8s alone": lambda lib: [np.uint8(3), np.uint8(250)],
    "numpy uint8s in rows": lambda lib: [[np.uint8(3)], [np.uint8(250)]],
    "numpy bools": lambda lib: [np.bool_(True), False],
    "numpy arrays in a list": lambda lib: [np.array([1, 2], dtype=np.float32), np.array([3.0, 4.0])],
    "bools ints and floats": lambda lib: [[True, 1], [2.5, False]],
    "bools and ints": lambda lib: [[True], [2]],
    "bools": lambda lib: [[True], [False]],
    "empty": lambda lib: [],
    "empty rows": lambda lib: [[], []],
    "big int as float": lambda lib: [1.5, 2**63],
    "numpy scalar": lambda lib: np.int16(5),
}


@pytest.mark.parametrize("name", list(DATA))
def test_inferred_dtype_and_values_match_torch(name):
    assert_same_tensor(ember.tensor(DATA[name](ember)), torch.tensor(DATA[name](torch)))


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "int64", "int32", "uint8", "bool"])
def test_tensors_in_a_list_convert_to_the_dtype(dtype):
    ints = lambda lib: [lib.tensor([1]), lib.tensor(0, dtype=lib.int8), lib.tensor(True)]
    assert_same_tensor(_t(ember, ints(ember), dtype), _t(torch, ints(torch), dtype))
    floats = lambda lib: [lib.tensor([1.0]), lib.tensor(0.1, dtype=lib.float64), lib.tensor(3)]
    if dtype.startswith("float"):
        assert_same_tensor(_t(ember, floats(ember), dtype), _t(torch, floats(torch), dtype))
    else:  # torch reads a float tensor as an index there, and refuses it
        assert_same_raise(lambda: _t(ember, floats(ember), dtype), lambda: _t(torch, floats(torch), dtype))


INT_DTYPES = ["uint8", "int8", "int16", "int32", "int64"]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(INT_DTYPES), st.one_of(st.integers(-(2**63), 2**63 - 1), st.floats(-1e20, 1e20), st.just(float("nan"))))
def test_integer_dtypes_refuse_numbers_they_cannot_hold(dtype, value):
    try:
        expected = _t(torch, [value], dtype)
    except Exception as err:
        with pytest.raises(type(err), match="without overflow"):
            _t(ember, [value], dtype)
    else:
        assert_same_tensor(_t(ember, [value], dtype), expected)


OVERFLOWS = [
    ("uint8 300", [300], "uint8"),
    ("uint8 -256", [-256], "uint8"),
    ("uint8 -0.5", [-0.5], "uint8"),
    ("uint8 255.5", [255.5], "uint8"),
    ("int8 128", [128], "int8"),
    ("int32 2**31", [2**31], "int32"),
    ("int64 nan", [float("nan")], "int64"),
    ("int64 inf", [float("inf")], "int64"),
    ("int64 1e19", [1e19], "int64"),
    ("numpy scalar in a list", [np.int64(300)], "uint8"),
    ("tensor in a list", "tensor 300", "uint8"),
]


@pytest.mark.parametrize("name, data, dtype", OVERFLOWS, ids=[o[0] for o in OVERFLOWS])
def test_out_of_range_literal_raises_like_torch(name, data, dtype):
    value = (lambda lib: [lib.tensor(300)]) if data == "tensor 300" else (lambda lib: data)
    for make in (lambda lib: lib.tensor(value(lib), dtype=getattr(lib, dtype)),
                 lambda lib: lib.as_tensor(value(lib), dtype=getattr(lib, dtype)),
                 lambda lib: lib.ones(1, dtype=getattr(lib, dtype)).new_tensor(value(lib))):
        assert_same_raise(lambda: make(ember), lambda: make(torch), "without overflow")


def test_ints_beyond_int64_raise_like_torch():
    assert_same_raise(lambda: ember.tensor([2**63]), lambda: torch.tensor([2**63]), "Overflow")
    assert_same_raise(lambda: ember.tensor([-(2**63) - 1], dtype=ember.int8), lambda: torch.tensor([-(2**63) - 1], dtype=torch.int8))
    assert_same_tensor(ember.tensor([2**70], dtype=ember.float64), torch.tensor([2**70], dtype=torch.float64))


@pytest.mark.parametrize("dtype", INT_DTYPES + ["bool"])
def test_arrays_and_tensors_are_cast_like_torch(dtype):
    """torch refuses out-of-range Python numbers but casts arrays and tensors (wrapping)."""
    source = np.array([300, -1, 7])
    assert_same_tensor(_t(ember, source, dtype), _t(torch, source, dtype))
    assert_same_tensor(ember.as_tensor(source, dtype=ember_dtype(dtype)), torch.as_tensor(source, dtype=torch_dtype(dtype)))
    assert_same_tensor(_t(ember, ember.tensor(source), dtype), _t(torch, torch.tensor(source), dtype))


def test_uint8_takes_negative_ints_as_torch_does():
    for value in (-1, -255):
        assert_same_tensor(ember.tensor([value], dtype=ember.uint8), torch.tensor([value], dtype=torch.uint8))


def test_tensor_copies_and_as_tensor_shares():
    a = np.array([1.0, 2.0])
    t, s, c = ember.tensor(a), ember.as_tensor(a), ember.as_tensor(a, dtype=ember.float32)
    a[0] = 9.0
    assert t.numpy()[0] == 1.0 and s.numpy()[0] == 9.0 and c.numpy()[0] == 1.0
    x = ember.tensor([1, 2])
    y = ember.tensor(x, dtype=ember.int64)
    y.add_(1)
    assert x.tolist() == [1, 2]


BAD_DATA = {
    "tensor with two elements": lambda lib: [lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0])],
    "string": lambda lib: ["a"],
    "None": lambda lib: [None],
    "ragged": lambda lib: [[1, 2], [3]],
    "numpy bool among ints": lambda lib: [np.bool_(True), 2],
}


@pytest.mark.parametrize("name", list(BAD_DATA))
def test_bad_data_raises_like_torch(name):
    assert_same_raise(lambda: ember.tensor(BAD_DATA[name](ember)), lambda: torch.tensor(BAD_DATA[name](torch)))


HALF_TIES = [1 + 2**-11 + 2**-40, 1 + 2**-11 - 2**-40, -(3 + 2**-10 + 2**-35), 1000.5 + 2**-30, 6e-8 + 2**-60]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(HALF_TIES), st.floats(-7e4, 7e4)), min_size=1, max_size=4))
def test_doubles_reach_float16_through_float32_as_in_torch(values):
    """torch converts a double to float16 via float (C++'s double -> float -> Half); NumPy rounds
    once, and differs just past a float16 tie."""
    assert_same_tensor(ember.tensor(values, dtype=ember.float16), torch.tensor(values, dtype=torch.float16))
    assert_same_tensor(ember.tensor(values, dtype=ember.float64).to(ember.float16), torch.tensor(values, dtype=torch.float64).to(torch.float16))
    fill = lambda lib: lib.full((2,), values[0], dtype=lib.float16)
    if abs(values[0]) > 65504:  # a fill value float16 cannot hold: refused, by both
        assert_same_raise(lambda: fill(ember), lambda: fill(torch), "overflow")
    else:
        assert_same_tensor(fill(ember), fill(torch))


LEAVES = st.one_of(
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(-1e6, 1e6),
    st.builds(np.float64, st.floats(-1e3, 1e3)),
    st.builds(np.float32, st.floats(-1e3, 1e3, width=32)),
    st.builds(np.int32, st.integers(-1000, 1000)),
    st.builds(np.int16, st.integers(-1000, 1000)),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(LEAVES, min_size=2, max_size=2), min_size=1, max_size=3),
       st.sampled_from([None, "float64", "float32", "float16", "int64", "int32", "int16"]))
def test_mixed_nested_data_reads_like_torch(rows, dtype):
    """Nested lists mixing Python bools, ints, floats and NumPy scalars: torch's dtype and values,
    or torch's refusal (an int dtype refuses what it cannot hold)."""
    make = lambda lib: lib.tensor(rows, dtype=None if dtype is None else getattr(lib, dtype))
    try:
        expected = make(torch)
    except Exception:
        assert_same_raise(lambda: make(ember), lambda: make(torch))
    else:
        assert_same_tensor(make(ember), expected)


@pytest.mark.parametrize("dtype", ["int64", "int8", "bool"])
def test_numpy_floats_other_than_float64_are_refused_as_integers(dtype):
    for leaf in (np.float32(0.5), np.float16(2.0)):
        assert_same_raise(lambda: _t(ember, [leaf], dtype), lambda: _t(torch, [leaf], dtype), "cannot be interpreted as an integer")
    assert_same_tensor(_t(ember, [np.float64(2.5)], dtype), _t(torch, [np.float64(2.5)], dtype))
