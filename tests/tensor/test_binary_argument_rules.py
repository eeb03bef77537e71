"""The argument rules of the binary ops, as torch's: where a number may stand for a Tensor
(TypeError otherwise), integer alpha wrapped into the dtype, in-place forms that keep the
tensor's dtype, fmax/fmin, fill/equal, flip's spellings and var/std's correction=None."""

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from tensor.conftest import TOLERANCE, assert_same_raise, assert_tensor_like_torch, compare_with_torch

TENSOR_FIRST = ["eq", "ne", "ge", "gt", "le", "lt", "max", "min", "copysign", "fmod", "rsub"]
TENSORS_BOTH = ["maximum", "minimum", "fmax", "fmin", "logical_and", "logical_or", "logical_xor", "gcd", "lcm",
                "ldexp", "logaddexp", "nextafter"]
TENSOR_EITHER = ["xlogy", "remainder", "bitwise_left_shift", "bitwise_right_shift"]


def _pair(lib):
    return lib.tensor([1, 2, 3]), lib.tensor([3, 2, 1])


@pytest.mark.parametrize("name", TENSOR_FIRST + TENSORS_BOTH + TENSOR_EITHER)
def test_two_numbers_are_refused(name):
    assert_same_raise(lambda: getattr(ember, name)(2, 3), lambda: getattr(torch, name)(2, 3))


@pytest.mark.parametrize("name", TENSOR_FIRST + TENSORS_BOTH)
def test_a_number_first_is_refused(name):
    assert_same_raise(lambda: getattr(ember, name)(2, _pair(ember)[0]), lambda: getattr(torch, name)(2, _pair(torch)[0]))


@pytest.mark.parametrize("name", TENSORS_BOTH)
def test_a_number_second_is_refused(name):
    assert_same_raise(lambda: getattr(ember, name)(_pair(ember)[0], 2), lambda: getattr(torch, name)(_pair(torch)[0], 2),
                      match="position 2")


@pytest.mark.parametrize("name", TENSORS_BOTH + ["logical_and_", "logical_or_", "logical_xor_", "gcd_", "lcm_", "ldexp_", "nextafter_"])
def test_methods_refuse_a_number_where_torch_does(name):
    assert_same_raise(lambda: getattr(_pair(ember)[0], name)(2), lambda: getattr(_pair(torch)[0], name)(2),
                      match=f"{name}(): argument 'other' (position 1)")
    e, t = _pair(ember), _pair(torch)
    if not name.endswith("_") and name not in ("ldexp", "logaddexp", "nextafter"):
        assert_tensor_like_torch(getattr(e[0], name)(e[1]), getattr(t[0], name)(t[1]), *TOLERANCE["float64"])


@pytest.mark.parametrize("name", TENSOR_FIRST[:6] + ["copysign", "fmod", "rsub"] + TENSOR_EITHER)
def test_a_number_where_torch_takes_one_still_works(name):
    e, t = getattr(ember, name)(_pair(ember)[0], 2), getattr(torch, name)(_pair(torch)[0], 2)
    assert_tensor_like_torch(e, t, *TOLERANCE["float64"])
    if name in TENSOR_EITHER:
        e, t = getattr(ember, name)(2, _pair(ember)[0]), getattr(torch, name)(2, _pair(torch)[0])
        assert_tensor_like_torch(e, t, *TOLERANCE["float64"])


def test_operators_with_a_number_first_are_untouched():
    x = ember.tensor([1.0, 2.0, 3.0])
    assert (2 < x).tolist() == [False, False, True] and (2 == x).tolist() == [False, True, False]


@pytest.mark.parametrize("op", ["add", "sub", "rsub"])
@pytest.mark.parametrize("alpha", [-3, 2, 127, -128, 255, -255, 256, 300])
@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16"])
def test_integer_alpha_wraps_into_the_dtype(op, alpha, dtype):
    """In range (uint8: -255..255) alpha wraps; beyond it both refuse."""
    def run(lib):
        a, b = np.array([[1, 7, 120], [0, 3, 99]]), np.array([5, 100, 2])
        return getattr(lib, op)(lib.tensor(a, dtype=getattr(lib, dtype)), lib.tensor(b, dtype=getattr(lib, dtype)), alpha=alpha)

    try:
        t = run(torch)
    except RuntimeError:
        assert_same_raise(lambda: run(ember), lambda: run(torch), match="without overflow")
        return
    assert_tensor_like_torch(run(ember), t, 0.0, 0.0)


