"""torch's complex-number functions on real tensors (conj, conj_physical, resolve_conj,
resolve_neg, angle, Tensor.H), and the shape helpers broadcast_shapes, Tensor.sum_to_size,
diagflat and Tensor.char: torch's values, dtypes, gradients and errors."""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from ember.autograd import gradcheck, gradgradcheck

from tolerances import REDUCTION, TOLERANCES

from .conftest import TOLERANCE, assert_same_raise, compare_with_torch

SPECIAL = np.array([1.5, -2.0, 0.0, -0.0, np.nan, np.inf, -np.inf, -1e-300])


@pytest.mark.parametrize("name", ["conj", "conj_physical", "resolve_conj", "resolve_neg"])
def test_identities_return_the_input_itself(name):
    for lib in (ember, torch):
        x = lib.ones(2, 3, requires_grad=True)
        assert getattr(lib, name)(x) is x
        if hasattr(x, name):
            assert getattr(x, name)() is x


def test_conj_physical_in_place_is_an_in_place_op():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            lib.conj_physical_(lib.ones(2, requires_grad=True))
        x = lib.ones(2, requires_grad=True) * 1.0
        version = x._version
        assert x.conj_physical_() is x and x._version == version + 1
        assert type(x.grad_fn).__name__ == "ConjPhysicalBackward1"
    compare_with_torch(lambda lib, x: (x * 1.0).conj_physical_(), lambda lib, x: (x * 1.0).conj_physical_(),
                       [SPECIAL], 0.0, 0.0)


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
def test_angle_of_floats(dtype):
    compare_with_torch(lambda lib, x: lib.angle(x), lambda lib, x: lib.angle(x), [SPECIAL.astype(dtype)],
                       *TOLERANCE[dtype])
    signs = ember.angle(ember.tensor(SPECIAL))
    assert np.signbit(signs.numpy()[3]) == np.signbit(torch.angle(torch.tensor(SPECIAL)).numpy()[3])


@pytest.mark.parametrize("dtype", ["int64", "int8", "uint8", "bool"])
@pytest.mark.parametrize("default", ["float32", "float64"])
def test_angle_of_integers_is_in_the_default_float_dtype(dtype, default):
    array = np.array([3, 0, 1, 2]).astype(dtype) if dtype in ("uint8", "bool") else np.array([3, -4, 0, 1]).astype(dtype)
    old = ember.get_default_dtype()
    ember.set_default_dtype(getattr(ember, default))
    torch.set_default_dtype(getattr(torch, default))
    try:
        compare_with_torch(lambda lib, x: x.angle(), lambda lib, x: x.angle(), [array], 0.0, 0.0)
    finally:
        ember.set_default_dtype(old)
        torch.set_default_dtype(torch.float32)


def test_angle_gradient_is_zero_even_at_nan():
    compare_with_torch(lambda lib, x: lib.angle(x), lambda lib, x: lib.angle(x), [SPECIAL], *TOLERANCE["float64"])
    x = ember.tensor([0.5, -1.5, 2.0], dtype=ember.float64, requires_grad=True)
    assert gradcheck(ember.angle, (x,)) and gradgradcheck(ember.angle, (x,))


def test_H_is_the_transpose_of_a_matrix():
    compare_with_torch(lambda lib, x: x.H, lambda lib, x: x.H, [np.arange(6.0).reshape(2, 3)], 0.0, 0.0)
    x = ember.ones(2, 3, requires_grad=True)
    assert type(x.H.grad_fn).__name__ == "TransposeBackward0"
    assert np.shares_memory(x.H.detach().numpy(), x.detach().numpy())


def test_H_errors_and_warning_match_torch():
    for shape in [(3,), (2, 3, 4)]:
        assert_same_raise(lambda: ember.ones(shape).H, lambda: torch.ones(shape).H, "only supported on matrices")
    with pytest.warns(UserWarning, match="deprecated on 0-D"):
        s = ember.tensor(2.0)
        assert s.H is s


shapes = st.lists(st.integers(0, 4), max_size=4).map(tuple)


