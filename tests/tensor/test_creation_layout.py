"""Creation with a memory layout (empty_strided, new_empty_strided, empty_permuted),
scalar_tensor, randint_like; and the in-place whole-tensor ops zero_, resize_, resize_as_:
torch's shapes, strides, dtypes, values, versions, nodes and errors."""

import numpy as np
import pytest
import torch

import ember

from .conftest import assert_same_raise, compare_with_torch

STRIDED = [((), ()), ((5,), (4,)), ((5, 5), (2, 1)), ((5, 5, 5), (2, 0, 1)), ((2, 3), (7, 8)), ((0, 5), (1, 2)),
           ((1, 1, 12), (5, 20, 10))]


@pytest.mark.parametrize("size, stride", STRIDED)
def test_empty_strided_has_torchs_strides(size, stride):
    e = ember.empty_strided(size, stride, dtype=ember.float64)
    t = torch.empty_strided(size, stride, dtype=torch.float64)
    assert e.shape == t.shape and e.dtype == ember.float64
    assert e.stride() == t.stride() or not all(size)
    n = ember.ones(2, dtype=ember.int32).new_empty_strided(size, stride)
    assert n.dtype == ember.int32 and n.stride() == e.stride()
    assert ember.empty_strided(size, stride).dtype == ember.get_default_dtype()


def test_empty_strided_errors_match_torch():
    assert_same_raise(lambda: ember.empty_strided((2, 3), (1,)), lambda: torch.empty_strided((2, 3), (1,)))
    assert_same_raise(lambda: ember.empty_strided((2, -3), (1, 1)), lambda: torch.empty_strided((2, -3), (1, 1)))


@pytest.mark.parametrize("size, layout", [((), ()), ((0,), (0,)), ((1, 3, 5), (0, 2, 1)), ((2, 3, 4), (2, 0, 1)),
                                          ((2, 3, 4, 5), (3, 1, 0, 2))])
def test_empty_permuted_lays_memory_out_in_order(size, layout):
    e = ember.empty_permuted(size, layout, dtype=ember.float32)
    t = torch.empty_permuted(size, layout, dtype=torch.float32)
    assert e.shape == t.shape and e.dtype == ember.float32 and e.stride() == t.stride()


@pytest.mark.parametrize("size, layout", [((2,), (0, 1)), ((2,), (3,)), ((2, 3), (0, 0)), ((2, 3), (-1, 0))])
def test_empty_permuted_errors_match_torch(size, layout):
    assert_same_raise(lambda: ember.empty_permuted(size, layout), lambda: torch.empty_permuted(size, layout))


@pytest.mark.parametrize("value", [-5, 0, 1, 2.7, True])
@pytest.mark.parametrize("dtype", [None, "float64", "int64", "uint8", "bool"])
def test_scalar_tensor_matches_torch(value, dtype):
    e = ember.scalar_tensor(value, dtype=dtype and getattr(ember, dtype))
    t = torch.scalar_tensor(value, dtype=dtype and getattr(torch, dtype))
    assert e.shape == () and str(e.dtype).removeprefix("ember.") == str(t.dtype).removeprefix("torch.")
    assert e.item() == t.item()
    assert ember.scalar_tensor(1.5, requires_grad=True).requires_grad


@pytest.mark.parametrize("dtype", ["int8", "int64", "uint8", "float32"])
def test_randint_like_range_shape_and_dtype(dtype):
    x = ember.zeros(40, 50, dtype=getattr(ember, dtype))
    a, b = ember.randint_like(x, 7), ember.randint_like(x, 2, 7)
    assert a.shape == x.shape and a.dtype == x.dtype and b.dtype == x.dtype
    assert set(np.unique(a.numpy())) == set(range(7)) and set(np.unique(b.numpy())) == set(range(2, 7))
    assert ember.randint_like(x, ember.tensor(3)).max().item() <= 2
    assert ember.randint_like(x, 3, dtype=ember.int16).dtype == ember.int16


@pytest.mark.parametrize("call", [
    lambda lib: lib.randint_like(lib.zeros(2, dtype=lib.int8), 200),
    lambda lib: lib.randint_like(lib.zeros(2), 5, 2),
    lambda lib: lib.randint_like(lib.zeros(2), 0),
    lambda lib: lib.randint_like(lib.zeros(2), 2.5),
], ids=lambda c: str(c.__code__.co_firstlineno))
def test_randint_like_errors_match_torch(call):
    assert_same_raise(lambda: call(ember), lambda: call(torch))


def test_zero_matches_torch():
    compare_with_torch(lambda lib, x: lib.zero_(x * 1.0), lambda lib, x: lib.zero_(x * 1.0),
                       [np.arange(6.0).reshape(2, 3)], 0.0, 0.0)
    for lib in (ember, torch):
        x = lib.ones(3, requires_grad=True) * 2.0
        version = x._version
        assert x.zero_() is x and x._version == version + 1 and type(x.grad_fn).__name__ == "ZeroBackward0"
        with pytest.raises(RuntimeError, match="leaf Variable"):
            lib.ones(2, requires_grad=True).zero_()
    y = ember.arange(6, dtype=ember.int16).reshape(2, 3)
    assert ember.zero_(y[1]) is not y and y.tolist() == [[0, 1, 2], [0, 0, 0]]


@pytest.mark.parametrize("shape, size", [((5, 5, 5), (25, 5)), ((), ()), ((), (1, 1, 1)), ((2, 3), (6,)),
                                         ((2, 3), (2, 2)), ((2, 3), (3, 3))])
def test_resize_keeps_the_memory_prefix(shape, size):
    array = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    e, t = ember.tensor(array), torch.tensor(array)
    assert e.resize_(size) is e and t.resize_(size) is t
    n = min(array.size, int(np.prod(size)))
    assert e.shape == t.shape and e._version == t._version
    np.testing.assert_array_equal(e.numpy().ravel()[:n], t.numpy().ravel()[:n])


def test_resize_reads_memory_order():
    e, t = ember.arange(6.0).reshape(2, 3).t(), torch.arange(6.0).reshape(2, 3).t()
    np.testing.assert_array_equal(e.resize_(2, 3).numpy(), t.resize_(2, 3).numpy())


def test_resize_as_and_shrinking_shares_memory():
    x = ember.arange(6.0)
    ember.resize_as_(x, ember.zeros(2, 2))
    assert x.shape == (2, 2) and x.tolist() == [[0.0, 1.0], [2.0, 3.0]]
    y = ember.arange(4.0)
    y.resize_as_(ember.zeros(3))
    assert y.tolist() == [0.0, 1.0, 2.0]


@pytest.mark.parametrize("call", [
    lambda lib: lib.zeros(2, requires_grad=True).resize_(3),
    lambda lib: (lib.zeros(2, requires_grad=True) * 1.0).resize_(3),
    lambda lib: lib.zeros(2).resize_(-1),
], ids=lambda c: str(c.__code__.co_firstlineno))
def test_resize_errors_match_torch(call):
    assert_same_raise(lambda: call(ember), lambda: call(torch))