def test_integer_alpha_wraps_with_a_number_beyond_the_dtype():
    e = ember.add(ember.tensor([1, 2, 250], dtype=ember.uint8), 300, alpha=3)
    t = torch.add(torch.tensor([1, 2, 250], dtype=torch.uint8), 300, alpha=3)
    assert_tensor_like_torch(e, t, 0.0, 0.0)


INPLACE = ["eq_", "ne_", "lt_", "le_", "gt_", "ge_", "greater_", "less_equal_", "not_equal_", "logical_and_",
           "logical_or_", "logical_xor_", "floor_divide_"]


@pytest.mark.parametrize("dtype", ["float64", "int64", "uint8"])
@pytest.mark.parametrize("name", INPLACE)
def test_inplace_binary_forms_keep_the_dtype(name, dtype):
    def run(lib):
        x = lib.tensor([[0, 3, 5], [7, 2, 9]], dtype=getattr(lib, dtype))
        out = getattr(x, name)(lib.tensor([3, 3, 4], dtype=getattr(lib, dtype)))
        assert out is x
        return x

    assert_tensor_like_torch(run(ember), run(torch), 0.0, 0.0)


@pytest.mark.parametrize("dtype", ["float64", "int64", "uint8", "bool"])
def test_logical_not_in_place(dtype):
    def run(lib):
        x = lib.tensor([0, 3, 0, 1], dtype=getattr(lib, dtype))
        return x.logical_not_()

    assert_tensor_like_torch(run(ember), run(torch), 0.0, 0.0)


def test_inplace_integer_results_wrap_into_uint8():
    def run(lib):
        x = lib.tensor([[200, 100], [90, 3]], dtype=lib.uint8)
        x.cumsum_(0)
        y = lib.tensor([[20, 13], [9, 3]], dtype=lib.uint8)
        y.cumprod_(0)
        z = lib.tensor([1, 50, 200], dtype=lib.uint8)
        z.clamp_(lib.tensor([2, 2, 2], dtype=lib.int32), lib.tensor([100, 100, 100], dtype=lib.int32))
        return x, y, z

    for e, t in zip(run(ember), run(torch)):
        assert_tensor_like_torch(e, t, 0.0, 0.0)


def test_inplace_still_refuses_float_into_integer_and_numbers_into_bool():
    assert_same_raise(lambda: ember.tensor([1, 2]).div_(ember.tensor([2, 2])),
                      lambda: torch.tensor([1, 2]).div_(torch.tensor([2, 2])))
    assert_same_raise(lambda: ember.tensor([True]).add_(ember.tensor([2])), lambda: torch.tensor([True]).add_(torch.tensor([2])))


@pytest.mark.parametrize("mode", ["trunc", "floor"])
@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_div_in_place_with_rounding_mode(mode, dtype):
    def run(lib):
        x = lib.tensor([7, -7, 9, -1], dtype=getattr(lib, dtype))
        return x.div_(lib.tensor([2, 2, -4, 3], dtype=getattr(lib, dtype)), rounding_mode=mode)

    assert_tensor_like_torch(run(ember), run(torch), 0.0, 0.0)


@pytest.mark.parametrize("name", ["fmax", "fmin"])
def test_fmax_fmin_values_and_gradients(name):
    nan, inf = np.nan, np.inf
    a = np.array([[1.0, 2.0, nan, 3.0, nan, -inf], [0.5, 2.0, 1.0, -1.0, 4.0, 0.0]])
    b = np.array([1.0, 3.0, 1.0, nan, nan, 0.0])
    compare_with_torch(lambda lib, x, y: getattr(lib, name)(x, y), lambda lib, x, y: getattr(lib, name)(x, y),
                       [a, b], *TOLERANCE["float64"])
    compare_with_torch(lambda lib, x, y: getattr(x, name)(y), lambda lib, x, y: getattr(x, name)(y),
                       [a.astype(np.float32), b.astype(np.float32)], *TOLERANCE["float32"])


@pytest.mark.parametrize("name", ["fmax", "fmin"])
def test_fmax_fmin_node_names(name):
    def node(lib):
        return getattr(lib, name)(lib.ones(2, requires_grad=True), lib.zeros(2)).grad_fn.name()

    assert node(ember) == node(torch)