@settings(max_examples=60, deadline=None)
@given(st.lists(shapes, max_size=4))
def test_broadcast_shapes_matches_torch(given_shapes):
    try:
        expected = torch.broadcast_shapes(*given_shapes)
    except Exception as error:
        with pytest.raises(type(error)):
            ember.broadcast_shapes(*given_shapes)
        return
    got = ember.broadcast_shapes(*given_shapes)
    assert isinstance(got, ember.Size) and tuple(got) == tuple(expected)


@pytest.mark.parametrize("shapes", [(5, (5, 1)), ((2,), (3,)), ((-1,),), ((3,), (-1,)), ((2, 3), [1, 3], 3), ()])
def test_broadcast_shapes_special_cases(shapes):
    try:
        expected = torch.broadcast_shapes(*shapes)
    except Exception:
        assert_same_raise(lambda: ember.broadcast_shapes(*shapes), lambda: torch.broadcast_shapes(*shapes))
        return
    assert tuple(ember.broadcast_shapes(*shapes)) == tuple(expected)


SUM_TO = [((3, 4), (1, 4)), ((3, 4), (4,)), ((2, 3, 4), (3, 1)), ((3, 4), (3, 4)), ((), ()), ((3, 4), ()),
          ((1, 4), (4,))]


@pytest.mark.parametrize("shape, size", SUM_TO)
@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "bool"])
def test_sum_to_size_matches_torch(shape, size, dtype):
    array = (np.random.default_rng(0).standard_normal(shape) * 3).astype(dtype)
    rtol, atol = TOLERANCES[REDUCTION].get(dtype, (0.0, 0.0))
    compare_with_torch(lambda lib, x: x.sum_to_size(size), lambda lib, x: x.sum_to_size(size), [array], rtol, atol)
    if size:
        compare_with_torch(lambda lib, x: x.sum_to_size(*size), lambda lib, x: x.sum_to_size(*size), [array], rtol, atol)
    else:
        assert_same_raise(lambda: ember.tensor(array).sum_to_size(), lambda: torch.tensor(array).sum_to_size())


def test_sum_to_size_nodes_and_identity():
    for lib in (ember, torch):
        x = lib.ones(3, 4, dtype=lib.float64, requires_grad=True)
        assert x.sum_to_size(3, 4) is x
        assert type(x.sum_to_size(1, 4).grad_fn).__name__ == "SumBackward1"
        assert type(x.sum_to_size(4).grad_fn).__name__ == "ViewBackward0"
        assert type(lib.ones((), requires_grad=True).sum_to_size(()).grad_fn).__name__ == "SumBackward0"
    x = ember.tensor(np.random.default_rng(1).standard_normal((2, 3, 4)), requires_grad=True)
    assert gradcheck(lambda t: t.sum_to_size(3, 1), (x,)) and gradgradcheck(lambda t: t.sum_to_size(3, 1), (x,))


@pytest.mark.parametrize("size", [(3,), (1, 1, 4), (2, 4)])
def test_sum_to_size_errors_match_torch(size):
    assert_same_raise(lambda: ember.ones(3, 4).sum_to_size(size), lambda: torch.ones(3, 4).sum_to_size(size),
                      "is not expandable to size")


@pytest.mark.parametrize("shape, offset", [((), 0), ((3,), 0), ((2, 3), 1), ((3,), -2), ((0,), 1)])
def test_diagflat_matches_torch(shape, offset):
    array = np.random.default_rng(0).standard_normal(shape)
    compare_with_torch(lambda lib, x: lib.diagflat(x, offset), lambda lib, x: x.diagflat(offset), [array],
                       *TOLERANCE["float64"])
    x = ember.tensor(array, requires_grad=True)
    assert gradcheck(lambda t: ember.diagflat(t, offset), (x,))


def test_char_is_int8():
    compare_with_torch(lambda lib, x: x.char(), lambda lib, x: x.char(), [np.array([1.7, -2.5, 300.0])], 0.0, 0.0)


def test_no_warning_on_matrices():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.ones(2, 2).H
