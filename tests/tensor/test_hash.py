"""hash_tensor (torch's XOR of 64-bit words) and its result dtype, ember.uint64, a shell dtype
that promotes with no other integer type, as in torch."""

import numpy as np
import pytest
import torch

import ember

from .conftest import assert_same_raise

VALUES = np.array([[1.5, -2.0, 0.0, -0.0], [np.nan, np.inf, -7.25, 3.0], [1e-300, -1e300, 0.5, 2.0]])
DIMS = [{}, {"dim": None}, {"dim": ()}, {"dim": 0}, {"dim": -1, "keepdim": True}, {"dim": (0, 1)}, {"dim": [1]}]


@pytest.mark.parametrize("kwargs", DIMS, ids=str)
@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "int64", "int32", "int8", "uint8", "bool"])
def test_hash_matches_torch(dtype, kwargs):
    with np.errstate(invalid="ignore", over="ignore"):
        array = VALUES.astype(dtype) if dtype.startswith("float") or dtype == "bool" else (VALUES * 7).astype(np.int64).astype(dtype)
    expected = torch.hash_tensor(torch.tensor(array), **kwargs)
    got = ember.hash_tensor(ember.tensor(array), **kwargs)
    assert got.dtype == ember.uint64 and got.shape == expected.shape
    np.testing.assert_array_equal(got.numpy(), expected.numpy())
    np.testing.assert_array_equal(ember.tensor(array).hash_tensor(**kwargs).numpy(), expected.numpy())


@pytest.mark.parametrize("value", [-1, 0, 1, True])
def test_hash_of_a_scalar(value):
    for dtype in ("int8", "int64", "bool", "float32"):
        e = ember.hash_tensor(ember.tensor(value, dtype=getattr(ember, dtype)), 0, keepdim=True)
        t = torch.hash_tensor(torch.tensor(value, dtype=getattr(torch, dtype)), 0, keepdim=True)
        assert e.shape == t.shape and e.item() == t.item()


def test_hash_has_no_gradient():
    out = ember.hash_tensor(ember.ones(3, requires_grad=True))
    assert not out.requires_grad and out.grad_fn is None


@pytest.mark.parametrize("call", [
    lambda lib: lib.hash_tensor(lib.ones(2, 3), mode=1),
    lambda lib: lib.hash_tensor(lib.ones(2, 3), 5),
    lambda lib: lib.hash_tensor(lib.ones(2, 3), (0, 0)),
    lambda lib: lib.hash_tensor(lib.zeros(0, 3)),
    lambda lib: lib.hash_tensor(lib.zeros(2, 0), 1),
], ids=lambda c: str(c.__code__.co_firstlineno))
def test_hash_errors_match_torch(call):
    assert_same_raise(lambda: call(ember), lambda: call(torch))


def test_hash_of_an_empty_dim_reduction():
    assert ember.hash_tensor(ember.zeros(0, 3), 1).shape == torch.hash_tensor(torch.zeros(0, 3), 1).shape


@pytest.mark.parametrize("other", ["int64", "uint8", "bool", "int8"])
def test_uint64_promotes_with_no_other_integer_type(other):
    assert_same_raise(lambda: ember.promote_types(ember.uint64, getattr(ember, other)),
                      lambda: torch.promote_types(torch.uint64, getattr(torch, other)), "Promotion for uint16, uint32, uint64")
    assert ember.promote_types(ember.uint64, ember.float32) == ember.float32
    assert ember.promote_types(ember.uint64, ember.uint64) == ember.uint64


def test_uint64_holds_the_full_range():
    x = ember.tensor([2**64 - 1, 2**63 + 5, 7], dtype=ember.uint64)
    assert x.tolist() == [2**64 - 1, 2**63 + 5, 7] and x.dtype.itemsize == 8
    assert_same_raise(lambda: ember.tensor([-1], dtype=ember.uint64), lambda: torch.tensor([-1], dtype=torch.uint64))
    assert ember.from_numpy(np.array([3], np.uint64)).dtype == ember.uint64
