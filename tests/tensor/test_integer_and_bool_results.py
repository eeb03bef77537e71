"""Result dtypes and values of ops on integer and bool tensors, where torch's rules are its own:
all/any keep uint8, sign of a bool, where's uint8 condition, isclose of integers, einsum's
int64 sums, integer products that keep their dtype, the integer beta/alpha of the add-products,
bool addr, and aminmax of an empty int32 tensor (and its out=)."""

import numpy as np
import pytest
import torch

import ember
from tensor.conftest import TOLERANCE, assert_same_raise, assert_tensor_like_torch

DTYPES = ["uint8", "int8", "int32", "int64", "bool", "float64"]


def _both(data, dtype):
    return ember.tensor(data, dtype=getattr(ember, dtype)), torch.tensor(data, dtype=getattr(torch, dtype))


def _same(e, t):
    assert_tensor_like_torch(e, t, *TOLERANCE["float64"])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["all", "any"])
@pytest.mark.parametrize("kwargs", [{}, {"dim": 1}, {"dim": 0, "keepdim": True}])
def test_all_any_result_dtype(name, dtype, kwargs):
    e, t = _both([[0, 1, 2], [3, 4, 5]], dtype)
    _same(getattr(ember, name)(e, **kwargs), getattr(torch, name)(t, **kwargs))
    _same(getattr(e, name)(**kwargs), getattr(t, name)(**kwargs))


@pytest.mark.parametrize("name", ["sign", "sgn"])
def test_sign_of_bool_is_itself(name):
    e, t = _both([True, False, True], "bool")
    _same(getattr(ember, name)(e), getattr(torch, name)(t))
    e, t = _both([True, False, True], "bool")
    _same(e.sign_(), t.sign_())


def test_where_takes_a_uint8_condition_with_torch_warning():
    e, t = _both([0, 1, 7], "uint8")
    with pytest.warns(UserWarning, match="uint8 condition"):
        out, want = ember.where(e, ember.ones(3), ember.zeros(3)), torch.where(t, torch.ones(3), torch.zeros(3))
    _same(out, want)
    assert_same_raise(lambda: ember.where(ember.tensor([1, 0]), ember.ones(2), ember.zeros(2)),
                      lambda: torch.where(torch.tensor([1, 0]), torch.ones(2), torch.zeros(2)), match="boolean")


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int64", "bool"])
@pytest.mark.parametrize("kwargs", [{}, {"atol": 2}, {"atol": 300}, {"rtol": 0.1, "atol": 0}, {"rtol": 0, "atol": 0}])
def test_isclose_of_integers_and_bools(dtype, kwargs):
    a = [0, 10, 1, 100] if dtype != "bool" else [True, False, True, False]
    b = [127, 12, 1, 99] if dtype != "bool" else [True, True, False, False]
    (ea, ta), (eb, tb) = _both(a, dtype), _both(b, dtype)
    _same(ember.isclose(ea, eb, **kwargs), torch.isclose(ta, tb, **kwargs))


def test_isclose_a_finite_value_is_not_close_to_infinity():
    a, b = [1.0, np.inf, -np.inf, np.nan], [np.inf, np.inf, np.inf, np.nan]
    (ea, ta), (eb, tb) = _both(a, "float64"), _both(b, "float64")
    _same(ember.isclose(ea, eb, rtol=1e-5), torch.isclose(ta, tb, rtol=1e-5))
    _same(ember.isclose(ea, eb, equal_nan=True), torch.isclose(ta, tb, equal_nan=True))


EINSUM = [("i->", [[1, 2, 3]]), ("i", [[1, 2, 3]]), ("ij->", [[[1, 2], [3, 4]]]), ("ij->j", [[[1, 2], [3, 4]]]),
          ("ii->i", [[[1, 2], [3, 4]]]), ("ii", [[[1, 2], [3, 4]]]), ("i,i->", [[1, 2], [3, 4]]),
          ("i,j->", [[1, 2], [3, 4]]), ("ij,j->i", [[[1, 2], [3, 4]], [5, 6]]), ("ij->ji", [[[1, 2], [3, 4]]]),
          ("...->", [[1, 2, 3]]), ("i,j", [[1, 2], [3, 4]])]


@pytest.mark.parametrize("dtype", ["uint8", "int32", "float64"])
@pytest.mark.parametrize("equation, data", EINSUM, ids=[e for e, _ in EINSUM])
def test_einsum_integer_result_dtype(equation, data, dtype):
    pairs = [_both(d, dtype) for d in data]
    _same(ember.einsum(equation, *[e for e, _ in pairs]), torch.einsum(equation, *[t for _, t in pairs]))