@pytest.mark.parametrize("dtypes", [("uint8", "int64"), ("bool", "bool"), ("int32", "float32")])
def test_fmax_promotes_as_torch(dtypes):
    a, b = np.array([1, 0, 3]), np.array([0, 2, 1])
    e = ember.fmax(ember.tensor(a, dtype=getattr(ember, dtypes[0])), ember.tensor(b, dtype=getattr(ember, dtypes[1])))
    t = torch.fmax(torch.tensor(a, dtype=getattr(torch, dtypes[0])), torch.tensor(b, dtype=getattr(torch, dtypes[1])))
    assert_tensor_like_torch(e, t, 0.0, 0.0)


@pytest.mark.parametrize("name", ["fmax", "fmin"])
def test_fmax_fmin_gradcheck(name):
    rng = np.random.default_rng(0)
    x = ember.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    y = ember.tensor(rng.standard_normal(4), requires_grad=True)
    assert gradcheck(getattr(ember, name), (x, y)) and gradgradcheck(getattr(ember, name), (x, y))


def test_fill_and_equal():
    x = ember.tensor([[1.0, 2.0]], requires_grad=True)
    out = ember.fill(x, 3.0)
    assert out.tolist() == [[3.0, 3.0]] and x.tolist() == [[1.0, 2.0]]
    out.sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0]]
    assert ember.fill(ember.tensor([1, 2]), ember.tensor(5)).tolist() == [5, 5]
    assert ember.equal(ember.tensor([1, 2]), ember.tensor([1.0, 2.0])) is True
    assert ember.equal(ember.tensor([1.0, np.nan]), ember.tensor([1.0, np.nan])) is False
    assert ember.equal(ember.tensor([1, 2]), ember.tensor([[1, 2]])) is False


def test_rdiv_is_the_reflected_division():
    assert_tensor_like_torch(ember.tensor([1.0, 4.0]).__rdiv__(2), torch.tensor([1.0, 4.0]).__rdiv__(2), *TOLERANCE["float64"])


@pytest.mark.parametrize("call", [lambda x: x.flip(0, 1), lambda x: x.flip((0, 1)), lambda x: x.flip(dims=(0, 1)),
                                  lambda x: x.flip(dims=[1]), lambda x: x.flip([0])])
def test_flip_spellings(call):
    a = np.arange(6.0).reshape(2, 3)
    assert_tensor_like_torch(call(ember.tensor(a)), call(torch.tensor(a)), 0.0, 0.0)


def test_flip_refuses_an_unknown_keyword():
    assert_same_raise(lambda: ember.ones(2).flip(axis=0), lambda: torch.ones(2).flip(axis=0))


@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("kwargs", [{"correction": None}, {"dim": 1, "correction": None}, {"dim": None, "correction": 0}])
def test_var_std_correction_none_is_the_default(name, kwargs):
    a = np.random.default_rng(1).standard_normal((3, 4))
    compare_with_torch(lambda lib, x: getattr(lib, name)(x, **kwargs), lambda lib, x: getattr(lib, name)(x, **kwargs),
                       [a], 1e-10, 1e-13)
    compare_with_torch(lambda lib, x: getattr(x, name)(**kwargs), lambda lib, x: getattr(x, name)(**kwargs), [a], 1e-10, 1e-13)


@pytest.mark.parametrize("name", ["add_", "sub_", "mul_", "div_", "copy_", "remainder_", "pow_", "floor_divide_", "eq_",
                                  "fill_"])
@pytest.mark.parametrize("dtypes", [("uint8", "int64"), ("int8", "int64"), ("int32", "uint8"), ("float32", "float64"),
                                    ("int64", "float32"), ("bool", "int64"), ("bool", "bool"), ("uint8", "bool")])
def test_inplace_casts_its_result_as_torch(name, dtypes):
    """Integers of any width and sign go into each other (wrapping); a float into an integer, or a
    number into a bool, is refused."""
    def run(lib):
        a = lib.tensor([1, 2, 3], dtype=getattr(lib, dtypes[0]))
        b = lib.tensor([1, 2, 1], dtype=getattr(lib, dtypes[1]))
        getattr(a, name)(b[0] if name == "fill_" else b)
        return a

    try:
        want = run(torch)
    except RuntimeError:
        assert_same_raise(lambda: run(ember), lambda: run(torch))
        return
    assert_tensor_like_torch(run(ember), want, 0.0, 0.0)


def test_fill_refuses_a_value_tensor_with_dimensions():
    assert_same_raise(lambda: ember.ones(3).fill_(ember.ones(2)), lambda: torch.ones(3).fill_(torch.ones(2)), match="0-dimension")
    assert_same_raise(lambda: ember.fill(ember.ones(3), ember.ones(1)), lambda: torch.fill(torch.ones(3), torch.ones(1)))