@pytest.mark.parametrize("dtype", ["int32", "uint8"])
def test_integer_products_keep_their_dtype(dtype):
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 5, (1, 1, 1)), rng.integers(0, 5, (2, 1, 2))
    (ea, ta), (eb, tb) = _both(a, dtype), _both(b, dtype)
    _same(ember.tensordot(ea, eb, dims=((0, 1), (2, 0))), torch.tensordot(ta, tb, dims=((0, 1), (2, 0))))
    x1, x2, w, bias = rng.integers(0, 4, (2, 3)), rng.integers(0, 4, (2, 4)), rng.integers(0, 4, (5, 3, 4)), rng.integers(0, 4, 5)
    es, ts = zip(*(_both(v, dtype) for v in (x1, x2, w, bias)))
    _same(ember.nn.functional.bilinear(*es), torch.nn.functional.bilinear(*ts))
    m, b1, b2 = rng.integers(0, 4, (3, 4)), rng.integers(0, 4, (2, 3, 5)), rng.integers(0, 4, (2, 5, 4))
    es, ts = zip(*(_both(v, dtype) for v in (m, b1, b2)))
    _same(ember.addbmm(*es), torch.addbmm(*ts))


@pytest.mark.parametrize("beta, alpha", [(0.2, 0.6), (1.7, 2.6), (2, 0.6), (0.0, 1.5), (-1.5, 3)])
@pytest.mark.parametrize("name", ["addmm", "addmv", "baddbmm", "addbmm"])
def test_integer_add_products_truncate_a_float_beta_and_alpha(name, beta, alpha):
    rng = np.random.default_rng(1)
    shapes = {"addmm": [(2, 4), (2, 3), (3, 4)], "addmv": [(2,), (2, 3), (3,)],
              "baddbmm": [(2, 2, 4), (2, 2, 3), (2, 3, 4)], "addbmm": [(2, 4), (3, 2, 3), (3, 3, 4)]}[name]
    es, ts = zip(*(_both(rng.integers(-5, 5, s), "int64") for s in shapes))
    _same(getattr(ember, name)(*es, beta=beta, alpha=alpha), getattr(torch, name)(*ts, beta=beta, alpha=alpha))


@pytest.mark.parametrize("beta, alpha", [(3, 2), (0, 1), (1, 0), (0, 0), (True, False)])
def test_bool_addr(beta, alpha):
    es, ts = zip(*(_both(d, "bool") for d in ([[True, False, False], [False, False, True]], [True, False], [False, True, True])))
    _same(ember.addr(*es, beta=beta, alpha=alpha), torch.addr(*ts, beta=beta, alpha=alpha))


@pytest.mark.parametrize("kwargs", [{"beta": 0.5}, {"alpha": 1.5}])
def test_integer_addr_refuses_a_float_beta_or_alpha(kwargs):
    es, ts = zip(*(_both(d, "int64") for d in ([[1, 2]], [1], [3, 4])))
    assert_same_raise(lambda: ember.addr(*es, **kwargs), lambda: torch.addr(*ts, **kwargs), match=next(iter(kwargs)))


@pytest.mark.parametrize("dtype", ["int32", "uint8", "float32"])
def test_aminmax_of_an_empty_tensor_keeps_the_dtype(dtype):
    e, t = _both(np.zeros((5, 0, 5)), dtype)
    for got, want in zip(ember.aminmax(e, dim=0), torch.aminmax(t, dim=0)):
        _same(got, want)
    assert_same_raise(lambda: ember.aminmax(e, dim=1), lambda: torch.aminmax(t, dim=1))


def test_aminmax_out():
    e, t = _both(np.arange(12.0).reshape(3, 4), "float32")
    outs = (ember.empty(0), ember.empty(4))
    result = ember.aminmax(e, dim=0, out=outs)
    assert result.min is outs[0] and result.max is outs[1]
    for got, want in zip(outs, torch.aminmax(t, dim=0)):
        _same(got, want)
    assert_same_raise(lambda: ember.aminmax(e, dim=0, out=(ember.empty(4), ember.empty(4, dtype=ember.float64))),
                      lambda: torch.aminmax(t, dim=0, out=(torch.empty(4), torch.empty(4, dtype=torch.float64))),
                      match="Expected out tensor to have dtype float, but got double")
